// @ts-check
/**
 * vitest globalSetup: makes sure out/ is built and current before any test file runs, because some tests run the
 * built code (engine worker threads from out/main/engine-worker.js, the CLI as out/main/cli.js). Runs once per
 * vitest run, in the main process, so parallel test files never build at the same time. ensure-build skips the
 * build (~1 s check) when nothing changed since the last one.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ensure-build.mjs');

export function setup() {
  const result = spawnSync(process.execPath, [script, '--quiet'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`${script} failed (exit ${result.status}); see its output above`);
}

// @ts-check
/**
 * Loads one of the engine's TypeScript test harnesses (src-main/engine/testing/*.ts: the real sshd, later the Ceph
 * RADOS Gateway) under plain Node: bundled with rolldown (the bundler vite uses) into the benchmark's work
 * directory, then imported. The benchmark so starts its servers exactly as the tests do, without a second copy of
 * their set-up, and without shipping test code in out/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'rolldown';
import { projectRoot } from '../shared/measure.mjs';

/**
 * @param {string} name the harness's file name without `.ts`, e.g. `sshd-server`
 * @param {string} work a directory for the bundle
 * @returns {Promise<Record<string, unknown>>} the harness's exports
 */
export async function loadTestingHarness(name, work) {
  const outDir = path.join(work, 'harness');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${name}.mjs`);
  await build({
    input: path.join(projectRoot, 'src-main', 'engine', 'testing', `${name}.ts`),
    platform: 'node',
    logLevel: 'warn',
    output: { file, format: 'esm' },
  });
  return import(pathToFileURL(file).href);
}

/**
 * Test-only: a private copy of the built CLI for tests that start it dozens of times over a minute or more.
 * out/ is shared: any vitest run (ours or another checkout user's) rebuilds it when a source file changed, and
 * the rebuild empties out/main/ for a moment — a CLI started then fails with "Cannot find module", which a crash
 * test would misread. The native addons are copied for the same reason (node-gyp rebuilds replace them).
 */
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { hotpathAddonEnvVariable } from '../native/hotpath-addon';
import { posixFsAddonEnvVariable } from '../native/posix-fs-addon';
import { engineWorkerEnvVariable } from '../parallel/worker-script';

/** How to start a build of the CLI: `node <script> …` with `env` added to the environment. */
export interface CliBuild {
  script: string;
  env: Record<string, string>;
}

const projectRoot = path.resolve(__dirname, '..', '..', '..');

/** Copies out/main/ (kept current by vitest's global setup) and the addons into `dir`; returns how to start it. */
export async function copyCliBuild(dir: string): Promise<CliBuild> {
  const main = path.join(dir, 'main');
  await mkdir(dir, { recursive: true });
  await cp(path.join(projectRoot, 'out', 'main'), main, { recursive: true });
  const addon = (name: string, file: string) =>
    path.join(projectRoot, 'src-main', 'engine', 'native', name, 'build', 'Release', file);
  const hotpath = path.join(dir, 'hotpath.node');
  const posixFs = path.join(dir, 'posix_fs.node');
  await cp(addon('hotpath', 'hotpath.node'), hotpath);
  await cp(addon('posix-fs', 'posix_fs.node'), posixFs);
  return {
    script: path.join(main, 'cli.js'),
    env: {
      // The copy is outside the checkout: its require() calls find the packages through NODE_PATH.
      NODE_PATH: path.join(projectRoot, 'node_modules'),
      [engineWorkerEnvVariable]: path.join(main, 'engine-worker.js'),
      [hotpathAddonEnvVariable]: hotpath,
      [posixFsAddonEnvVariable]: posixFs,
    },
  };
}

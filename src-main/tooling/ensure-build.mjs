// @ts-check
/**
 * Builds out/ with electron-vite when it is missing or older than any source or config file, so that
 * `npm run console` and `npm start` work on a fresh clone without a separate build step, and skip the build
 * when nothing changed. Runs under plain Node before anything is built, hence JavaScript.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const stampFile = path.join(projectRoot, 'out', '.build-stamp');
const inputs = ['src-main', 'src-renderer', 'electron.vite.config.ts', 'package.json', 'package-lock.json'];

/** Newest modification time (ms) of a file or of any file below a directory. @param {string} target */
function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

export function buildIsCurrent() {
  if (!existsSync(stampFile)) return false;
  const built = statSync(stampFile).mtimeMs;
  return inputs.every((input) => newestMtime(path.join(projectRoot, input)) <= built);
}

export function ensureBuild({ quiet = false } = {}) {
  if (buildIsCurrent()) return;
  if (!quiet) console.error('Building Backup Manager (out/)…');
  const cli = path.join(projectRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [cli, 'build', '--logLevel', 'warn'], {
    cwd: projectRoot,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  });
  if (result.status !== 0) {
    console.error('The build failed (see the errors above).');
    process.exit(result.status ?? 1);
  }
  // Stamp after a successful build only: a failed build is retried next time.
  writeFileSync(stampFile, new Date().toISOString());
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  ensureBuild({ quiet: process.argv.includes('--quiet') });

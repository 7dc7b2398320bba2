// @ts-check
/**
 * Where the Electron binary is, without triggering its download. (Requiring the electron package in Node tries
 * to download the binary when it is missing, which hangs or fails on an offline machine; the launcher and the
 * Electron e2e suite need a plain yes/no with the reason.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** @returns {{ path: string } | { path: null, reason: string }} */
export function locateElectronBinary() {
  let moduleDir;
  try {
    moduleDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { path: null, reason: 'the electron package is not installed (run npm install)' };
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = path.join(moduleDir, 'path.txt');
  if (!existsSync(pathFile) && !override) {
    return {
      path: null,
      reason: `the Electron binary is not installed (no ${path.relative(process.cwd(), pathFile)})`,
    };
  }
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron';
  const binary = override ? path.join(override, relative) : path.join(moduleDir, 'dist', relative);
  if (!existsSync(binary)) return { path: null, reason: `the Electron binary is missing at ${binary}` };
  return { path: binary };
}

/** Runs electron's own installer (downloads the binary); returns true when the binary is there afterwards. */
export async function tryInstallElectronBinary() {
  const { spawnSync } = await import('node:child_process');
  let installer;
  try {
    installer = path.join(path.dirname(require.resolve('electron/package.json')), 'install.js');
  } catch {
    return false;
  }
  // Output is captured: on an offline machine the installer prints a long stack trace that helps nobody.
  spawnSync(process.execPath, [installer], { stdio: 'pipe', timeout: 300_000 });
  return locateElectronBinary().path !== null;
}

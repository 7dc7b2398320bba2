// @ts-check
/**
 * `npm start`: opens the Backup Manager window. Builds first if needed; fetches the Electron binary if the
 * electron package has not downloaded it yet; and where that is impossible (offline machines), exits non-zero
 * with one sentence pointing at console mode.
 */
import { spawn } from 'node:child_process';
import { locateElectronBinary, tryInstallElectronBinary } from './electron-binary.mjs';
import { ensureBuild, projectRoot } from './ensure-build.mjs';

let located = locateElectronBinary();
if (located.path === null && (await tryInstallElectronBinary())) located = locateElectronBinary();
if (located.path === null) {
  console.error(
    `Backup Manager cannot open its window because ${located.reason} and it could not be downloaded; run \`npm run console\` to use the same UI in a browser instead.`,
  );
  process.exit(1);
}

ensureBuild();
const child = spawn(located.path, [projectRoot, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// @ts-check
/** `npm run console`: build if needed, then serve the UI on 127.0.0.1 under plain Node (no Electron needed). */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureBuild, projectRoot } from './ensure-build.mjs';

ensureBuild();
const child = spawn(
  process.execPath,
  [path.join(projectRoot, 'out', 'main', 'console.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
// Forward Ctrl+C / termination so the server closes cleanly.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
  process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

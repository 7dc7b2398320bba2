import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = __dirname;

export default defineConfig({
  main: {
    build: {
      // The console and the CLI run the same main-process code under plain Node 20, not only inside Electron.
      target: 'node20',
      rolldownOptions: {
        input: {
          index: resolve(root, 'src-main/electron/main.ts'),
          console: resolve(root, 'src-main/console/main.ts'),
          cli: resolve(root, 'src-main/cli/main.ts'),
          // The elevated helper (root daemon / Windows service): runs sessions for the app and the CLI.
          helper: resolve(root, 'src-main/helper/main.ts'),
          // Worker threads of the engine (backup/restore run chunking, hashing and crypto on every core).
          'engine-worker': resolve(root, 'src-main/engine/parallel/engine-worker.ts'),
        },
        // The CLI and the helper are the package's bins: they need a shebang; the other entries must not have one.
        output: {
          banner: (chunk) =>
            (chunk.name === 'cli' || chunk.name === 'helper') && chunk.isEntry ? '#!/usr/bin/env node' : '',
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require() packages: bundle everything it uses into one CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/electron/preload.ts') },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    resolve: {
      alias: { '@contract': resolve(root, 'src-main/ipc/contract.ts') },
    },
    build: {
      outDir: resolve(root, 'out/renderer'),
      // Minified: the console serves this bundle over HTTP and first paint should be quick.
      minify: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src-renderer/index.html') },
      },
    },
    plugins: [react()],
  },
});

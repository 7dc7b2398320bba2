import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { '@contract': resolve(dirname(fileURLToPath(import.meta.url)), 'src-main/ipc/contract.ts') },
  },
  test: {
    include: ['src-main/**/*.test.{ts,tsx}', 'src-renderer/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Builds out/ when sources changed: tests of engine worker threads and of the CLI binary run the build.
    globalSetup: ['src-main/tooling/vitest-global-setup.mjs'],
    // Integration tests start real servers and tools; give them room without hiding hangs.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

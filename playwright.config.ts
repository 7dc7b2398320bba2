import { defineConfig } from '@playwright/test';

/**
 * e2e suites. The console suite drives Debian's Chromium (never a downloaded browser) against the real console
 * server; the Electron suite drives the real Electron binary when it is installed and says why it is skipped
 * otherwise.
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
    '--disable-quic',
  ],
};

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  // The journeys wait for a real helper that runs OS tools (lsblk, systemctl, dpkg…) for every preflight: a few
  // seconds normally, more on a loaded CI machine. Waiting longer changes no assertion.
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    headless: true,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'console',
      testMatch: /console\/.*\.spec\.ts/,
      use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions },
    },
    { name: 'electron', testMatch: /electron\/.*\.spec\.ts/ },
  ],
});

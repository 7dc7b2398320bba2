import { expect, test } from '@playwright/test';
import { expectNoSeriousViolations } from '../support/accessibility';
import { AppPage } from '../support/app-page';
import { type HelperEnvironment, startHelperEnvironment } from '../support/helper-process';

let env: HelperEnvironment;

test.beforeAll(async () => {
  env = await startHelperEnvironment();
});
test.afterAll(async () => {
  await env.dispose();
});

test('the dashboard shows the last backup and its result, live', async ({ page }) => {
  const app = new AppPage(page);
  await page.goto(env.console.url);
  await app.expectConnected();
  await expect(page.getByTestId('last-session')).toContainText('No backup has run yet');

  // A session started elsewhere (the CLI, or a schedule) shows up here as it runs and ends.
  env.cli(['session', 'start', '--source', 'system-state', '--wait']);
  await expect(page.getByTestId('last-session')).toContainText('System state', { timeout: 30_000 });
  await expect(page.getByTestId('last-session')).toContainText('Completed', { timeout: 30_000 });
  await app.screenshot('dashboard-last-backup');
  await expectNoSeriousViolations(page, { within: 'main' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('dashboard-last-backup-dark');
});

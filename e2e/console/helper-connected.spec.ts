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

test('helper stopped → an honest state with what to do → helper back → the app recovers', async ({
  page,
}) => {
  const app = new AppPage(page);
  await page.goto(env.console.url);
  await app.expectConnected();
  await expect(page.getByTestId('helper-status')).toHaveText('Helper connected');

  await env.stopHelper();
  await expect(page.getByTestId('helper-status')).not.toHaveText('Helper connected', { timeout: 15_000 });
  await expect(page.getByTestId('helper-action')).toBeVisible();
  await app.screenshot('console-helper-stopped');
  await expectNoSeriousViolations(page);

  await env.startHelper();
  // The connection observer retries with backoff (at most 30 s between tries).
  await expect(page.getByTestId('helper-status')).toHaveText('Helper connected', { timeout: 40_000 });
  await expect(page.getByTestId('helper-action')).toHaveCount(0);
  await app.screenshot('console-helper-back');
});

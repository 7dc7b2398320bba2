/**
 * Troubleshooting against a real helper (test mode, temporary directories): the checks of this machine, "Run all
 * checks", the diagnostic report exported as a file and copied, and a deep link into one check.
 */
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { expectNoSeriousViolations } from '../support/accessibility';
import { AppPage, screens } from '../support/app-page';
import { type HelperEnvironment, startHelperEnvironment } from '../support/helper-process';

let env: HelperEnvironment;

test.beforeAll(async () => {
  env = await startHelperEnvironment();
});
test.afterAll(async () => {
  await env.dispose();
});

const troubleshooting = screens.find((s) => s.id === 'troubleshooting')!;

async function openScreen(page: Page) {
  const app = await AppPage.openWithHelper(page, env.console.url, troubleshooting);
  return app;
}

test('the checks of this machine, run again, with evidence and fixes (light and dark, axe clean)', async ({
  page,
}) => {
  const app = await openScreen(page);
  const freeSpace = page.locator('#check-free-space');
  await expect(freeSpace).toBeVisible({ timeout: 30_000 });
  await expect(freeSpace.locator('[data-status]')).toHaveText(/Pass$/);
  await expect(freeSpace).toContainText('What was found');
  await expect(freeSpace).toContainText('free there:');

  // Here systemd is not PID 1 and no helper unit is installed: the services check says so, with the fix as steps.
  const services = page.locator('#check-services');
  await expect(services).toBeVisible();
  await expect(services).toContainText('Backup Service Controller');
  const servicesStatus = await services.locator('[data-status]').getAttribute('data-status');
  if (servicesStatus !== 'pass') {
    await expect(services).toContainText(/Code: [A-Z_]+/);
    await expect(services.locator('.troubleshooting-step').first()).toBeVisible();
  }
  await expect(page.getByRole('heading', { name: /^Overall status/ })).toBeVisible();
  await expect(page.getByTestId('troubleshooting-run-status')).toContainText('Last checked at');
  await app.screenshot('troubleshooting-light');
  await expectNoSeriousViolations(page, { within: 'main' });

  // Run all checks: disabled with "Checking…" while it runs, the results stay in place, then a new time.
  const run = page.getByRole('button', { name: /Run all checks|Checking…/ });
  const before = await run.boundingBox();
  await run.click();
  await expect(run).toHaveText('Checking…');
  await expect(run).toBeDisabled();
  await expect(freeSpace).toBeVisible();
  const during = await run.boundingBox();
  expect(during?.width).toBe(before?.width);
  await expect(run).toHaveText('Run all checks', { timeout: 30_000 });
  await expect(run).toBeEnabled();

  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('troubleshooting-dark');
  await expectNoSeriousViolations(page, { within: 'main' });
});

test('the diagnostic report: exported as a JSON file holding the checks, and copied', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openScreen(page);
  await expect(page.locator('#check-free-space')).toBeVisible({ timeout: 30_000 });

  const downloading = page.waitForEvent('download', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Export report' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^backup-manager-diagnostics-\d{4}-\d{2}-\d{2}\.json$/);
  const report = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(report.checks.map((c: { id: string }) => c.id)).toContain('free-space');
  expect(report.machine.platform).toBe('linux');
  await expect(page.getByTestId('troubleshooting-report-status')).toContainText(
    `Saved ${download.suggestedFilename()}`,
  );

  await page.getByRole('button', { name: 'Copy report' }).click();
  const status = page.getByTestId('troubleshooting-report-status');
  await expect(status).toContainText(/Copied|press Ctrl\+C/, { timeout: 60_000 });
  const text = (await status.textContent())?.startsWith('Copied')
    ? await page.evaluate(() => navigator.clipboard.readText())
    : await page.getByLabel('Diagnostic report text').inputValue();
  expect(text).toContain('Backup Manager — diagnostic report');
  expect(text).toContain('Free space for the snapshot');
  await new AppPage(page).screenshot('troubleshooting-report');
});

test('a link into a check opens the screen on that check, highlighted and focused', async ({ page }) => {
  const app = new AppPage(page);
  await page.goto(env.console.url);
  await app.expectConnected();
  await expect(page.getByTestId('helper-status')).toHaveText('Helper connected');
  // What a session failure's "What to check" link does.
  await page.evaluate(() => {
    window.location.hash = '#/troubleshooting?check=free-space';
  });
  await expect(page.locator('main[data-screen="troubleshooting"]')).toBeVisible();
  const card = page.locator('#check-free-space');
  await expect(card).toBeFocused({ timeout: 30_000 });
  await expect(card).toHaveClass(/troubleshooting-check-linked/);
  await expect(card).toBeInViewport();
  await app.screenshot('troubleshooting-deep-link');

  // From the summary, a check that needs attention is one keyboard press away.
  const attention = page
    .getByRole('list', { name: 'Checks that need attention' })
    .getByRole('button')
    .first();
  if (await attention.count()) {
    const name = await attention.textContent();
    await attention.focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('article:focus h4')).toHaveText(name ?? '');
  }
});

test('helper stopped: an honest state with what to do, never a spinner (axe clean)', async ({ page }) => {
  const app = await openScreen(page);
  await expect(page.locator('#check-free-space')).toBeVisible({ timeout: 30_000 });
  await env.stopHelper();
  await expect(page.getByTestId('helper-status')).not.toHaveText('Helper connected', { timeout: 15_000 });
  // The checks run in the helper: the screen says so at once, with what to do and what would be checked.
  const unavailable = page.getByTestId('troubleshooting-helper-unavailable');
  await expect(unavailable).toContainText('The checks cannot run');
  await expect(unavailable).toContainText('What to do:');
  await expect(page.getByRole('heading', { name: 'What is checked' })).toBeVisible();
  await expect(page.locator('#check-free-space')).toHaveCount(0);
  await app.screenshot('troubleshooting-helper-stopped');
  await expectNoSeriousViolations(page, { within: 'main' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('troubleshooting-helper-stopped-dark');

  // The helper back: the checks run again by themselves.
  await env.startHelper();
  await expect(page.locator('#check-free-space')).toBeVisible({ timeout: 45_000 });
});

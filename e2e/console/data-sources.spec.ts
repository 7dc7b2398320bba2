import { expect, test } from '@playwright/test';
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

const dataSources = screens.find((screen) => screen.id === 'data-sources') ?? screens[1];

test('data sources: detected components, System state daily at 02:30, a Files path added then removed', async ({
  page,
}) => {
  const app = new AppPage(page);
  await page.goto(env.console.url);
  await app.expectConnected();
  await expect(page.getByTestId('helper-status')).toHaveText('Helper connected');
  await app.goTo(dataSources);

  // What this machine has: System configuration, detected, reading /etc, with a size.
  const configuration = page.locator('[data-component="linux.configuration"]');
  await expect(configuration.getByRole('heading', { name: 'System configuration' })).toBeVisible({
    timeout: 20_000,
  });
  await expect(configuration.getByTestId('component-detected')).toHaveText('Detected');
  await expect(configuration.getByText('/etc', { exact: true })).toBeVisible();
  await expect(configuration.getByTestId('component-size')).toHaveText(
    /\d+(\.\d+)? (B|KiB|MiB|GiB) · [\d,]+ files?/,
  );
  await expect(page.getByTestId('components-total')).toContainText('estimated for the');
  // The evidence, for the help desk, opens with the keyboard.
  await configuration.locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect(configuration.locator('details')).toHaveAttribute('open', '');

  // Both sources start disabled; Files has no selection, explicitly.
  const systemState = page.locator('[data-source="system-state"]');
  const files = page.locator('[data-source="files"]');
  await expect(systemState.getByTestId('enabled')).toHaveText('Disabled');
  await expect(page.getByTestId('files-no-selection')).toContainText('No selection');
  await app.screenshot('data-sources-initial');
  await expectNoSeriousViolations(page, { within: 'main' });

  // System state daily at 02:30 → enabled, with a next run.
  await systemState.getByLabel('Back up').selectOption('daily');
  await systemState.getByLabel('At (local time)').fill('02:30');
  await systemState.getByRole('button', { name: 'Save schedule' }).click();
  await expect(systemState.getByTestId('schedule-spec')).toHaveText('Daily at 02:30');
  await expect(systemState.getByTestId('enabled')).toHaveText('Enabled');
  await expect(systemState.getByTestId('next-run')).toContainText(/02:30.*\(in \d+ (minutes?|hours?)\)/);
  // The CLI reads the same schedule from the helper.
  expect(env.cli(['schedule', 'get'])).toMatch(/02:30/);

  // A relative path is refused before the helper is asked.
  const pathField = files.getByLabel('Folder or file to add (full path)');
  await pathField.fill('relative/folder');
  await pathField.press('Enter');
  await expect(files.getByRole('alert')).toContainText('absolute path');

  // A Files path that exists → listed.
  await pathField.fill(env.location);
  await pathField.press('Enter');
  await expect(files.getByTestId('files-selected')).toContainText(env.location);
  await expect(page.getByTestId('files-no-selection')).toHaveCount(0);
  await expect(pathField).toHaveValue('');

  // An exclude pattern → listed, saved with the schedule (the CLI reads it from the helper).
  const excludeField = files.getByLabel(/Pattern to exclude/);
  await expect(files.getByTestId('files-no-excludes')).toBeVisible();
  await excludeField.fill('*.tmp');
  await excludeField.press('Enter');
  await expect(files.getByTestId('files-excluded')).toContainText('*.tmp');
  await expect(excludeField).toHaveValue('');
  const saved = JSON.parse(env.cli(['schedule', 'get', '--json'])) as unknown;
  expect(JSON.stringify(saved)).toContain('"excludes":["*.tmp"]');
  // A pattern the helper cannot compile is refused with its code, and the saved ones stay.
  await excludeField.fill('[abc');
  await excludeField.press('Enter');
  await expect(files.getByRole('alert')).toContainText('INVALID_EXCLUDE');
  await expect(files.getByTestId('files-excluded')).not.toContainText('[abc');
  await excludeField.fill('');

  // Files daily at 03:15 (it has a path now); removing its last path is then refused by the helper, with the code.
  await files.getByLabel('Back up').selectOption('daily');
  await files.getByLabel('At (local time)').fill('03:15');
  await files.getByRole('button', { name: 'Save schedule' }).click();
  await expect(files.getByTestId('schedule-spec')).toHaveText('Daily at 03:15');
  await files.getByRole('button', { name: `Remove ${env.location}` }).click();
  await expect(files.getByRole('alert')).toContainText('SCHEDULE_INVALID');
  await expect(files.getByTestId('files-selected')).toContainText(env.location);
  await app.screenshot('data-sources-refused');
  await expectNoSeriousViolations(page, { within: 'main' });

  // Turn Files off, then remove the path → "No selection".
  await files.getByLabel('Back up').selectOption('off');
  await files.getByRole('button', { name: 'Save schedule' }).click();
  await expect(files.getByTestId('enabled')).toHaveText('Disabled');
  await files.getByRole('button', { name: `Remove ${env.location}` }).click();
  await expect(page.getByTestId('files-no-selection')).toContainText('No selection');
  await expect(files.getByRole('alert')).toHaveCount(0);
  await app.screenshot('data-sources-light');
  await expectNoSeriousViolations(page, { within: 'main' });

  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('data-sources-dark');
  await expectNoSeriousViolations(page, { within: 'main' });
});

test('data sources with the helper stopped: an honest state with what to do', async ({ page }) => {
  const app = new AppPage(page);
  await page.goto(env.console.url);
  await app.expectConnected();
  await env.stopHelper();
  try {
    await expect(page.getByTestId('helper-status')).not.toHaveText('Helper connected', { timeout: 15_000 });
    await app.goTo(dataSources);
    const alert = page.getByRole('alert').filter({ hasText: 'Data sources need the helper' });
    await expect(alert).toContainText('HELPER_UNAVAILABLE');
    await expect(alert).toContainText('What to do:');
    // Said once, not in every section.
    await expect(page.getByText('HELPER_UNAVAILABLE')).toHaveCount(1);
    await expect(page.getByTestId('waiting-for-helper')).toHaveCount(3);
    await app.screenshot('data-sources-helper-stopped');
    await expectNoSeriousViolations(page, { within: 'main' });
  } finally {
    await env.startHelper();
  }
});

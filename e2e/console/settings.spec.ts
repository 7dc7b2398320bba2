/**
 * Journey: Settings with a real helper. The repository from the environment is shown; retention saved here is
 * what the helper's CLI reports; a relative repository path is refused in the form; a password file other users
 * may read (mode 0644) is refused by the helper with SETTINGS_INVALID; "Remember" in console mode answers
 * SECRETS_UNAVAILABLE, explained with what to do instead; whether a password is remembered (never which) and where
 * sessions get theirs. Light and dark, axe-audited.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { expectNoSeriousViolations } from '../support/accessibility';
import { AppPage, screens } from '../support/app-page';
import { type HelperEnvironment, startHelperEnvironment } from '../support/helper-process';

const screen = screens.find((s) => s.id === 'settings') ?? screens[0];
let env: HelperEnvironment;

test.beforeAll(async () => {
  env = await startHelperEnvironment();
});
test.afterAll(async () => {
  await env?.dispose();
});

async function open(page: Page): Promise<AppPage> {
  const app = await AppPage.openWithHelper(page, env.console.url, screen);
  await expect(page.getByTestId('current-repository')).toBeVisible();
  return app;
}

test('shows the repository and saves retention that the helper then reports', async ({ page }) => {
  const app = await open(page);
  await expect(page.getByTestId('current-repository')).toHaveText(env.repository);
  await expect(page.getByTestId('current-password-file')).toHaveText(path.join(env.dir, 'password'));
  // Console mode remembers nothing; sessions get the password from the helper's file.
  const status = page.getByTestId('password-status');
  await expect(status).toHaveAttribute('data-remembered', 'false');
  await expect(status).toHaveAttribute('data-source', 'password-file');
  await expect(status).toContainText('No password remembered for this repository.');
  await expect(page.getByTestId('password-status-sessions')).toHaveText(
    `Sessions you start here use the helper's password file (${path.join(env.dir, 'password')}).`,
  );
  await expect(page.getByTestId('password-status-scheduled')).toHaveText(
    "Scheduled sessions read the helper's password file.",
  );
  await expect(page.getByTestId('retention-current')).toContainText('Keeps everything');
  await expect(page.locator('tr[data-schedule="system-state"]')).toContainText('Off');
  await expect(page.getByRole('link', { name: 'Change schedules on Data sources' })).toHaveAttribute(
    'href',
    '#/data-sources',
  );
  await app.screenshot('settings');
  await expectNoSeriousViolations(page);

  // Keep by rules, daily 7, saved from the keyboard.
  await page.getByLabel('Keep by these rules').check();
  const daily = page.getByLabel('Keep daily');
  await daily.fill('7');
  await daily.press('Enter');
  await expect(page.getByTestId('retention-notice')).toHaveText(/^Saved:/);
  await expect(page.getByTestId('retention-current')).toContainText('Keeps 7 daily.');
  expect(env.cli(['helper-settings', 'get'])).toMatch(/retention\s+--keep-daily 7\b/);

  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('settings-dark');
  await expectNoSeriousViolations(page);
  await page.emulateMedia({ colorScheme: 'light' });

  // A zero is caught in the form, next to its field; nothing changes on the helper.
  await daily.fill('0');
  await page.getByRole('button', { name: 'Save retention' }).click();
  await expect(daily).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('retention-problem')).toBeVisible();
  expect(env.cli(['helper-settings', 'get'])).toMatch(/retention\s+--keep-daily 7\b/);
});

test('a relative repository path is refused in the form, a 0644 password file by the helper', async ({
  page,
}) => {
  const app = await open(page);
  const repositoryField = page.getByLabel('New repository location');
  await repositoryField.fill('backups/repo');
  await repositoryField.press('Enter');
  await expect(page.getByTestId('repository-problem')).toContainText('backups/repo is not a full path');
  await expect(repositoryField).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('current-repository')).toHaveText(env.repository);
  expect(env.cli(['helper-settings', 'get'])).toContain(`repository         ${env.repository}`);

  const readable = path.join(env.dir, 'password-0644');
  writeFileSync(readable, 'not-secret-enough\n');
  chmodSync(readable, 0o644);
  const fileField = page.getByLabel('Path of the password file');
  await fileField.fill(readable);
  await page.getByRole('button', { name: 'Use this file' }).click();
  const refusal = page.getByTestId('password-file-refusal');
  await expect(refusal).toHaveAttribute('data-code', 'SETTINGS_INVALID');
  await expect(refusal).toContainText('Refused (SETTINGS_INVALID).');
  await expect(refusal).toContainText('has mode 0644');
  await expect(fileField).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('current-password-file')).toHaveText(path.join(env.dir, 'password'));
  await app.screenshot('settings-refused');
  await expectNoSeriousViolations(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('settings-refused-dark');
  await expectNoSeriousViolations(page);
  await page.emulateMedia({ colorScheme: 'light' });
});

test('"Remember" in console mode says SECRETS_UNAVAILABLE and what to do instead', async ({ page }) => {
  const app = await open(page);
  const password = page.getByLabel(/^Password of/);
  await expect(password).toHaveAttribute('type', 'password');
  await expect(password).toHaveAttribute('autocomplete', 'new-password');
  await expect(password).toHaveValue('');
  await password.fill('typed-password');
  await page.getByRole('button', { name: 'Remember for this repository' }).click();
  const refusal = page.getByTestId('password-refusal');
  await expect(refusal).toHaveAttribute('data-code', 'SECRETS_UNAVAILABLE');
  await expect(refusal).toContainText('console mode');
  await expect(page.getByTestId('password-instead')).toContainText('password file');
  // Never kept or shown back, and still nothing remembered.
  await expect(password).toHaveValue('');
  await expect(page.getByTestId('password-status')).toHaveAttribute('data-remembered', 'false');
  await expect(page.getByTestId('password-status')).not.toContainText('typed-password');
  await app.screenshot('settings-secrets-unavailable');
  await expectNoSeriousViolations(page);

  await page.getByRole('button', { name: 'Go to the password file' }).click();
  await expect(page.getByLabel('Path of the password file')).toBeFocused();

  await page.getByRole('button', { name: 'Forget', exact: true }).click();
  await expect(page.getByTestId('password-notice')).toContainText('No password is remembered');
});

/**
 * Journey: the snapshot location with a real helper. A refused folder is explained; a chosen folder becomes the
 * current location; "Back to the default" returns to the system disk. Then, on a tiny loop-mounted ext4 that is
 * filled up (root only), the free-space warning fails and its one-click fix moves the location and clears it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { expectNoSeriousViolations } from '../support/accessibility';
import { AppPage, screens } from '../support/app-page';
import { type HelperEnvironment, startHelperEnvironment } from '../support/helper-process';
import { mountTinyFilesystem, unmountTinyFilesystem } from '../support/loop-mount';

const screen = screens.find((s) => s.id === 'snapshot-location') ?? screens[2];
let env: HelperEnvironment;

test.beforeAll(async () => {
  env = await startHelperEnvironment();
});
test.afterAll(async () => {
  await env?.dispose();
});

async function open(page: Page): Promise<AppPage> {
  const app = await AppPage.openWithHelper(page, env.console.url, screen);
  await expect(page.getByTestId('current-location')).toBeVisible();
  return app;
}

test('choose a folder: a refusal is explained, a good folder is kept, then back to the default', async ({
  page,
}) => {
  const app = await open(page);
  await expect(page.getByTestId('current-location')).toHaveText('/');
  await expect(page.getByTestId('location-source')).toHaveText('Default');
  await expect(page.getByTestId('default-location')).toContainText('/');
  await expect(page.locator('tr[data-drive="/"]')).toContainText('System disk');
  await expect(page.getByTestId('free-space-warning')).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('free-space-status')).toHaveText(/Enough free space/);
  await app.screenshot('snapshot-location-default');
  await expectNoSeriousViolations(page);

  // A folder that does not exist: refused with its code, explained next to the field, nothing changed.
  const field = page.getByLabel('Or any folder on a local drive');
  const missing = path.join(env.dir, 'does-not-exist');
  await field.fill(missing);
  await page.getByRole('button', { name: 'Use this folder' }).click();
  const refusal = page.getByTestId('path-refusal');
  await expect(refusal).toContainText('Refused (INVALID_LOCATION).');
  await expect(refusal).toContainText('does not exist');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('current-location')).toHaveText('/');
  await app.screenshot('snapshot-location-refused');
  await expectNoSeriousViolations(page);

  // A real folder on the system disk, submitted with the keyboard: it becomes the current location.
  await field.fill(env.location);
  await field.press('Enter');
  await expect(page.getByTestId('current-location')).toHaveText(env.location);
  await expect(page.getByTestId('location-source')).toHaveText('Chosen by you');
  await expect(page.getByTestId('path-refusal')).toHaveCount(0);
  await expect(page.getByTestId('location-notice')).toHaveText(`Snapshots are now kept in ${env.location}.`);
  await expect(page.getByTestId('free-space-warning')).toHaveAttribute('data-status', 'pass');
  await expect(page.locator('[data-fact="free-space-where"] dd')).toContainText(env.location);
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('snapshot-location-chosen-dark');
  await expectNoSeriousViolations(page);
  await page.emulateMedia({ colorScheme: 'light' });

  // Back to the default, from the keyboard.
  await page.getByTestId('back-to-default').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('current-location')).toHaveText('/');
  await expect(page.getByTestId('location-source')).toHaveText('Default');
  await expect(page.getByTestId('location-notice')).toHaveText(
    'Back to the default: snapshots are kept on /.',
  );
});

test('helper stopped: an honest state with what to do and the default, then it recovers', async ({
  page,
}) => {
  const app = await open(page);
  await env.stopHelper();
  try {
    await expect(page.getByTestId('helper-status')).not.toHaveText('Helper connected', { timeout: 15_000 });
    const unavailable = page.getByTestId('location-unavailable');
    await expect(unavailable).toContainText('cannot be read or changed right now', { timeout: 15_000 });
    await expect(page.getByTestId('location-error')).toHaveAttribute('data-code', 'HELPER_UNAVAILABLE');
    await expect(page.getByTestId('default-location')).toContainText('/');
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
    await app.screenshot('snapshot-location-helper-stopped');
    await expectNoSeriousViolations(page);
  } finally {
    await env.startHelper();
  }
  // The connection observer retries with backoff; the screen reads the location again once it is back.
  await expect(page.getByTestId('current-location')).toHaveText('/', { timeout: 40_000 });
});

test('too little free space: the warning says so with the numbers, and the one-click fix clears it', async ({
  page,
}) => {
  const loop = mountTinyFilesystem();
  test.skip(loop === null, 'needs root and loop mounts to make a really small drive');
  if (loop === null) return;
  try {
    const app = await open(page);
    // The small drive is listed; choosing it is accepted while it still has room (a few MiB against the estimate).
    const row = page.locator(`tr[data-drive="${loop.mountPoint}"]`);
    await expect(row).toContainText('ext4');
    await row.getByRole('button', { name: `Use ${loop.mountPoint} for snapshots` }).click();
    await expect(page.getByTestId('current-location')).toHaveText(loop.mountPoint);

    // Then it fills up (another program writing there): the next check fails, with the numbers and the fix.
    const fill = spawnSync('fallocate', ['-l', '13M', path.join(loop.mountPoint, 'fill')]);
    expect(fill.status).toBe(0);
    await page.getByRole('button', { name: 'Check again' }).click();
    const warning = page.getByTestId('free-space-warning');
    await expect(warning).toHaveAttribute('data-status', 'fail');
    await expect(page.getByTestId('free-space-status')).toHaveText(/Not enough free space/);
    // The drives were read again too: the small drive's free space is what the check found.
    const freeThere = (await page.locator('[data-fact="free-space-free"] dd').textContent()) ?? '';
    await expect(row.locator('.snapshot-location-free-number')).toHaveText(freeThere);
    await expect(warning).toContainText('“Back up now” is blocked');
    await expect(page.locator('[data-fact="free-space-where"] dd')).toHaveText(loop.mountPoint);
    await expect(page.locator('[data-fact="free-space-free"] dd')).toHaveText(/KiB|MiB/);
    await expect(page.locator('[data-fact="free-space-estimate"] dd')).toHaveText(/MiB|GiB/);
    const fix = page.getByTestId('free-space-fix');
    await expect(fix).toHaveText('Move the snapshot location to /');
    await app.screenshot('snapshot-location-low-space');
    await expectNoSeriousViolations(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('snapshot-location-low-space-dark');
    await expectNoSeriousViolations(page);
    await page.emulateMedia({ colorScheme: 'light' });

    // One click: the location moves to the suggested drive and the warning disappears.
    await fix.click();
    await expect(page.getByTestId('current-location')).toHaveText('/');
    await expect(warning).toHaveAttribute('data-status', 'pass');
    await expect(page.getByTestId('free-space-fix')).toHaveCount(0);
    await expect(page.getByTestId('free-space-status')).toHaveText(/Enough free space/);
    await app.screenshot('snapshot-location-fixed');
  } finally {
    unmountTinyFilesystem(loop);
  }
});

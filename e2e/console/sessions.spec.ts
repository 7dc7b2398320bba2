/**
 * Journeys: the Sessions screen with a real helper (temporary-copy snapshots on this machine). Back up System
 * state now (preflight shown first) to Completed; cancel a running Files session to Aborted; a snapshot location
 * on a tiny full drive blocks "Back up now", and a failed session links into the free-space troubleshooting check.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { auditedScreenshots, expectNoSeriousViolations } from '../support/accessibility';
import { AppPage, screens } from '../support/app-page';
import { type HelperEnvironment, startHelperEnvironment } from '../support/helper-process';
import { mountTinyFilesystem, unmountTinyFilesystem } from '../support/loop-mount';

const screen = screens.find((s) => s.id === 'sessions') ?? screens[3];
let env: HelperEnvironment;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  env = await startHelperEnvironment();
});
test.afterAll(async () => {
  await env?.dispose();
});

async function open(page: Page): Promise<AppPage> {
  const app = await AppPage.openWithHelper(page, env.console.url, screen);
  return app;
}

test('back up System state now: the preflight first, then progress to Completed, in the history', async ({
  page,
}) => {
  const app = await open(page);
  await expect(page.getByTestId('back-up-files')).toHaveText('No selection');
  await expect(page.getByTestId('back-up-files')).toBeDisabled();

  await page.getByTestId('back-up-system-state').click();
  const review = page.getByTestId('preflight-review');
  await expect(review).toBeVisible();
  await expect(review).not.toHaveAttribute('data-overall', 'fail');
  await expect(review.locator('[data-check="free-space"]')).toBeVisible();
  await auditedScreenshots(app, 'sessions-preflight');

  // Started from the keyboard.
  await page.getByTestId('preflight-start').focus();
  await page.keyboard.press('Enter');
  const toast = page.getByTestId('session-toast');
  await expect(toast).toHaveText(/System state backup: Completed/, { timeout: 60_000 });
  const row = page.locator('[data-testid="sessions-history"] tbody tr').first();
  await expect(row).toHaveAttribute('data-status', 'completed');
  await expect(row).toContainText('System state');
  await expect(row.locator('td').nth(4)).toHaveText(/B$/);
  // The row's numbers come with the session list (no detail read): files new and changed, the problems.
  await expect(row.locator('td').nth(5)).toHaveText(/^[\d,]+ new, [\d,]+ changed$/);
  await expect(row.locator('td').nth(6)).toHaveText(/^(None|\d+ warnings?)$/);

  // Details, opened with the keyboard: the timeline and the log.
  await row.getByRole('button', { name: /show details/ }).focus();
  await page.keyboard.press('Enter');
  const details = page.getByTestId('session-details');
  await expect(details.getByTestId('session-timeline')).toContainText('Attempt 1');
  await expect(details.getByTestId('session-timeline')).toContainText('Completed');
  await expect(details.getByTestId('session-log').locator('tr').first()).toBeVisible();
  await auditedScreenshots(app, 'sessions-completed');
});

test('cancel a running Files session: Cancelling…, then Aborted', async ({ page }) => {
  const data = path.join(env.dir, 'big-folder');
  mkdirSync(data, { recursive: true });
  for (let i = 0; i < 600; i++) writeFileSync(path.join(data, `file-${i}.bin`), randomBytes(1024 * 1024));
  env.cli(['schedule', 'set', '--source', 'files', '--daily', '03:00', '--path', data]);

  const app = await open(page);
  const start = page.getByTestId('back-up-files');
  await expect(start).toHaveText('Back up Files now');
  await start.click();

  const live = page.locator('.sessions-live-item[data-session-id]');
  await expect(live).toBeVisible();
  await expect(live.getByTestId('session-attempt')).toHaveText(/Attempt 1 of \d/);
  // Real progress: bytes counted, the current phase highlighted.
  await expect(live.locator('[data-fact="progress-bytes"] dd')).toHaveText(/MiB/, { timeout: 30_000 });
  await expect(live.locator('[aria-current="step"]')).toContainText('(current)');
  // Screenshots only while it runs (the audits come after, so the session is still running when cancelled).
  await app.screenshot('sessions-running');
  await page.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot('sessions-running-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await live.getByTestId('cancel-session').click();
  await expect(page.getByTestId('session-toast').last()).toHaveText(/Files backup: Aborted/, {
    timeout: 60_000,
  });
  await expect(live).toHaveCount(0);
  const row = page.locator('[data-testid="sessions-history"] tbody tr').first();
  await expect(row).toHaveAttribute('data-status', 'aborted');
  await expect(row).toContainText('Files');
  await expectNoSeriousViolations(page);
  env.cli(['schedule', 'set', '--source', 'files', '--off']);
  rmSync(data, { recursive: true, force: true });
});

test('too little space: Back up now is blocked with the reason; a failed session links to the check', async ({
  page,
}) => {
  const loop = mountTinyFilesystem();
  test.skip(loop === null, 'needs root and loop mounts to make a really small drive');
  if (loop === null) return;
  try {
    env.cli(['helper-settings', 'set', '--snapshot-location', loop.mountPoint]);
    expect(spawnSync('fallocate', ['-l', '13M', path.join(loop.mountPoint, 'fill')]).status).toBe(0);
    const app = await open(page);

    await page.getByTestId('back-up-system-state').click();
    const review = page.getByTestId('preflight-review');
    await expect(review).toHaveAttribute('data-overall', 'fail');
    await expect(page.getByTestId('preflight-verdict')).toHaveText(/“Back up now” is blocked/);
    await expect(page.getByTestId('preflight-blocked')).toContainText('INSUFFICIENT_SPACE');
    await expect(page.getByTestId('preflight-start')).toHaveCount(0);
    await auditedScreenshots(app, 'sessions-blocked');

    // Started anyway from the CLI: it fails, and its details say why and where to look.
    try {
      env.cli(['session', 'start', '--source', 'system-state']);
    } catch {
      // The CLI may report the failed session with a non-zero exit; the UI is what is checked here.
    }
    const row = page.locator('[data-testid="sessions-history"] tbody tr').first();
    await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
    await row.getByRole('button', { name: /show details/ }).click();
    const failure = page.getByTestId('session-failure');
    await expect(failure).toHaveAttribute('data-code', 'INSUFFICIENT_SPACE');
    const link = page.getByTestId('failure-check-link');
    await expect(link).toHaveText('Open the free space check');
    await auditedScreenshots(app, 'sessions-failed');

    await link.click();
    await expect(page.locator('main')).toHaveAttribute('data-screen', 'troubleshooting');
    expect(page.url()).toContain('#/troubleshooting?check=free-space');
    await expect(page.locator('#check-free-space')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('#check-free-space')).toBeFocused({ timeout: 30_000 });
    await app.screenshot('sessions-failure-check');
  } finally {
    try {
      env.cli(['helper-settings', 'set', '--snapshot-location', 'none']);
    } catch {
      // best effort: the environment is removed after the suite anyway
    }
    unmountTinyFilesystem(loop);
  }
});

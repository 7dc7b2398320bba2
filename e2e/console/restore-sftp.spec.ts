/**
 * Journey: the restore wizard opens a repository on a real SFTP server (sshd on 127.0.0.1, the repository made by
 * the built CLI). The helper has the SSH key but has never seen the server's host key, so opening is refused with
 * HOST_KEY_MISMATCH; the wizard shows the same host key panel as Settings, with the server's own fingerprint;
 * trusting it opens the repository and the wizard moves on. Light and dark, axe-audited.
 */
import { expect, test } from '@playwright/test';
import { auditedScreenshots } from '../support/accessibility';
import { AppPage, screens } from '../support/app-page';
import {
  e2eRepositoryPassword,
  type HelperEnvironment,
  startHelperEnvironment,
} from '../support/helper-process';
import { initSftpRepository, type SshdServer, startSshd } from '../support/sftp-repository';

const screen = screens.find((s) => s.id === 'restore') ?? screens[6];
let env: HelperEnvironment;
let server: SshdServer;
let location: string;

test.beforeAll(async () => {
  server = await startSshd();
  location = initSftpRepository(server, 'restore-repo');
  env = await startHelperEnvironment();
  env.cli(['helper-settings', 'set', '--ssh-key-file', server.clientKeyPath]);
});
test.afterAll(async () => {
  await env?.dispose();
  await server?.stop();
});

test('an SFTP repository with an untrusted host key: compare, trust, and it opens', async ({ page }) => {
  test.setTimeout(120_000);
  const app = await AppPage.openWithHelper(page, env.console.url, screen);
  await page.getByTestId('repository-input').fill(location);
  await expect(page.getByTestId('s3-access-keys')).toHaveCount(0);
  await page.getByTestId('password-input').fill(e2eRepositoryPassword);
  await page.getByTestId('open-repository').click();

  const error = page.getByTestId('open-error');
  await expect(error).toHaveAttribute('data-code', 'HOST_KEY_MISMATCH', { timeout: 30_000 });
  await expect(error).toContainText('Compare it below');
  const status = page.getByTestId('host-key-status');
  await expect(status).toHaveAttribute('data-status', 'unknown', { timeout: 30_000 });
  await expect(page.getByTestId('host-key-fingerprint')).toHaveText(server.hostKeyFingerprint);
  await expect(page.getByTestId('host-key-server')).toHaveText(`127.0.0.1:${server.port}`);
  await auditedScreenshots(app, 'restore-1-sftp-host-key');

  await page.getByRole('button', { name: 'Trust this host key' }).click();
  await expect(page.locator('#restore-step-title')).toContainText('Step 2 of 7', { timeout: 30_000 });
  await expect(page.getByTestId('host-key-panel')).toHaveCount(0);
  await expect(page.getByTestId('password-input')).toHaveCount(0);
});

test('an S3 location asks for optional access keys', async ({ page }) => {
  const app = await AppPage.openWithHelper(page, env.console.url, screen);
  await page.getByTestId('repository-input').fill('s3:https://127.0.0.1:9/e2e-bucket/web-01');
  const keys = page.getByTestId('s3-access-keys');
  await expect(keys).toBeVisible();
  await expect(page.getByLabel('Secret access key')).toHaveAttribute('type', 'password');
  await page.getByLabel('Access key ID').fill('AKIAE2EEXAMPLE');
  await page.getByLabel('Secret access key').fill('e2e-restore-secret');
  await page.getByTestId('password-input').fill(e2eRepositoryPassword);
  await page.getByTestId('open-repository').click();
  // Nothing answers on port 9: whatever the helper says, the keys left the page with the request.
  await expect(page.getByTestId('open-error')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByLabel('Secret access key')).toHaveValue('');
  await expect(page.getByLabel('Access key ID')).toHaveValue('');
  await auditedScreenshots(app, 'restore-1-s3-keys');
});

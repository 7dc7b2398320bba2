/**
 * Journey: Settings with remote repositories, against the real helper and a real sshd on 127.0.0.1. An SFTP
 * location and the SSH key file are saved; the host key panel shows the server's key as `unknown` with the very
 * fingerprint sshd's own key file has (as `ssh-keygen -lf` prints it); trusting it makes it `trusted`, for the
 * helper too (its CLI, and after a reload). When another key was trusted for that server, the key reads `changed`
 * with both fingerprints and a warning, and is trusted only after the explicit confirmation. A server that does not answer is REPO_UNREACHABLE with a retry. An S3
 * location shows the access keys instead; console mode cannot remember them (SECRETS_UNAVAILABLE, explained with
 * the access keys file), and the secret is never shown back. Light and dark, axe-audited.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { auditedScreenshots } from '../support/accessibility';
import { AppPage, screens } from '../support/app-page';
import { type HelperEnvironment, startHelperEnvironment } from '../support/helper-process';
import { type SshdServer, sftpLocation, startSshd } from '../support/sftp-repository';

const screen = screens.find((s) => s.id === 'settings') ?? screens[0];
let env: HelperEnvironment;
let server: SshdServer;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  server = await startSshd();
  env = await startHelperEnvironment();
});
test.afterAll(async () => {
  await env?.dispose();
  await server?.stop();
});

async function open(page: Page): Promise<AppPage> {
  const app = await AppPage.openWithHelper(page, env.console.url, screen);
  await expect(page.getByTestId('current-repository')).toBeVisible();
  return app;
}

async function useRepository(page: Page, location: string) {
  const field = page.getByLabel('New repository location');
  await field.fill(location);
  await field.press('Enter');
  await expect(page.getByTestId('current-repository')).toHaveText(location);
}

test('SFTP: the key file, the host key shown unknown with the server’s fingerprint, then trusted', async ({
  page,
}) => {
  const app = await open(page);
  const location = sftpLocation(server, 'settings-repo');
  await useRepository(page, location);
  await expect(page.getByTestId('repository-kind')).toHaveText('SFTP server');
  await expect(page.getByTestId('s3-section')).toHaveCount(0);

  const keyField = page.getByLabel('Path of the SSH key file');
  await keyField.fill(server.clientKeyPath);
  await page.getByRole('button', { name: 'Use this key file' }).click();
  await expect(page.getByTestId('current-ssh-key-file')).toHaveText(server.clientKeyPath);
  await expect(page.getByTestId('ssh-key-file-notice')).toContainText(server.clientKeyPath);

  const status = page.getByTestId('host-key-status');
  await expect(status).toHaveAttribute('data-status', 'unknown', { timeout: 30_000 });
  await expect(status).toContainText('Not trusted yet');
  await expect(page.getByTestId('host-key-fingerprint')).toHaveText(server.hostKeyFingerprint);
  await expect(page.getByTestId('host-key-server')).toHaveText(`127.0.0.1:${server.port}`);
  await expect(page.getByTestId('host-key-algorithm')).toHaveText('ssh-ed25519');
  await expect(page.getByTestId('host-key-panel')).toContainText(
    'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
  );
  await auditedScreenshots(app, 'settings-sftp-unknown');

  await page.getByRole('button', { name: 'Trust this host key' }).click();
  await expect(status).toHaveAttribute('data-status', 'trusted');
  await expect(status).toContainText('Trusted');
  await expect(page.getByTestId('host-key-notice')).toContainText(server.hostKeyFingerprint);
  await expect(page.getByRole('button', { name: 'Trust this host key' })).toHaveCount(0);
  await auditedScreenshots(app, 'settings-sftp-trusted');

  // The helper keeps it: its CLI exits 0 only for a trusted key, and the page says so after a reload.
  expect(env.cli(['helper-settings', 'host-key'])).toContain(server.hostKeyFingerprint);
  await page.reload();
  await app.goTo(screen);
  await expect(page.getByTestId('host-key-status')).toHaveAttribute('data-status', 'trusted', {
    timeout: 30_000,
  });
});

test('SFTP: a changed host key shows both fingerprints and is trusted only after the confirmation', async ({
  page,
}) => {
  // The sshd harness restarts a server with the same keys, so "another key was trusted before" is made on the
  // helper's side: its settings file gets an earlier fingerprint for this server while it is stopped.
  const earlier = `SHA256:${'A'.repeat(43)}`;
  await env.stopHelper();
  const settingsFile = path.join(env.dir, 'state', 'settings.json');
  const stored = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(
    settingsFile,
    JSON.stringify({
      ...stored,
      trustedHostKeys: [{ host: '127.0.0.1', port: server.port, fingerprint: earlier }],
    }),
  );
  await env.startHelper();

  const app = await open(page);
  const status = page.getByTestId('host-key-status');
  await expect(status).toHaveAttribute('data-status', 'changed', { timeout: 30_000 });
  await expect(page.getByTestId('host-key-fingerprint')).toHaveText(server.hostKeyFingerprint);
  await expect(page.getByTestId('host-key-trusted-fingerprint')).toHaveText(earlier);
  await expect(page.getByTestId('host-key-changed-warning')).toContainText('reinstalled');
  const trust = page.getByRole('button', { name: 'Trust the new host key' });
  await expect(trust).toHaveAttribute('aria-disabled', 'true');
  await auditedScreenshots(app, 'settings-sftp-changed');

  // Pressed without the confirmation (still reachable from the keyboard, it says why it is blocked): refused here,
  // nothing sent; the helper still has the earlier key.
  await trust.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('host-key-trust-refusal')).toHaveAttribute(
    'data-code',
    'CONFIRMATION_REQUIRED',
  );
  expect(() => env.cli(['helper-settings', 'host-key'])).toThrow(/CHANGED/);

  await page.getByLabel(/I compared the new fingerprint/).check();
  await expect(trust).toHaveAttribute('aria-disabled', 'false');
  await trust.click();
  await expect(status).toHaveAttribute('data-status', 'trusted');
  expect(env.cli(['helper-settings', 'host-key'])).toContain(server.hostKeyFingerprint);
});

test('SFTP: a server that does not answer is REPO_UNREACHABLE, with its message and a retry', async ({
  page,
}) => {
  const app = await open(page);
  // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
  await useRepository(page, sftpLocation(server, 'nowhere', 1));
  const error = page.getByTestId('host-key-error');
  await expect(error).toHaveAttribute('data-code', 'REPO_UNREACHABLE', { timeout: 30_000 });
  await expect(error).toContainText('could not be reached');
  await expect(page.getByTestId('host-key-trust')).toHaveCount(0);
  await auditedScreenshots(app, 'settings-sftp-unreachable');
  await error.getByRole('button', { name: 'Try again' }).click();
  await expect(error).toHaveAttribute('data-code', 'REPO_UNREACHABLE', { timeout: 30_000 });
});

test('a malformed SFTP location passes the form and is refused by the helper, at the field', async ({
  page,
}) => {
  const app = await open(page);
  const before = await page.getByTestId('current-repository').textContent();
  const field = page.getByLabel('New repository location');
  await field.fill('sftp:host-without-path');
  await field.press('Enter');
  const refusal = page.getByTestId('repository-refusal');
  await expect(refusal).toHaveAttribute('data-code', 'SETTINGS_INVALID');
  await expect(refusal).toContainText('Refused (SETTINGS_INVALID).');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveValue('sftp:host-without-path');
  await expect(page.getByTestId('current-repository')).toHaveText(before ?? '');
  await auditedScreenshots(app, 'settings-remote-refused');
});

test('S3: access keys instead of the SFTP parts; console mode cannot remember them and says what to do', async ({
  page,
}) => {
  const app = await open(page);
  await useRepository(page, 's3:https://127.0.0.1:9/e2e-bucket/web-01');
  await expect(page.getByTestId('repository-kind')).toHaveText('S3-compatible storage');
  await expect(page.getByTestId('ssh-key-section')).toHaveCount(0);
  await expect(page.getByTestId('host-key-panel')).toHaveCount(0);
  await expect(page.getByTestId('s3-status')).toHaveAttribute('data-remembered', 'false');

  const secret = page.getByLabel('Secret access key');
  await expect(secret).toHaveAttribute('type', 'password');
  await page.getByLabel(/^Access key ID for/).fill('AKIAE2EEXAMPLE');
  await secret.fill('e2e-secret-never-shown');
  await page.getByRole('button', { name: 'Remember the access keys' }).click();
  const refusal = page.getByTestId('s3-credentials-refusal');
  await expect(refusal).toHaveAttribute('data-code', 'SECRETS_UNAVAILABLE');
  await expect(refusal).toContainText('cannot remember passwords or access keys');
  await expect(page.getByTestId('s3-instead')).toContainText('access keys file');
  // Never kept or shown back.
  await expect(secret).toHaveValue('');
  await expect(page.getByLabel(/^Access key ID for/)).toHaveValue('');
  expect(await page.content()).not.toContain('e2e-secret-never-shown');
  await expect(page.getByTestId('s3-status')).toHaveAttribute('data-remembered', 'false');
  await auditedScreenshots(app, 'settings-s3-secrets-unavailable');

  await page.getByRole('button', { name: 'Go to the access keys file' }).click();
  await expect(page.getByLabel('Path of the access keys file')).toBeFocused();
});

/**
 * repository.passwordStatus through the dispatcher (so every answer also passes the contract's strict schema):
 * whether a password is remembered for the helper's repository and where sessions get theirs, without ever
 * returning — or decrypting — the password.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsGetRequest } from '../helper-protocol/protocol';
import { emptyHelperSettings, type HelperSettings } from '../helper-protocol/session-model';
import type { HelperRequests } from './helper-requests';
import { EncryptedSecretsFile } from './repository-secrets';
import { appOverHelper } from './testing/app-harness';
import { type TestCipher, testCipher } from './testing/test-cipher';

const repository = '/mnt/backup/repo';
const password = 'correct horse battery staple';

let dir: string;
let file: string;
let cipher: TestCipher;
let decrypted: number;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'password-status-'));
  file = path.join(dir, 'repository-passwords.json');
  const real = testCipher();
  decrypted = 0;
  cipher = {
    ...real,
    decrypt(data) {
      decrypted++;
      return real.decrypt(data);
    },
  };
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(
  options: { console?: boolean; disconnected?: boolean; settings?: Partial<HelperSettings> } = {},
) {
  const settings: HelperSettings = {
    ...emptyHelperSettings(),
    repository,
    ...options.settings,
  };
  const asked: string[] = [];
  const helper: HelperRequests = {
    async request<P, R>(type: { method: string }, _params: P): Promise<R> {
      asked.push(type.method);
      if (type.method !== SettingsGetRequest.method) throw new Error(`unexpected request ${type.method}`);
      return { settings } as R;
    },
  };
  const secrets = options.console ? undefined : new EncryptedSecretsFile(cipher, file);
  const { dispatcher, internal } = appOverHelper({ helper, connected: !options.disconnected, secrets });
  return { dispatcher, secrets, asked, internal };
}

describe('repository.passwordStatus', () => {
  it('says no password is remembered and none is anywhere when nothing was set', async () => {
    const { dispatcher, asked, internal } = setup();
    expect(await dispatcher.dispatch('repository.passwordStatus', {})).toEqual({
      ok: true,
      value: {
        repository,
        remembered: false,
        source: 'none',
        scheduledSource: 'none',
        passwordFile: null,
        keychain: { available: true, reason: null },
        s3CredentialsRemembered: false,
      },
    });
    expect(asked).toEqual([SettingsGetRequest.method]);
    expect(internal).toEqual([]);
  });

  it('says a password is remembered, without returning or decrypting it; scheduled runs read the file', async () => {
    const { dispatcher } = setup({ settings: { passwordFile: '/etc/backup-manager/password' } });
    expect(await dispatcher.dispatch('repository.rememberPassword', { repository, password })).toMatchObject({
      ok: true,
    });
    const result = await dispatcher.dispatch('repository.passwordStatus', {});
    expect(result).toEqual({
      ok: true,
      value: {
        repository,
        remembered: true,
        source: 'keychain',
        scheduledSource: 'password-file',
        passwordFile: '/etc/backup-manager/password',
        keychain: { available: true, reason: null },
        s3CredentialsRemembered: false,
      },
    });
    expect(JSON.stringify(result)).not.toContain(password);
    expect(decrypted).toBe(0);
  });

  it('answers for the repository of the helper settings only, not another remembered one', async () => {
    const { dispatcher, secrets } = setup();
    await secrets?.set('/another/repo', password);
    expect(await dispatcher.dispatch('repository.passwordStatus', {})).toMatchObject({
      ok: true,
      value: { remembered: false, source: 'none' },
    });
    // No repository set yet: nothing can be remembered for it.
    const none = setup({ settings: { repository: null } });
    expect(await none.dispatcher.dispatch('repository.passwordStatus', {})).toMatchObject({
      ok: true,
      value: { repository: null, remembered: false, source: 'none' },
    });
  });

  it('with the keychain locked: remembered, but sessions fall back to the password file, and says why', async () => {
    const { dispatcher, secrets } = setup({ settings: { passwordFile: '/etc/backup-manager/password' } });
    await secrets?.set(repository, password);
    cipher.lock('the login keyring is locked');
    expect(await dispatcher.dispatch('repository.passwordStatus', {})).toEqual({
      ok: true,
      value: {
        repository,
        remembered: true,
        source: 'password-file',
        scheduledSource: 'password-file',
        passwordFile: '/etc/backup-manager/password',
        keychain: { available: false, reason: 'the login keyring is locked' },
        s3CredentialsRemembered: false,
      },
    });
  });

  it('in console mode: nothing is remembered, the password file is the only source', async () => {
    const { dispatcher } = setup({ console: true, settings: { passwordFile: '/root/pw' } });
    expect(await dispatcher.dispatch('repository.passwordStatus', {})).toMatchObject({
      ok: true,
      value: {
        remembered: false,
        source: 'password-file',
        scheduledSource: 'password-file',
        keychain: { available: false, reason: expect.stringContaining('console mode') },
      },
    });
  });

  it('follows forgetting: remembered, then not', async () => {
    const { dispatcher, secrets } = setup();
    await secrets?.set(repository, password);
    expect(await dispatcher.dispatch('repository.passwordStatus', {})).toMatchObject({
      value: { remembered: true, source: 'keychain' },
    });
    await dispatcher.dispatch('repository.forgetPassword', { repository });
    expect(await dispatcher.dispatch('repository.passwordStatus', {})).toMatchObject({
      value: { remembered: false, source: 'none' },
    });
  });

  it('remembers S3 keys for an S3 repository encrypted, says so without returning them, and forgets them', async () => {
    const s3 = 's3:https://s3.example/bucket/prefix';
    const { dispatcher, secrets } = setup({ settings: { repository: s3 } });
    const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' };
    expect(
      await dispatcher.dispatch('repository.rememberS3Credentials', { repository: s3, credentials }),
    ).toEqual({ ok: true, value: { remembered: true } });
    // Encrypted at rest: the file holds neither key in the clear.
    const stored = await readFile(file, 'utf8');
    expect(stored).not.toContain(credentials.secretAccessKey);
    expect(stored).not.toContain(credentials.accessKeyId);
    const status = await dispatcher.dispatch('repository.passwordStatus', {});
    expect(status).toMatchObject({ ok: true, value: { s3CredentialsRemembered: true, remembered: false } });
    expect(JSON.stringify(status)).not.toContain(credentials.secretAccessKey);
    expect(decrypted).toBe(0);
    // Not the password of the repository: the two are separate entries.
    expect(await secrets?.get(s3)).toBeNull();
    await dispatcher.dispatch('repository.forgetS3Credentials', { repository: s3 });
    expect(await dispatcher.dispatch('repository.passwordStatus', {})).toMatchObject({
      value: { s3CredentialsRemembered: false },
    });
    // Keys for a repository that is not S3 are refused rather than kept where nothing would use them.
    expect(
      await dispatcher.dispatch('repository.rememberS3Credentials', { repository, credentials }),
    ).toMatchObject({ ok: false, code: 'SETTINGS_INVALID' });
  });

  it('answers SECRETS_CORRUPT for a damaged file and HELPER_UNAVAILABLE without a helper', async () => {
    await writeFile(file, 'garbage');
    const { dispatcher } = setup();
    expect(await dispatcher.dispatch('repository.passwordStatus', {})).toMatchObject({
      ok: false,
      code: 'SECRETS_CORRUPT',
    });
    const down = setup({ disconnected: true });
    const result = await down.dispatcher.dispatch('repository.passwordStatus', {});
    expect(result).toMatchObject({ ok: false, code: 'HELPER_UNAVAILABLE' });
    if (!result.ok) expect(result.message).toContain('sudo systemctl start backup-manager-helper');
  });
});

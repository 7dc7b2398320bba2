import { describe, expect, it } from 'vitest';
import { presentedFingerprint } from '../remote-repository/test-fixtures';
import { createSettingsStore } from './settings-store';
import { sampleSettings, settingsHelper } from './test-fixtures';

const sftp = 'sftp://backup@nas.example.net:2222//srv/repo';
const s3 = 's3:https://s3.example.net/backups/web-01';

async function loaded(helper = settingsHelper()) {
  const store = createSettingsStore(helper.api);
  await store.getState().load();
  return { store, calls: helper.calls };
}

/** Lets the requests started without waiting (the host key read) answer. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('settings of remote repositories', () => {
  it('saves an SFTP location as typed and reads its server’s host key; another kind clears the panel', async () => {
    const { store, calls } = await loaded();
    expect(calls.some((c) => c.channel === 'repository.hostKey')).toBe(false);
    store.getState().setRepositoryInput(`  ${sftp} `);
    expect(await store.getState().saveRepository()).toBe(true);
    expect(calls.find((c) => c.channel === 'settings.set')?.params).toEqual({ repository: sftp });
    await settle();
    expect(calls.filter((c) => c.channel === 'repository.hostKey').map((c) => c.params)).toEqual([
      { repository: sftp },
    ]);
    expect(store.hostKey.getState().lookup.status).toBe('ready');

    store.getState().setRepositoryInput(s3);
    expect(await store.getState().saveRepository()).toBe(true);
    expect(store.hostKey.getState().lookup).toEqual({ status: 'idle' });
  });

  it('reads the host key on opening when the repository already is an SFTP one', async () => {
    const { store, calls } = await loaded(settingsHelper({ ...sampleSettings, repository: sftp }));
    await settle();
    expect(calls.filter((c) => c.channel === 'repository.hostKey').map((c) => c.params)).toEqual([
      { repository: sftp },
    ]);
    // Trusting it shows the helper's settings with the key trusted.
    expect(await store.hostKey.getState().trust()).not.toBeNull();
    const settings = store.getState().settings;
    expect(settings.status === 'ready' && settings.value.trustedHostKeys).toEqual([
      { host: 'nas.example.net', port: 2222, fingerprint: presentedFingerprint },
    ]);
  });

  it('shows the helper’s SETTINGS_INVALID for a malformed remote location at the field', async () => {
    const { store } = await loaded();
    store.getState().setRepositoryInput('sftp:nas.example.net:/srv/repo');
    expect(await store.getState().saveRepository()).toBe(false);
    expect(store.getState().changes.repository.refusal).toEqual({
      code: 'SETTINGS_INVALID',
      message: expect.stringContaining('names no user'),
    });
    expect(store.getState().repositoryInput).toBe('sftp:nas.example.net:/srv/repo');
    expect(store.hostKey.getState().lookup).toEqual({ status: 'idle' });
  });

  it('sets the SSH key file and the access keys file, refusing relative paths without asking', async () => {
    const { store, calls } = await loaded();
    store.getState().setSshKeyFileInput('ssh_key');
    expect(await store.getState().saveSshKeyFile()).toBe(false);
    expect(store.getState().changes.sshKeyFile.problem).toContain('is not a full path');
    store.getState().setSshKeyFileInput('/etc/backup-manager/ssh_key');
    expect(await store.getState().saveSshKeyFile()).toBe(true);
    expect(calls.filter((c) => c.channel === 'settings.set').map((c) => c.params)).toEqual([
      { sshKeyFile: '/etc/backup-manager/ssh_key' },
    ]);
    expect(store.getState().changes.sshKeyFile.notice).toContain('/etc/backup-manager/ssh_key');
    expect(store.getState().sshKeyFileInput).toBe('');

    store.getState().setS3CredentialsFileInput('/etc/backup-manager/s3-credentials');
    expect(await store.getState().saveS3CredentialsFile()).toBe(true);
    expect(calls.filter((c) => c.channel === 'settings.set').at(-1)?.params).toEqual({
      s3CredentialsFile: '/etc/backup-manager/s3-credentials',
    });
    const settings = store.getState().settings;
    expect(settings.status === 'ready' && settings.value.s3CredentialsFile).toBe(
      '/etc/backup-manager/s3-credentials',
    );
  });

  it('hands the access keys to main once and keeps no copy; the status says whether they are remembered', async () => {
    const helper = settingsHelper({ ...sampleSettings, repository: s3 }, { keychain: true });
    const { store, calls } = await loaded(helper);
    const remembered = () => {
      const status = store.getState().passwordStatus;
      return status.status === 'ready' ? status.value.s3CredentialsRemembered : null;
    };
    expect(remembered()).toBe(false);

    expect(await store.getState().rememberS3Credentials({ accessKeyId: 'AKIA1', secretAccessKey: '' })).toBe(
      false,
    );
    expect(store.getState().changes.s3Credentials.problem).toContain('Type both');
    expect(calls.some((c) => c.channel === 'repository.rememberS3Credentials')).toBe(false);

    const credentials = { accessKeyId: ' AKIA1EXAMPLE ', secretAccessKey: 'wJalr/K7MDENG/bPxRfiCY' };
    expect(await store.getState().rememberS3Credentials(credentials)).toBe(true);
    expect(
      calls.filter((c) => c.channel === 'repository.rememberS3Credentials').map((c) => c.params),
    ).toEqual([
      {
        repository: s3,
        credentials: { accessKeyId: 'AKIA1EXAMPLE', secretAccessKey: 'wJalr/K7MDENG/bPxRfiCY' },
      },
    ]);
    expect(calls.at(-1)?.channel).toBe('repository.passwordStatus');
    expect(remembered()).toBe(true);
    // Neither half of the keys is anywhere in the store, nor in what it says.
    const state = JSON.stringify(store.getState());
    expect(state).not.toContain('wJalr');
    expect(state).not.toContain('AKIA1EXAMPLE');

    expect(await store.getState().forgetS3Credentials()).toBe(true);
    expect(calls.filter((c) => c.channel === 'repository.forgetS3Credentials').map((c) => c.params)).toEqual([
      { repository: s3 },
    ]);
    expect(remembered()).toBe(false);
    expect(store.getState().changes.s3Credentials.notice).toContain('No access keys are remembered');
  });

  it('keeps SECRETS_UNAVAILABLE (console mode) at the access keys, with nothing kept', async () => {
    const { store } = await loaded(settingsHelper({ ...sampleSettings, repository: s3 }));
    expect(
      await store
        .getState()
        .rememberS3Credentials({ accessKeyId: 'AKIA2', secretAccessKey: 'console-secret' }),
    ).toBe(false);
    expect(store.getState().changes.s3Credentials.refusal?.code).toBe('SECRETS_UNAVAILABLE');
    expect(store.getState().s3Pending).toBeNull();
    expect(JSON.stringify(store.getState())).not.toContain('console-secret');
  });
});

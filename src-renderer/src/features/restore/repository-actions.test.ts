import type { HelperSettings } from '@contract';
import { describe, expect, it } from 'vitest';
import { ok } from '../../api/testing/fake-api';
import { fakeSftpServer, presentedFingerprint, sftpLocation } from '../remote-repository/test-fixtures';
import { createRestoreStore } from './restore-store';
import { repositoryInfo, wizardApi } from './test-fixtures';

const s3 = 's3:https://s3.example.net/backups/web-01';
const settings: HelperSettings = {
  repository: sftpLocation,
  snapshotLocation: null,
  passwordFile: null,
  retention: null,
  sshKeyFile: '/etc/backup-manager/ssh_key',
  trustedHostKeys: [],
  s3CredentialsFile: null,
};

/** The wizard's fake helper, where an SFTP repository opens only once its server's key is trusted. */
function sftpWizard() {
  const api = wizardApi();
  const server = fakeSftpServer(api, { settings });
  api.handle('restore.open', (p) =>
    server.trusted() === null
      ? {
          ok: false,
          code: 'HOST_KEY_MISMATCH',
          message: `nas.example.net:2222 presents ${presentedFingerprint}, which is not trusted`,
        }
      : p.password === 'right'
        ? ok({ ...repositoryInfo, repository: p.repository })
        : { ok: false, code: 'WRONG_PASSWORD', message: 'wrong password' },
  );
  return api;
}

describe('step 1: remote repositories', () => {
  it('opens an S3 repository with the access keys typed, sent once and forgotten whatever the answer', async () => {
    const api = wizardApi();
    api.handle('restore.open', (p) =>
      p.s3Credentials?.secretAccessKey === 'right-secret'
        ? ok({ ...repositoryInfo, repository: p.repository })
        : { ok: false, code: 'AUTH_FAILED', message: 'The S3 server refused the access keys (403)' },
    );
    const store = createRestoreStore(api);
    store.getState().setRepositoryInput(s3);
    store.getState().setPasswordInput('right');
    store.getState().setS3AccessKeyIdInput('AKIA1EXAMPLE');
    store.getState().setS3SecretInput('wrong-secret');
    expect(await store.getState().open()).toBe(false);
    expect(store.getState().openError?.code).toBe('AUTH_FAILED');
    expect(store.getState()).toMatchObject({ s3AccessKeyIdInput: '', s3SecretInput: '' });
    expect(JSON.stringify(store.getState())).not.toContain('wrong-secret');

    store.getState().setS3AccessKeyIdInput('AKIA1EXAMPLE');
    store.getState().setS3SecretInput('right-secret');
    expect(await store.getState().open()).toBe(true);
    expect(api.paramsOf('restore.open')).toEqual([
      {
        repository: s3,
        password: 'right',
        s3Credentials: { accessKeyId: 'AKIA1EXAMPLE', secretAccessKey: 'wrong-secret' },
      },
      {
        repository: s3,
        password: 'right',
        s3Credentials: { accessKeyId: 'AKIA1EXAMPLE', secretAccessKey: 'right-secret' },
      },
    ]);
    expect(JSON.stringify(store.getState())).not.toContain('right-secret');
    expect(store.getState().step).toBe('session');
  });

  it('S3 without typed keys uses the remembered ones; half a key pair is refused without asking', async () => {
    const api = wizardApi();
    api.handle('restore.open', (p) => ok({ ...repositoryInfo, repository: p.repository }));
    const store = createRestoreStore(api);
    store.getState().setRepositoryInput(s3);
    store.getState().setS3SecretInput('only-the-secret');
    expect(await store.getState().open()).toBe(false);
    expect(store.getState().openError?.code).toBe('ACCESS_KEYS_INCOMPLETE');
    expect(api.paramsOf('restore.open')).toEqual([]);

    store.getState().setS3SecretInput('');
    expect(await store.getState().open()).toBe(true);
    expect(api.paramsOf('restore.open')).toEqual([{ repository: s3 }]);
  });

  it('keys typed for S3 are not sent to another kind of repository', async () => {
    const api = wizardApi();
    const store = createRestoreStore(api);
    store.getState().setRepositoryInput('/media/usb/repo');
    store.getState().setS3AccessKeyIdInput('AKIA1EXAMPLE');
    store.getState().setS3SecretInput('leftover');
    store.getState().setPasswordInput('right');
    expect(await store.getState().open()).toBe(true);
    expect(api.paramsOf('restore.open')).toEqual([{ repository: '/media/usb/repo', password: 'right' }]);
    expect(JSON.stringify(store.getState())).not.toContain('leftover');
  });

  it('on HOST_KEY_MISMATCH shows that server’s host key; trusting it opens the repository again', async () => {
    const api = sftpWizard();
    const store = createRestoreStore(api);
    store.getState().setRepositoryInput(sftpLocation);
    store.getState().setPasswordInput('right');
    expect(await store.getState().open()).toBe(false);
    expect(store.getState().openError?.code).toBe('HOST_KEY_MISMATCH');
    expect(api.paramsOf('repository.hostKey')).toEqual([{ repository: sftpLocation }]);
    const lookup = store.hostKey.getState().lookup;
    expect(lookup.status === 'ready' && lookup.value.status).toBe('unknown');
    // The password stays for the retry; nothing was trusted by itself.
    expect(store.getState().passwordInput).toBe('right');
    expect(api.paramsOf('repository.trustHostKey')).toEqual([]);

    await store.hostKey.getState().trust();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(api.paramsOf('repository.trustHostKey')).toEqual([
      { host: 'nas.example.net', port: 2222, fingerprint: presentedFingerprint },
    ]);
    expect(api.paramsOf('restore.open')).toHaveLength(2);
    expect(store.getState()).toMatchObject({ step: 'session', openError: null, passwordInput: '' });
    expect(store.hostKey.getState().lookup).toEqual({ status: 'idle' });
  });

  it('another location closes the host key panel; other errors do not open it', async () => {
    const api = sftpWizard();
    const store = createRestoreStore(api);
    store.getState().setRepositoryInput(sftpLocation);
    await store.getState().open();
    expect(store.hostKey.getState().lookup.status).toBe('ready');
    store.getState().setRepositoryInput('sftp://backup@other.example.net//srv/repo');
    expect(store.hostKey.getState().lookup).toEqual({ status: 'idle' });

    api.handle('restore.open', () => ({
      ok: false,
      code: 'REPO_UNREACHABLE',
      message: 'other.example.net:22: connection timed out',
    }));
    await store.getState().open();
    expect(store.getState().openError?.code).toBe('REPO_UNREACHABLE');
    expect(store.hostKey.getState().lookup).toEqual({ status: 'idle' });
    expect(api.paramsOf('repository.hostKey')).toHaveLength(1);
  });
});

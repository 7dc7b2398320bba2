import type { HelperSettings } from '@contract';
import { describe, expect, it } from 'vitest';
import { fakeApi, ok } from '../../api/testing/fake-api';
import { createHostKeyStore } from './host-key-store';
import {
  earlierFingerprint,
  fakeSftpServer,
  hostKeyState,
  presentedFingerprint,
  sftpLocation,
} from './test-fixtures';

const settings: HelperSettings = {
  repository: sftpLocation,
  snapshotLocation: null,
  passwordFile: null,
  retention: null,
  sshKeyFile: '/etc/backup-manager/ssh_key',
  trustedHostKeys: [],
  s3CredentialsFile: null,
};

function shownStatus(store: ReturnType<typeof createHostKeyStore>) {
  const lookup = store.getState().lookup;
  return lookup.status === 'ready' ? lookup.value.status : lookup.status;
}

describe('host key store', () => {
  it('reads the key of the location given, and trusts exactly the host, port and fingerprint shown', async () => {
    const api = fakeApi();
    const server = fakeSftpServer(api, { settings });
    const trusted: HelperSettings[] = [];
    const store = createHostKeyStore(api, { onTrusted: (s) => trusted.push(s) });
    await store.getState().look(sftpLocation);
    expect(api.paramsOf('repository.hostKey')).toEqual([{ repository: sftpLocation }]);
    expect(shownStatus(store)).toBe('unknown');

    const saved = await store.getState().trust();
    expect(api.paramsOf('repository.trustHostKey')).toEqual([
      { host: 'nas.example.net', port: 2222, fingerprint: presentedFingerprint },
    ]);
    expect(server.trusted()?.fingerprint).toBe(presentedFingerprint);
    expect(saved?.trustedHostKeys).toEqual([
      { host: 'nas.example.net', port: 2222, fingerprint: presentedFingerprint },
    ]);
    expect(trusted).toHaveLength(1);
    // Read again: the status shown is the helper's, not assumed.
    expect(api.paramsOf('repository.hostKey')).toHaveLength(2);
    expect(shownStatus(store)).toBe('trusted');
    expect(store.getState().notice).toBe(`Trusted ${presentedFingerprint} for nas.example.net:2222.`);
  });

  it('a changed key is not trusted without the confirmation, and then the new one is', async () => {
    const api = fakeApi();
    fakeSftpServer(api, { settings, trusted: earlierFingerprint });
    const store = createHostKeyStore(api);
    await store.getState().look(sftpLocation);
    const lookup = store.getState().lookup;
    expect(lookup.status === 'ready' && lookup.value).toMatchObject({
      status: 'changed',
      fingerprint: presentedFingerprint,
      trustedFingerprint: earlierFingerprint,
    });

    expect(await store.getState().trust()).toBeNull();
    expect(api.paramsOf('repository.trustHostKey')).toEqual([]);
    expect(store.getState().trustRefusal?.code).toBe('CONFIRMATION_REQUIRED');

    store.getState().confirmChange(true);
    expect(store.getState().trustRefusal).toBeNull();
    expect(await store.getState().trust()).not.toBeNull();
    expect(api.paramsOf('repository.trustHostKey')).toEqual([
      { host: 'nas.example.net', port: 2222, fingerprint: presentedFingerprint },
    ]);
    expect(shownStatus(store)).toBe('trusted');
    // The confirmation was for that key only.
    expect(store.getState().changeConfirmed).toBe(false);
  });

  it('never trusts what is already trusted or known, nor anything before a key was shown', async () => {
    const api = fakeApi();
    const store = createHostKeyStore(api);
    expect(await store.getState().trust()).toBeNull();
    for (const status of ['trusted', 'known-host'] as const) {
      api.handle('repository.hostKey', () => ok(hostKeyState({ status })));
      await store.getState().look(sftpLocation);
      expect(await store.getState().trust()).toBeNull();
    }
    expect(api.paramsOf('repository.trustHostKey')).toEqual([]);
  });

  it('keeps the helper’s refusal when the server presents another key by now', async () => {
    const api = fakeApi();
    fakeSftpServer(api, { settings, presented: earlierFingerprint });
    const store = createHostKeyStore(api);
    // What was shown before the server changed its key.
    api.handle('repository.hostKey', () => ok(hostKeyState()));
    await store.getState().look(sftpLocation);
    expect(await store.getState().trust()).toBeNull();
    expect(store.getState().trustRefusal).toMatchObject({ code: 'HOST_KEY_MISMATCH' });
    expect(store.getState().notice).toBeNull();
  });

  it('keeps REPO_UNREACHABLE with its message, and asks again for the same location on retry', async () => {
    const api = fakeApi();
    api.handle('repository.hostKey', () => ({
      ok: false,
      code: 'REPO_UNREACHABLE',
      message: 'nas.example.net:2222: connection refused',
    }));
    const store = createHostKeyStore(api);
    await store.getState().look(sftpLocation);
    expect(store.getState().lookup).toEqual({
      status: 'error',
      code: 'REPO_UNREACHABLE',
      message: 'nas.example.net:2222: connection refused',
    });
    api.handle('repository.hostKey', () => ok(hostKeyState()));
    await store.getState().retry();
    expect(api.paramsOf('repository.hostKey')).toEqual([
      { repository: sftpLocation },
      { repository: sftpLocation },
    ]);
    expect(shownStatus(store)).toBe('unknown');
  });

  it('drops a slow answer about a location no longer asked about', async () => {
    const api = fakeApi();
    let release: () => void = () => undefined;
    api.handle('repository.hostKey', (p) =>
      p.repository === 'sftp:old@slow:/repo'
        ? new Promise((resolve) => {
            release = () => resolve(ok(hostKeyState({ host: 'slow' })));
          })
        : ok(hostKeyState()),
    );
    const store = createHostKeyStore(api);
    const slow = store.getState().look('sftp:old@slow:/repo');
    await store.getState().look(sftpLocation);
    release();
    await slow;
    const lookup = store.getState().lookup;
    expect(lookup.status === 'ready' && lookup.value.host).toBe('nas.example.net');
    expect(store.getState().repository).toBe(sftpLocation);

    const again = store.getState().look('sftp:old@slow:/repo');
    store.getState().reset();
    release();
    await again;
    expect(store.getState().lookup).toEqual({ status: 'idle' });
  });
});

/**
 * The helper's repository opener and host key requests against a real sshd (engine/testing/sshd-server.ts): what
 * a server presents is reported, never trusted by itself; trusting checks the server presents that key now; a
 * trusted key decides over known_hosts; the settings' key logs in; the restore wizard opens SFTP repositories.
 */
import { existsSync } from 'node:fs';
import { chmod, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repository } from '../../engine/repository/repository';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import { type SshdServer, sshdPath, startSshd } from '../../engine/testing/sshd-server';
import { RestoreRepositories } from '../restore/restore-repositories';
import { HelperSettingsStore } from '../settings/helper-settings-store';
import { RepositoryBackends } from './repository-backends';
import { createRepositoryHandlers } from './repository-handlers';

const haveSshd = existsSync(sshdPath);
if (!haveSshd) console.warn(`SFTP repository tests skipped: ${sshdPath} is missing (openssh-server)`);

let server: SshdServer;
let dir: string;
const password = 'pw';

beforeAll(async () => {
  if (!haveSshd) return;
  server = await startSshd();
  dir = await makeTempDir('repository-backends');
});
afterAll(async () => {
  if (!haveSshd) return;
  await server.stop();
  await removeTempDir(dir);
});

async function setup(env: NodeJS.ProcessEnv = {}) {
  const stateDir = await makeTempDir('repository-backends-state');
  const store = HelperSettingsStore.inStateDir(stateDir, { testMode: true });
  // Nothing from the test machine's ~/.ssh: an empty known_hosts unless the test gives one.
  const backends = new RepositoryBackends({
    settings: () => store.read(),
    env: { BACKUP_MANAGER_KNOWN_HOSTS: path.join(stateDir, 'no-known-hosts'), ...env },
    testMode: true,
  });
  const handlers = createRepositoryHandlers({ settings: store, backends });
  return { store, backends, handlers };
}

function location(repo: string): string {
  return `sftp://${server.user}@${server.host}:${server.port}/${path.join(server.dataDir, repo)}`;
}

const context = {} as Parameters<ReturnType<typeof createRepositoryHandlers>['repository/hostKey']>[1];

describe.runIf(haveSshd)('repositories on SFTP, as the helper opens them', () => {
  it('reports an unknown host key without trusting it; trusts it only with the fingerprint the server presents', async () => {
    const { store, handlers } = await setup();
    const unknown = await handlers['repository/hostKey']({ repository: location('a') }, context);
    expect(unknown).toEqual({
      host: server.host,
      port: server.port,
      algorithm: 'ssh-ed25519',
      fingerprint: server.hostKeyFingerprint,
      status: 'unknown',
      trustedFingerprint: null,
    });
    expect((await store.read()).trustedHostKeys).toEqual([]);

    const wrong = `SHA256:${'x'.repeat(43)}`;
    await expect(
      handlers['repository/trustHostKey'](
        { host: server.host, port: server.port, fingerprint: wrong },
        context,
      ),
    ).rejects.toMatchObject({ code: 'HOST_KEY_MISMATCH' });
    expect((await store.read()).trustedHostKeys).toEqual([]);

    const { settings } = await handlers['repository/trustHostKey'](
      { host: server.host, port: server.port, fingerprint: server.hostKeyFingerprint },
      context,
    );
    expect(settings.trustedHostKeys).toEqual([
      { host: server.host, port: server.port, fingerprint: server.hostKeyFingerprint },
    ]);
    expect(await handlers['repository/hostKey']({ repository: location('a') }, context)).toMatchObject({
      status: 'trusted',
      trustedFingerprint: server.hostKeyFingerprint,
    });
  });

  it("says known-host for a key in the helper's known_hosts, and changed when another key was trusted", async () => {
    const { store, handlers } = await setup({ BACKUP_MANAGER_KNOWN_HOSTS: server.knownHostsPath });
    expect(await handlers['repository/hostKey']({ repository: location('b') }, context)).toMatchObject({
      status: 'known-host',
    });
    const other = `SHA256:${'Z'.repeat(43)}`;
    await store.updateFrom(() => ({
      trustedHostKeys: [{ host: server.host, port: server.port, fingerprint: other }],
    }));
    // A key the user trusted decides over known_hosts: the server now presents another one.
    expect(await handlers['repository/hostKey']({ repository: location('b') }, context)).toMatchObject({
      status: 'changed',
      fingerprint: server.hostKeyFingerprint,
      trustedFingerprint: other,
    });
  });

  it('opens with the settings key and the trusted key; refuses a changed key even when known_hosts lists it', async () => {
    const { store, backends } = await setup({ BACKUP_MANAGER_KNOWN_HOSTS: server.knownHostsPath });
    const key = path.join(dir, 'key');
    await copyFile(server.clientKeyPath, key);
    await chmod(key, 0o600);
    await store.update({ sshKeyFile: key });
    await store.updateFrom(() => ({
      trustedHostKeys: [{ host: server.host, port: server.port, fingerprint: server.hostKeyFingerprint }],
    }));
    const created = await Repository.init(await backends.open(location('c')), password, {
      chunkerPolynomial: 0x3da3358b4dc173n,
      kdf: { N: 1024, r: 8, p: 1 },
    });
    await created.backend.close();

    const restore = new RestoreRepositories({ openBackend: (at, keys) => backends.open(at, keys) });
    const opened = await restore.open(location('c'), password);
    expect(opened).toMatchObject({ repository: location('c'), repositoryId: created.config.id });
    expect(restore.get(opened.handle).localPath).toBeNull();
    restore.closeAll();

    await store.updateFrom(() => ({
      trustedHostKeys: [{ host: server.host, port: server.port, fingerprint: `SHA256:${'Z'.repeat(43)}` }],
    }));
    const refused = await backends.open(location('c'));
    await expect(refused.exists()).rejects.toMatchObject({ code: 'HOST_KEY_MISMATCH' });
    await refused.close();
  });

  it('AUTH_FAILED without a key to log in with or with a key file others can read; REPO_UNREACHABLE with no server', async () => {
    const { store, backends, handlers } = await setup();
    const loose = path.join(dir, 'loose-key');
    await copyFile(server.clientKeyPath, loose);
    await chmod(loose, 0o644);
    // Saved before it was loosened: the session must still refuse to use it.
    await chmod(loose, 0o600);
    await store.update({ sshKeyFile: loose });
    await chmod(loose, 0o644);
    await expect(backends.open(location('d'))).rejects.toMatchObject({ code: 'AUTH_FAILED' });

    const closedPort = `sftp://${server.user}@127.0.0.1:1//nowhere`;
    await expect(handlers['repository/hostKey']({ repository: closedPort }, context)).rejects.toMatchObject({
      code: 'REPO_UNREACHABLE',
    });
    await expect(
      handlers['repository/hostKey']({ repository: '/srv/local/repo' }, context),
    ).rejects.toMatchObject({ code: 'SETTINGS_INVALID' });
  });
});

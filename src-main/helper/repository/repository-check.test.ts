/**
 * The troubleshooting check "Repository reachable" against real storage: a local folder, and a real sshd for
 * SFTP (unknown host key shown with its fingerprint before any login; trusted key and settings key pass; no
 * repository there; no server). It is also added to the helper's preflight and diagnostic report, where it must
 * never carry a secret.
 */
import { existsSync } from 'node:fs';
import { chmod, copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../engine/backend/local-backend';
import { Repository } from '../../engine/repository/repository';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import { type SshdServer, sshdPath, startSshd } from '../../engine/testing/sshd-server';
import { emptyHelperSettings, type HelperSettings } from '../../helper-protocol/session-model';
import { ExecCommandRunner } from '../../system-state/command-runner/exec-command-runner';
import { SystemStateService } from '../../system-state/system-state-service';
import { HelperSettingsStore } from '../settings/helper-settings-store';
import { systemStateSettingsView } from '../settings/system-state-settings-view';
import { createSystemStateHandlers } from '../system-state-handlers';
import { RepositoryBackends } from './repository-backends';
import { repositoryCheck } from './repository-check';

const haveSshd = existsSync(sshdPath);
const init = { chunkerPolynomial: 0x3da3358b4dc173n, kdf: { N: 1024, r: 8, p: 1 } };

let dir: string;
let server: SshdServer | undefined;
beforeAll(async () => {
  dir = await makeTempDir('repository-check');
  if (haveSshd) server = await startSshd();
});
afterAll(async () => {
  await server?.stop();
  await removeTempDir(dir);
});

function settingsWith(patch: Partial<HelperSettings>): HelperSettings {
  return {
    ...emptyHelperSettings(),
    ...patch,
  };
}

function check(settings: HelperSettings) {
  const backends = new RepositoryBackends({
    settings: async () => settings,
    env: { BACKUP_MANAGER_KNOWN_HOSTS: path.join(dir, 'none') },
    testMode: true,
  });
  return repositoryCheck(settings, backends);
}

describe('the repository check', () => {
  it('warns when no repository is set; passes a local repository; REPO_NOT_FOUND for an empty folder', async () => {
    expect(await check(settingsWith({}))).toMatchObject({ status: 'warn', code: 'REPOSITORY_UNSET' });
    const repo = path.join(dir, 'local');
    const created = await Repository.init(new LocalBackend(repo), 'pw', init);
    await created.backend.close();
    expect(await check(settingsWith({ repository: repo }))).toMatchObject({ status: 'pass', code: 'OK' });
    expect(await check(settingsWith({ repository: path.join(dir, 'nothing-here') }))).toMatchObject({
      status: 'fail',
      code: 'REPO_NOT_FOUND',
    });
  });

  it.runIf(haveSshd)(
    'shows an unknown host key with its fingerprint before any login, then passes once trusted',
    async () => {
      if (server === undefined) throw new Error('no sshd');
      const repoPath = path.join(server.dataDir, 'checked');
      const location = `sftp://${server.user}@${server.host}:${server.port}/${repoPath}`;
      const key = path.join(dir, 'client-key');
      await copyFile(server.clientKeyPath, key);
      await chmod(key, 0o600);
      const unknown = await check(settingsWith({ repository: location, sshKeyFile: key }));
      expect(unknown).toMatchObject({ status: 'fail', code: 'HOST_KEY_MISMATCH' });
      expect(unknown.evidence.join('\n')).toContain(server.hostKeyFingerprint);
      expect(unknown.fix).toContain('ssh-keygen -lf');

      const trusted = settingsWith({
        repository: location,
        sshKeyFile: key,
        trustedHostKeys: [{ host: server.host, port: server.port, fingerprint: server.hostKeyFingerprint }],
      });
      expect(await check(trusted)).toMatchObject({ status: 'fail', code: 'REPO_NOT_FOUND' });
      const backends = new RepositoryBackends({ settings: async () => trusted, env: {}, testMode: true });
      const created = await Repository.init(await backends.open(location), 'pw', init);
      await created.backend.close();
      const passed = await check(trusted);
      expect(passed).toMatchObject({ status: 'pass', code: 'OK' });
      // Never the key itself, whatever the outcome.
      const privateKey = (await readFile(key, 'utf8')).split('\n')[1] ?? 'no key line';
      expect(JSON.stringify([unknown, passed])).not.toContain(privateKey);

      const gone = settingsWith({ ...trusted, repository: `sftp://${server.user}@127.0.0.1:1//nowhere` });
      expect(await check(gone)).toMatchObject({ status: 'fail', code: 'REPO_UNREACHABLE' });
    },
  );

  it('is part of the troubleshooting checks and the diagnostic report, not of a snapshot location tried out', async () => {
    const settings = HelperSettingsStore.inStateDir(dir, { testMode: true });
    const systemState = new SystemStateService({
      runner: new ExecCommandRunner(),
      settings: systemStateSettingsView(settings, dir),
      env: {},
      freeSpace: async () => ({ totalBytes: 1e12, freeBytes: 1e11 }),
    });
    const handlers = createSystemStateHandlers({
      systemState,
      settings,
      repositoryCheck: async () => check(await settings.read()),
    });
    const context = {} as Parameters<(typeof handlers)['system-state/preflight']>[1];
    const checks = (await handlers['system-state/preflight']({}, context)).checks;
    expect(checks.find((c) => c.id === 'repository')).toMatchObject({ code: 'REPOSITORY_UNSET' });
    const tried = (await handlers['system-state/preflight']({ location: dir }, context)).checks;
    expect(tried.find((c) => c.id === 'repository')).toBeUndefined();
    const { report, text } = await handlers['diagnostics/report']({}, context);
    expect(report.checks.find((c) => c.id === 'repository')).toMatchObject({ code: 'REPOSITORY_UNSET' });
    expect(text).toContain('Repository reachable');
  }, 60_000);
});

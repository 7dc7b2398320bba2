/**
 * `backup-manager restore-wizard …` against the real helper process (the built out/main/helper.js in test mode, its
 * system root a sandbox folder) over its real socket: hosts, sessions, compat, plan, run into a folder (JSON lines
 * of restore/changed, a live line on a terminal), the apply to "this system" refused with another hostname and
 * rolled back after, the test restore with the helper's own repository and password, its schedule, and the errors
 * a user meets (unknown snapshot prefix, no password) as codes with a non-zero exit.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import type { HelperClient } from '../../helper-client/helper-client';
import {
  type HelperProcess,
  startHelperProcess,
  waitUntilListening,
} from '../../helper-client/testing/helper-process';
import { SettingsSetRequest } from '../../helper-protocol/protocol';
import type { RestoreJob } from '../../helper-protocol/restore-model';
import {
  createSystemStateRepository,
  linuxManifest,
  systemStateRepositoryPassword,
} from '../testing/system-state-repository';
import { runCliAgainstHelper } from './helper-cli-test-support';

const thisHost = osHostname();
let dir: string;
let repoPath: string;
let sandbox: string;
let alphaId: string;
let helper: HelperProcess;
let client: HelperClient;
let passwordFile: string;
const env = { BACKUP_MANAGER_PASSWORD: systemStateRepositoryPassword };

const cli = (argv: string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) =>
  runCliAgainstHelper(helper.socketPath, argv, { env: options.env ?? env, tty: options.tty });
const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; job: RestoreJob });

beforeAll(async () => {
  dir = await makeTempDir('restore-wizard-cli');
  const repo = await createSystemStateRepository(dir);
  repoPath = repo.location;
  const components = [
    { id: 'linux.configuration', title: 'System configuration', paths: ['/etc'] },
    { id: 'linux.boot', title: 'Boot files', paths: ['/boot'] },
  ];
  alphaId = await repo.addSession({
    hostname: 'alpha',
    time: new Date('2026-11-20T02:00:00Z'),
    files: {
      'etc/hostname': 'alpha\n',
      'etc/fstab': 'UUID=0a1b2c3d-1111-2222-3333-444455556666 / ext4 errors=remount-ro 0 1\n',
      'etc/ssh/sshd_config': 'PermitRootLogin no\n',
      'boot/config-6.1.0-26-amd64': 'CONFIG_EXT4_FS=y\n',
    },
    manifest: linuxManifest('alpha'),
    components,
  });
  await repo.addSession({
    hostname: thisHost,
    time: new Date('2026-11-21T02:00:00Z'),
    files: { 'etc/hostname': `${thisHost}\n`, 'etc/hosts': '127.0.0.1 localhost\n' },
    manifest: linuxManifest(thisHost),
    components: [components[0] as (typeof components)[number]],
  });
  await repo.close();
  sandbox = path.join(dir, 'sandbox');
  await mkdir(path.join(sandbox, 'etc'), { recursive: true });
  await writeFile(path.join(sandbox, 'etc/hostname'), 'sandbox\n');
  passwordFile = path.join(dir, 'password');
  await writeFile(passwordFile, `${systemStateRepositoryPassword}\n`, { mode: 0o600 });
  helper = await startHelperProcess({
    socketPath: path.join(dir, 'run', 'helper.sock'),
    stateDir: path.join(dir, 'state'),
    extraArgs: ['--test-mode', '--workers', '1', '--system-root', sandbox],
  });
  await waitUntilListening(helper);
  client = await helper.connect();
  await client.request(SettingsSetRequest.type, { repository: repoPath, passwordFile });
});

afterAll(async () => {
  client?.close();
  if (helper && helper.child.exitCode === null) {
    helper.child.kill('SIGTERM');
    await helper.exited;
  }
  await removeTempDir(dir);
});

describe('restore-wizard', () => {
  it('lists the machines and their sessions, compares and plans, by a snapshot prefix', async () => {
    const hosts = await cli(['restore-wizard', 'hosts', '--repo', repoPath, '--json']);
    expect(hosts.stderr).toBe('');
    const { machines } = JSON.parse(hosts.stdout) as {
      machines: { hostname: string; isThisMachine: boolean }[];
    };
    expect(machines.map((m) => [m.hostname, m.isThisMachine]).sort()).toEqual(
      [
        ['alpha', false],
        [thisHost, true],
      ].sort(),
    );
    const human = await cli(['restore-wizard', 'hosts', '--repo', repoPath]);
    expect(human.stdout).toContain(`${thisHost} (this machine)`);

    const sessions = await cli(['restore-wizard', 'sessions', '--repo', repoPath, '--host', 'alpha']);
    expect(sessions.code).toBe(0);
    expect(sessions.stdout).toContain(alphaId.slice(0, 8));
    expect(sessions.stdout).toContain('linux.configuration, linux.boot');

    const prefix = alphaId.slice(0, 6);
    const compat = await cli([
      'restore-wizard',
      'compat',
      '--repo',
      repoPath,
      '--snapshot',
      prefix,
      '--json',
    ]);
    expect(compat.stderr).toBe('');
    expect(JSON.parse(compat.stdout)).toMatchObject({ backedUpHostname: 'alpha', thisHostname: thisHost });

    const target = path.join(dir, 'planned');
    const plan = await cli([
      'restore-wizard',
      'plan',
      '--repo',
      repoPath,
      '--snapshot',
      prefix,
      '--components',
      'linux.configuration',
      '--target',
      target,
      '--map-disk',
      '/dev/sda=/dev/vdb',
    ]);
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain(`Restore ${alphaId.slice(0, 8)} into ${target}`);
    expect(plan.stdout).toContain('System configuration (/etc)');

    const unknown = await cli([
      'restore-wizard',
      'plan',
      '--repo',
      repoPath,
      '--snapshot',
      'ffff',
      '--target',
      target,
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('SNAPSHOT_NOT_FOUND');
    const noPassword = await cli(['restore-wizard', 'hosts', '--repo', repoPath], { env: {} });
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('no password');
    const wrong = await cli(['restore-wizard', 'hosts', '--repo', repoPath], {
      env: { BACKUP_MANAGER_PASSWORD: 'no' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('WRONG_PASSWORD');
  });

  it('runs a restore into a folder: JSON lines of restore/changed, then a live line on a terminal', async () => {
    const target = path.join(dir, 'restored');
    const run = await cli([
      'restore-wizard',
      'run',
      '--repo',
      repoPath,
      '--host',
      'alpha',
      '--target',
      target,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', job: { state: 'completed', kind: 'restore' } });
    const changed = lines.filter((l) => l.type === 'changed');
    expect(new Set(changed.map((l) => l.job.id)).size).toBe(1);
    expect(changed.map((l) => l.job.phase)).toEqual(
      expect.arrayContaining(['prepare', 'restore', 'verify', 'done']),
    );
    expect(await readFile(path.join(target, 'etc/hostname'), 'utf8')).toBe('alpha\n');

    const live = await cli(
      ['restore-wizard', 'run', '--repo', repoPath, '--host', 'alpha', '--target', path.join(dir, 'live')],
      {
        tty: true,
      },
    );
    expect(live.code).toBe(0);
    expect(live.stdout).toContain('restore…');
    expect(live.stdout).toContain('[x] Verification');
  });

  it('refuses an apply without this hostname, applies with it into the system root, and rolls back', async () => {
    const refused = await cli([
      'restore-wizard',
      'run',
      '--repo',
      repoPath,
      '--host',
      'alpha',
      '--apply-to-system',
      '--confirm-hostname',
      'alpha',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CONFIRMATION_MISMATCH');
    expect(await readFile(path.join(sandbox, 'etc/hostname'), 'utf8')).toBe('sandbox\n');

    const applied = await cli([
      'restore-wizard',
      'run',
      '--repo',
      repoPath,
      '--host',
      'alpha',
      '--components',
      'linux.configuration',
      '--apply-to-system',
      '--confirm-hostname',
      thisHost,
      '--no-services',
      '--json',
    ]);
    expect(applied.stderr).toBe('');
    const summary = jsonLines(applied.stdout).at(-1)?.job;
    expect(summary).toMatchObject({
      state: 'completed',
      targetRoot: sandbox,
      rollbackSnapshotId: expect.any(String),
    });
    expect(await readFile(path.join(sandbox, 'etc/hostname'), 'utf8')).toBe('alpha\n');

    const rollback = await cli([
      'restore-wizard',
      'rollback',
      '--repo',
      repoPath,
      '--job',
      summary?.id ?? '',
      '--confirm-hostname',
      thisHost,
    ]);
    expect(rollback.stderr).toBe('');
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain('rollback job');
    expect(await readFile(path.join(sandbox, 'etc/hostname'), 'utf8')).toBe('sandbox\n');
    await expect(readFile(path.join(sandbox, 'etc/fstab'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("test-restores this machine's latest session with the helper's own repository, and schedules it", async () => {
    const test = await cli(['restore-wizard', 'test', '--json']);
    expect(test.stderr).toBe('');
    expect(test.code).toBe(0);
    const job = jsonLines(test.stdout).at(-1)?.job;
    expect(job).toMatchObject({ kind: 'test-restore', state: 'completed', hostname: thisHost });
    expect(job?.checklist.find((i) => i.id === 'scratch-removed')?.status).toBe('done');

    const set = await cli(['restore-wizard', 'test-schedule', '--weekly', 'sun', '--at', '04:00']);
    expect(set.stdout).toContain('test restore: weekly on sun at 04:00');
    const shown = await cli(['restore-wizard', 'test-schedule', '--json']);
    expect(JSON.parse(shown.stdout).schedule).toMatchObject({
      spec: { kind: 'weekly', weekdays: [0], time: '04:00' },
      lastJob: { id: job?.id, state: 'completed' },
    });
    await rm(path.join(dir, 'state', 'restore-test'), { recursive: true, force: true });
  });

  it("test-restores the helper's own repository with a password given here when the helper has no password file", async () => {
    try {
      await client.request(SettingsSetRequest.type, { passwordFile: null });
      const refused = await cli(['restore-wizard', 'test'], { env: {} });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('PASSWORD_REQUIRED');
      const test = await cli(['restore-wizard', 'test', '--json'], {
        env: { BACKUP_MANAGER_PASSWORD: systemStateRepositoryPassword },
      });
      expect(test.stderr).toBe('');
      expect(jsonLines(test.stdout).at(-1)?.job).toMatchObject({ kind: 'test-restore', state: 'completed' });
    } finally {
      await client.request(SettingsSetRequest.type, { passwordFile });
    }
  });
});

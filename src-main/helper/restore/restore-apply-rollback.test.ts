/**
 * Apply to this system and roll back, in a sandboxed system root (the helper's system root is a temporary folder):
 * the apply backs up what it overwrites (a rollback snapshot tagged system-state + rollback, listed as this
 * machine's), records what it creates — by the restore and by the post-restore steps (a service enabled through
 * `systemctl --root`, the fstab rewritten through a temporary file) — and the rollback brings the tree back
 * exactly: contents, modes, owners, mtimes to the nanosecond, symlinks, and every created entry gone, the root's
 * and the folders' times included. Plus the rollback's refusals.
 */
import {
  chown,
  lchown,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeTree } from '../../engine/testing/tree-description';
import { encodePath, removeCreated } from './apply-record';
import { listSessions } from './restore-catalog';
import { startRollback } from './restore-rollback';
import {
  alphaFiles,
  alphaStaging,
  createRestoreJobHarness,
  newRootUuid,
  type RestoreJobHarness,
} from './testing/restore-job-harness';

const isRoot = process.getuid?.() === 0;
let dir: string;
let harness: RestoreJobHarness;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bm-restore-apply-'));
  harness = await createRestoreJobHarness(dir, { hostname: 'beta' });
});
afterEach(async () => {
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

/** beta's own system: what the apply overwrites, what it leaves, and a unit it will enable. */
async function buildSystem(root: string): Promise<void> {
  const file = async (relative: string, text: string, mode = 0o644) => {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), text, { mode });
  };
  await file('etc/hostname', 'beta\n');
  await file('etc/fstab', `UUID=${newRootUuid} / ext4 defaults 0 1\n`);
  await file('etc/keep.conf', 'only beta has this\n', 0o600);
  await file('etc/ssh/sshd_config', 'PermitRootLogin yes\n', 0o600);
  await symlink('hostname', path.join(root, 'etc/link'));
  await mkdir(path.join(root, 'etc/systemd/system'), { recursive: true });
  await file(
    'lib/systemd/system/foo.service',
    '[Unit]\nDescription=foo\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n',
  );
  if (isRoot) {
    await chown(path.join(root, 'etc/ssh'), 1234, 1234);
    await chown(path.join(root, 'etc/ssh/sshd_config'), 1234, 1234);
    await lchown(path.join(root, 'etc/link'), 1234, 1234);
  }
  // Old, odd times everywhere (the root last: creating its children changed it).
  const old = new Date('2024-02-29T12:34:56.789Z');
  const all = Object.keys(await describeTree(root)).sort((a, b) => b.length - a.length);
  for (const relative of all) {
    const absolute = relative === '' ? root : path.join(root, relative);
    if (relative !== 'etc/link') await utimes(absolute, old, old);
  }
}

describe('apply to this system, then rollback', () => {
  it('brings the system root back exactly as it was', async () => {
    const root = harness.systemRoot;
    await buildSystem(root);
    const before = await describeTree(root);

    const { id } = await harness.repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-20T02:00:00Z'),
      files: alphaFiles({ 'etc/newdir/new.conf': 'alpha only\n' }),
      staging: alphaStaging({ enabledUnits: 'foo.service enabled enabled\nssh.service enabled enabled\n' }),
    });
    const handle = await harness.open();
    const started = await harness.runner.start({
      handle,
      snapshotId: id,
      components: ['linux.configuration', 'linux.boot', 'linux.software-inventory'],
      target: { kind: 'system', confirmHostname: 'beta' },
    });
    expect(started).toMatchObject({ targetRoot: root, target: { kind: 'system' } });
    const applied = await harness.jobs.wait(started.id);
    expect(applied.error).toBeNull();
    expect(applied.phase).toBe('done');
    const phases = [...new Set(harness.notifications.map((n) => n.job.phase))];
    expect(phases).toEqual(['prepare', 'rollback-backup', 'restore', 'verify', 'post-restore', 'done']);
    expect(applied.rollbackSnapshotId).toMatch(/^[0-9a-f]{64}$/);

    // The apply wrote alpha's configuration, remapped its fstab and enabled foo (its unit is in beta's /lib).
    expect(await readFile(path.join(root, 'etc/hostname'), 'utf8')).toBe('alpha\n');
    expect(await readFile(path.join(root, 'etc/fstab'), 'utf8')).toContain(`UUID=${newRootUuid} /     ext4`);
    expect(await readlink(path.join(root, 'etc/systemd/system/multi-user.target.wants/foo.service'))).toBe(
      '/lib/systemd/system/foo.service',
    );
    const status = Object.fromEntries(applied.checklist.map((item) => [item.id, item.status]));
    expect(status).toMatchObject({ services: 'todo', rollback: 'done', verification: 'done' });
    expect(applied.checklist.find((i) => i.id === 'services')?.detail).toMatch(
      /Enabled: foo\.service\..*Not installed here.*ssh\.service/,
    );

    const report = await harness.jobs.report(applied.id);
    expect(report?.apply).toMatchObject({ systemRoot: root, rollbackPaths: ['/etc'], complete: true });
    expect(report?.apply?.created).toEqual(
      expect.arrayContaining([
        '/boot',
        '/boot/config-6.1.0-26-amd64',
        '/etc/motd',
        '/etc/newdir',
        '/etc/newdir/new.conf',
        '/etc/systemd/system/multi-user.target.wants',
        '/etc/systemd/system/multi-user.target.wants/foo.service',
      ]),
    );
    expect(report?.apply?.created).not.toContain('/etc/hostname');
    expect(report?.apply?.directories.map((d) => d.path)).toEqual(['/', '/etc', '/etc/systemd']);

    // The rollback snapshot is this machine's, marked as a rollback point.
    const sessions = await listSessions(harness.repositories.get(handle).repository, 'beta');
    expect(sessions).toMatchObject([{ snapshotId: applied.rollbackSnapshotId, rollback: true }]);

    const rollback = await startRollback(harness.rollbackDeps, {
      handle,
      jobId: applied.id,
      confirmHostname: 'beta',
    });
    expect(rollback).toMatchObject({ kind: 'rollback', snapshotId: applied.rollbackSnapshotId });
    const rolledBack = await harness.jobs.wait(rollback.id);
    expect(rolledBack.error).toBeNull();
    expect(rolledBack.state).toBe('completed');
    expect(rolledBack.verification?.mismatches).toEqual([]);
    expect(rolledBack.checklist.map((item) => [item.id, item.status])).toEqual([
      ['created-removed', 'done'],
      ['restored-files', 'done'],
      ['verification', 'done'],
      ['directories', 'done'],
    ]);

    expect(await describeTree(root)).toEqual(before);
    expect(harness.jobs.get(applied.id).checklist.at(-1)).toMatchObject({
      id: 'rolled-back',
      status: 'done',
    });
  });

  it('refuses a rollback without the hostname, of a folder restore, and of an unknown job', async () => {
    await buildSystem(harness.systemRoot);
    const { id } = await harness.repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-20T02:00:00Z'),
      files: alphaFiles(),
      staging: alphaStaging(),
    });
    const handle = await harness.open();
    const folder = await harness.runner.start({
      handle,
      snapshotId: id,
      components: ['linux.configuration'],
      target: { kind: 'folder', path: path.join(dir, 'folder') },
    });
    await harness.jobs.wait(folder.id);
    const attempts: [string, string, string][] = [
      [folder.id, 'alpha', 'CONFIRMATION_MISMATCH'],
      [folder.id, 'beta', 'ROLLBACK_UNAVAILABLE'],
      ['e'.repeat(32), 'beta', 'RESTORE_JOB_NOT_FOUND'],
    ];
    for (const [jobId, confirmHostname, code] of attempts)
      await expect(
        startRollback(harness.rollbackDeps, { handle, jobId, confirmHostname }),
      ).rejects.toMatchObject({
        code,
      });
    await expect(
      startRollback(harness.rollbackDeps, {
        handle: 'f'.repeat(32),
        jobId: folder.id,
        confirmHostname: 'beta',
      }),
    ).rejects.toMatchObject({ code: 'RESTORE_HANDLE_UNKNOWN' });
  });

  it('removes created entries only through real folders, and leaves a created folder that is no longer empty', async () => {
    const root = harness.systemRoot;
    const outside = path.join(dir, 'outside');
    await mkdir(path.join(outside, 'etc'), { recursive: true });
    await writeFile(path.join(outside, 'etc', 'victim'), "not the apply's");
    await mkdir(path.join(root, 'new/sub'), { recursive: true });
    await writeFile(path.join(root, 'new/sub/created.conf'), 'x');
    await writeFile(path.join(root, 'new/user-file'), 'made after the apply');
    // Since the apply, /etc was swapped for a link to somewhere else.
    await symlink(path.join(outside, 'etc'), path.join(root, 'etc'));
    const result = await removeCreated(root, ['/etc/victim', '/new', '/new/sub', '/new/sub/created.conf']);
    expect(result.removed).toBe(2);
    expect(result.problems.map((p) => [p.path, p.code])).toEqual([
      ['/etc/victim', 'PATH_ESCAPE'],
      ['/new', 'NOT_EMPTY'],
    ]);
    expect(await readFile(path.join(outside, 'etc', 'victim'), 'utf8')).toBe("not the apply's");
    expect(await readFile(path.join(root, 'new/user-file'), 'utf8')).toBe('made after the apply');
  });

  it('keeps non-UTF-8 names exact in the apply record', () => {
    const name = Buffer.concat([Buffer.from('/etc/caf'), Buffer.from([0xe9])]);
    expect(encodePath(name)).toBe(`b64:${name.toString('base64')}`);
    expect(encodePath(Buffer.from('/etc/café'))).toBe('/etc/café');
  });
});

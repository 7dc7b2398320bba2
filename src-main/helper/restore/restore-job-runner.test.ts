/**
 * Restore jobs of a System state session into a folder, on a real repository written by our engine: the phases in
 * order, the files restored (never the staging exports), verified against the repository, the post-restore steps
 * (UUIDs remapped in the restored fstab with its mode kept, the disk layout script saved 0600, the checklist), the
 * report; restore/changed at most 10 per second; cancel in the middle (CANCELLED); a damaged blob (completed with
 * errors, the entry listed, verification finds it); and the refusals before a job exists — a target inside the
 * state directory, another hostname typed back, a Windows session applied to this Linux system.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RestoreJob } from '../../helper-protocol/restore-model';
import { readJobReport } from './restore-job-report';
import {
  alphaFiles,
  alphaStaging,
  createRestoreJobHarness,
  newRootUuid,
  oldBootUuid,
  type RestoreJobHarness,
} from './testing/restore-job-harness';
import { testManifest } from './testing/restore-test-repository';

const sfdiskJson = JSON.stringify({
  partitiontable: {
    label: 'gpt',
    id: 'DEEB29A9-BE46-8247-9105-D4EF78E4329C',
    device: '/dev/sda',
    unit: 'sectors',
    firstlba: 2048,
    lastlba: 819166,
    sectorsize: 512,
    partitions: [
      { node: '/dev/sda1', start: 2048, size: 262144, type: '0FC63DAF-8483-4772-8E79-3D69D8477DE4' },
    ],
  },
});

let dir: string;
/** Called with every restore/changed of the harness (a test sets it; reset after each test). */
let onNotify: ((job: RestoreJob) => void) | null = null;
let harness: RestoreJobHarness;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bm-restore-runner-'));
  harness = await createRestoreJobHarness(dir, { onNotify: (job) => onNotify?.(job) });
});
afterEach(async () => {
  onNotify = null;
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

const components = ['linux.configuration', 'linux.boot'];

describe('a restore job into a folder', () => {
  it('restores, verifies, remaps the fstab, saves the disk layout script and reports every step', async () => {
    const { id } = await harness.repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-20T02:00:00Z'),
      files: alphaFiles(),
      staging: { ...alphaStaging(), 'disk-layout/sfdisk-sda.json': sfdiskJson },
    });
    const handle = await harness.open();
    const target = path.join(dir, 'target');
    harness.hereRoots.push(target);
    // The replacement's own system is there already (its dpkg database knows base-files, not less).
    await mkdir(path.join(target, 'var/lib/dpkg'), { recursive: true });
    await writeFile(
      path.join(target, 'var/lib/dpkg/status'),
      'Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.4\n\n',
    );
    const started = await harness.runner.start({
      handle,
      snapshotId: id,
      components: [...components, 'linux.software-inventory'],
      target: { kind: 'folder', path: target },
    });
    expect(started).toMatchObject({
      kind: 'restore',
      state: 'running',
      hostname: 'alpha',
      targetRoot: target,
    });
    const job = await harness.jobs.wait(started.id);
    expect(job.error).toBeNull();
    expect(job.state).toBe('completed');
    const phases = [...new Set(harness.notifications.map((n) => n.job.phase))];
    expect(phases).toEqual(['prepare', 'restore', 'verify', 'post-restore', 'done']);

    expect(await readFile(path.join(target, 'etc/hostname'), 'utf8')).toBe('alpha\n');
    expect(await readFile(path.join(target, 'boot/config-6.1.0-26-amd64'), 'utf8')).toContain('EXT4');
    await expect(stat(path.join(target, '.backup-manager'))).rejects.toMatchObject({ code: 'ENOENT' });
    // The root filesystem maps to the one mounted at the target; /boot has no filesystem here: left, to edit.
    const fstab = await readFile(path.join(target, 'etc/fstab'), 'utf8');
    expect(fstab).toContain(`UUID=${newRootUuid} /     ext4`);
    expect(fstab).toContain(`UUID=${oldBootUuid} /boot`);
    // Rewritten through a new file (created 0600), yet with the restored file's mode.
    expect((await stat(path.join(target, 'etc/fstab'))).mode & 0o777).toBe(0o644);

    expect(job.verification).toMatchObject({ filesChecked: 4, mismatches: [] });
    expect(job.failures).toEqual([]);
    const status = Object.fromEntries(job.checklist.map((item) => [item.id, item.status]));
    expect(status).toMatchObject({
      'restored-files': 'done',
      verification: 'done',
      'uuid-remap': 'todo',
      'disk-layout-script': 'done',
      'boot-repair': expect.any(String),
    });
    const remap = job.checklist.find((item) => item.id === 'uuid-remap');
    expect(remap?.detail).toContain('/etc/fstab (1)');
    expect(remap?.detail).toContain(`/etc/fstab:3 (UUID ${oldBootUuid}`);
    const packages = job.checklist.find((item) => item.id === 'packages');
    expect(packages).toMatchObject({
      status: 'todo',
      detail: expect.stringContaining('1 of 2 recorded packages'),
    });
    expect(packages?.detail).toContain('apt-get install');
    expect(packages?.detail).toContain(': less.');

    const report = await readJobReport(harness.stateDir, job.id);
    expect(report).toMatchObject({ job, includePaths: ['/boot', '/etc'], apply: null });
    expect(report?.plan?.uuidRemap.entries.map((e) => e.to)).toContain(newRootUuid);
    const script = report?.diskLayoutScriptFile ?? '';
    expect(script).toBe(path.join(harness.stateDir, 'restore-jobs', `${job.id}-disk-layout.sh`));
    expect((await stat(script)).mode & 0o777).toBe(0o600);
    expect(await readFile(script, 'utf8')).toMatch(/^#!\/bin\/bash/);
  });

  it('announces progress at most 10 times a second and can be cancelled in the middle (CANCELLED)', async () => {
    const bulk = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [
        `etc/bulk/f${String(i).padStart(3, '0')}`,
        randomBytes(96 * 1024),
      ]),
    );
    const { id } = await harness.repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-20T02:00:00Z'),
      files: alphaFiles(bulk),
      staging: alphaStaging(),
    });
    const handle = await harness.open();
    const full = await harness.runner.start({
      handle,
      snapshotId: id,
      components,
      target: { kind: 'folder', path: path.join(dir, 'full') },
      remapUuids: false,
    });
    const done = await harness.jobs.wait(full.id);
    expect(done.state).toBe('completed');
    expect(done.verification?.filesChecked).toBe(304);
    const ofJob = harness.notifications.filter((n) => n.job.id === full.id);
    const restoring = ofJob.filter((n) => n.job.phase === 'restore' && n.job.state === 'running');
    // Totals, once known, are the snapshot's entries (300 + 4 files and a symlink); a phase change goes out at
    // once, so a restore faster than one window may show only its first notification.
    expect(restoring.length).toBeGreaterThan(0);
    for (const n of restoring.filter((r) => r.job.progress.filesTotal !== null))
      expect(n.job.progress.filesTotal).toBe(305);
    // Within one phase, two notifications are never closer than the 100 ms window (timers may fire a little late,
    // never early); over the whole job, no second holds more than 10 plus the phase changes.
    for (let i = 1; i < ofJob.length; i++) {
      const [a, b] = [ofJob[i - 1], ofJob[i]];
      if (a && b && a.job.phase === b.job.phase && a.job.state === b.job.state)
        expect(b.at - a.at).toBeGreaterThanOrEqual(95);
    }
    expect(done.checklist.find((i) => i.id === 'uuid-remap')?.status).toBe('todo');

    // Cancel the moment the job announces its restore phase (phase changes go out at once, before the restorer
    // runs): deterministic however fast this machine restores 29 MB.
    const cancelledTarget = path.join(dir, 'cancelled');
    onNotify = (announced) => {
      if (
        announced.targetRoot.endsWith('cancelled') &&
        announced.phase === 'restore' &&
        announced.state === 'running'
      )
        harness.jobs.cancel(announced.id);
    };
    const job = await harness.runner.start({
      handle,
      snapshotId: id,
      components,
      target: { kind: 'folder', path: cancelledTarget },
    });
    const ended = await harness.jobs.wait(job.id);
    expect(ended).toMatchObject({ state: 'cancelled', phase: 'restore', error: { code: 'CANCELLED' } });
    expect(ended.verification).toBeNull();
  });

  it('lists the entry of a damaged blob and ends completed with errors; verification finds only it', async () => {
    const damaged = 'this file is stored in a blob that gets damaged\n';
    const { id } = await harness.repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-20T02:00:00Z'),
      files: alphaFiles({ 'etc/damaged.conf': damaged }),
      staging: alphaStaging(),
    });
    const blobId = createHash('sha256').update(damaged).digest('hex');
    const [location] = harness.repo.repository.index.lookup('data', blobId);
    if (location === undefined) throw new Error('blob not found');
    const pack = path.join(harness.repo.path, 'data', location.packId.slice(0, 2), location.packId);
    await chmod(pack, 0o600);
    const file = await open(pack, 'r+');
    try {
      const at = location.offset + Math.floor(location.length / 2);
      const byte = Buffer.alloc(1);
      await file.read(byte, 0, 1, at);
      byte[0] = (byte[0] ?? 0) ^ 0x40;
      await file.write(byte, 0, 1, at);
    } finally {
      await file.close();
    }
    const handle = await harness.open();
    const started = await harness.runner.start({
      handle,
      snapshotId: id,
      components: ['linux.configuration'],
      target: { kind: 'folder', path: path.join(dir, 'target') },
    });
    const job = await harness.jobs.wait(started.id);
    expect(job.state).toBe('completed-with-errors');
    expect(job.failures).toEqual([
      {
        path: '/etc/damaged.conf',
        code: 'CORRUPT',
        message: expect.stringContaining(location.packId.slice(0, 8)),
      },
    ]);
    expect(job.verification?.mismatches).toEqual([
      { path: '/etc/damaged.conf', reason: expect.stringContaining(`differ from data blob ${blobId}`) },
    ]);
    expect(job.checklist.find((i) => i.id === 'restored-files')?.status).toBe('failed');
    expect(await readFile(path.join(dir, 'target', 'etc', 'hostname'), 'utf8')).toBe('alpha\n');
  });
});

describe('refusals before a job exists', () => {
  it('refuses a target inside the state directory, a wrong hostname and a Windows session on this system', async () => {
    const { id } = await harness.repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-20T02:00:00Z'),
      files: alphaFiles(),
      staging: alphaStaging(),
    });
    const windows = await harness.repo.addSession({
      hostname: 'ws-01',
      time: new Date('2026-11-21T02:00:00Z'),
      files: { 'etc/placeholder': 'x' },
      staging: {
        'machine-manifest.json': JSON.stringify(
          testManifest({
            hostname: 'ws-01',
            os: {
              family: 'windows',
              name: 'Windows Server 2019',
              version: '10.0.17763',
              id: null,
              serverEdition: true,
            },
          }),
        ),
        'components.json': JSON.stringify({
          version: 1,
          components: [{ id: 'windows.registry', title: 'Registry', paths: ['/etc'] }],
        }),
      },
    });
    const handle = await harness.open();
    const attempts = [
      {
        params: {
          snapshotId: id,
          components,
          target: { kind: 'folder' as const, path: path.join(harness.stateDir, 'x') },
        },
        code: 'INVALID_TARGET',
      },
      {
        params: { snapshotId: id, components, target: { kind: 'system' as const, confirmHostname: 'alpha' } },
        code: 'CONFIRMATION_MISMATCH',
      },
      {
        params: {
          snapshotId: windows.id,
          components: ['windows.registry'],
          target: { kind: 'system' as const, confirmHostname: 'beta' },
        },
        code: 'INCOMPATIBLE_SYSTEM',
      },
      {
        params: {
          snapshotId: id,
          components: ['linux.nothing'],
          target: { kind: 'folder' as const, path: path.join(dir, 't') },
        },
        code: 'UNKNOWN_COMPONENT',
      },
    ];
    for (const { params, code } of attempts) {
      await expect(harness.runner.start({ handle, ...params })).rejects.toMatchObject({ code });
      await expect(harness.runner.plan({ handle, ...params })).rejects.toMatchObject({ code });
    }
    expect(harness.jobs.list()).toEqual([]);
    expect(harness.notifications).toEqual([]);
    await expect(stat(path.join(harness.stateDir, 'x'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

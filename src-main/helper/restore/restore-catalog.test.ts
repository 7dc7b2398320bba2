/**
 * The catalog on a real repository written by our engine: System state sessions of several machines (one with a
 * manifest and components record, an older one without, a rollback backup, machines whose manifest is not JSON or
 * not valid), plus a Files snapshot that must not show up. Asked on a machine that is none of them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Id } from '../../engine/ids';
import type { Snapshot } from '../../engine/repository/snapshot';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import { componentsRecordOf } from '../../system-state/manifest/components-record';
import { listMachines, listSessions, rollbackTag, unnamedHost } from './restore-catalog';
import {
  createTestRepository,
  type TestEntry,
  type TestRepository,
  type TestSession,
  testManifest,
} from './testing/restore-test-repository';

let work = '';
let repo: TestRepository;
const sessions: Record<string, { id: Id; snapshot: Snapshot; bytes: number; files: number }> = {};

const alphaFiles: Record<string, TestEntry> = {
  '/etc/fstab': 'UUID=0a1b2c3d-1111-2222-3333-444455556666 / ext4 defaults 0 1\n',
  '/etc/hostname': 'alpha\n',
  '/etc/default/grub': 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n',
  '/etc/localtime': { symlink: '/usr/share/zoneinfo/Europe/Berlin' },
  '/boot/vmlinuz-6.1.0-26-amd64': Buffer.alloc(70_000, 7),
  '/var/spool/cron/crontabs/root': '0 3 * * * /usr/local/bin/nightly\n',
};
const alphaPaths = ['/boot', '/etc', '/var/spool/cron'];
const exportsOfAlpha: Record<string, TestEntry> = {
  'software/dpkg-selections.txt': 'bash\t\t\t\t\tinstall\ncron\t\t\t\t\tinstall\n',
  'software/enabled-units.txt': 'cron.service enabled enabled\n',
  'disk-layout/lsblk.json': '{"blockdevices":[]}\n',
};
const alphaComponents = componentsRecordOf([
  {
    id: 'linux.configuration',
    os: 'linux',
    title: 'System configuration',
    description: '',
    detected: true,
    evidence: [],
    estimate: { bytes: 0, files: 0 },
    paths: ['/etc', '/var/spool/cron'],
  },
  {
    id: 'linux.boot',
    os: 'linux',
    title: 'Boot files',
    description: '',
    detected: true,
    evidence: [],
    estimate: { bytes: 0, files: 0 },
    paths: ['/boot', '/etc/default/grub'],
  },
  {
    id: 'linux.openldap',
    os: 'linux',
    title: 'OpenLDAP directory',
    description: '',
    detected: false,
    evidence: [],
    estimate: { bytes: 0, files: 0 },
    paths: [],
  },
]);

/** Content bytes and regular files the session records (machine files and staging). */
function totalsOf(session: TestSession): { bytes: number; files: number } {
  const entries = [...Object.values(session.files), ...Object.values(session.staging ?? {})];
  const files = entries.filter((e) => typeof e === 'string' || Buffer.isBuffer(e)) as (string | Buffer)[];
  return { bytes: files.reduce((sum, e) => sum + Buffer.byteLength(e), 0), files: files.length };
}

async function add(name: string, session: TestSession): Promise<void> {
  const added = await repo.addSession(session);
  sessions[name] = { ...added, ...totalsOf(session) };
}

beforeAll(async () => {
  work = await makeTempDir('restore-catalog');
  repo = await createTestRepository(work);
  // An older version's session: no manifest, no components record.
  await add('alphaOld', {
    hostname: 'alpha',
    time: new Date('2026-10-01T02:00:00Z'),
    files: alphaFiles,
    paths: alphaPaths,
    staging: exportsOfAlpha,
  });
  await add('alphaNew', {
    hostname: 'alpha',
    time: new Date('2026-11-01T02:00:00Z'),
    files: { ...alphaFiles, '/etc/hostname': 'alpha (renamed file content)\n' },
    paths: alphaPaths,
    staging: {
      ...exportsOfAlpha,
      'machine-manifest.json': JSON.stringify(testManifest({ hostname: 'alpha' })),
      'components.json': JSON.stringify(alphaComponents),
    },
  });
  // The rollback backup an apply took: the files it overwrote only, no staging.
  await add('alphaRollback', {
    hostname: 'alpha',
    time: new Date('2026-11-02T09:30:00Z'),
    files: { '/etc/fstab': alphaFiles['/etc/fstab'] as string },
    paths: ['/etc'],
    tags: ['system-state', rollbackTag],
  });
  await add('alphaFiles', {
    hostname: 'alpha',
    time: new Date('2026-11-03T00:00:00Z'),
    files: { '/home/user/notes.txt': 'not System state\n' },
    tags: ['files'],
  });
  await add('beta', {
    hostname: 'beta',
    time: new Date('2026-10-15T02:00:00Z'),
    files: { '/etc/hostname': 'beta\n' },
    staging: { 'machine-manifest.json': '{"version": 1, "hostname": "beta", ' },
  });
  await add('delta', {
    hostname: 'delta',
    time: new Date('2026-09-01T02:00:00Z'),
    files: { '/etc/hostname': 'delta\n' },
    staging: { 'machine-manifest.json': JSON.stringify({ ...testManifest(), arch: undefined }) },
  });
  await add('unnamed', {
    hostname: '',
    time: new Date('2026-08-01T02:00:00Z'),
    files: { '/etc/hostname': '\n' },
  });
}, 120_000);

afterAll(async () => {
  await repo?.repository.backend.close();
  await removeTempDir(work);
});

describe('listMachines', () => {
  it('lists every machine with System state sessions, most recent first, whatever this machine is called', async () => {
    const machines = await listMachines(repo.repository, 'gamma');
    expect(machines.map((m) => m.hostname)).toEqual(['alpha', 'beta', 'delta', unnamedHost]);
    expect(machines.every((m) => !m.isThisMachine)).toBe(true);
    expect(machines[0]).toEqual({
      hostname: 'alpha',
      isThisMachine: false,
      // The Files snapshot is not a session of the wizard.
      sessions: 3,
      latestTime: sessions.alphaRollback?.snapshot.time,
      // From the newest session that has a manifest of the machine (a rollback backup records none).
      os: { family: 'linux', name: 'Debian GNU/Linux', version: '12 (bookworm)' },
      arch: 'x86_64',
      bootMode: 'uefi',
    });
  });

  it('describes a machine whose manifest is not JSON, or not valid, with nulls instead of failing', async () => {
    const machines = await listMachines(repo.repository, 'gamma');
    for (const hostname of ['beta', 'delta', unnamedHost])
      expect(machines.find((m) => m.hostname === hostname)).toMatchObject({
        sessions: 1,
        os: null,
        arch: null,
        bootMode: null,
      });
  });

  it('marks this machine, comparing hostnames without case', async () => {
    const machines = await listMachines(repo.repository, 'ALPHA');
    expect(machines.filter((m) => m.isThisMachine).map((m) => m.hostname)).toEqual(['alpha']);
  });
});

describe('listSessions', () => {
  it("lists one machine's sessions newest first, with size, files, components and the rollback mark", async () => {
    const listed = await listSessions(repo.repository, 'alpha');
    expect(listed.map((s) => s.snapshotId)).toEqual([
      sessions.alphaRollback?.id,
      sessions.alphaNew?.id,
      sessions.alphaOld?.id,
    ]);
    const [rollback, newest, oldest] = listed;
    expect(newest).toEqual({
      snapshotId: sessions.alphaNew?.id,
      shortId: sessions.alphaNew?.id.slice(0, 8),
      time: sessions.alphaNew?.snapshot.time,
      hostname: 'alpha',
      sizeBytes: sessions.alphaNew?.bytes,
      files: sessions.alphaNew?.files,
      // As recorded: the detected components only.
      components: [
        { id: 'linux.configuration', title: 'System configuration', paths: ['/etc', '/var/spool/cron'] },
        { id: 'linux.boot', title: 'Boot files', paths: ['/boot', '/etc/default/grub'] },
      ],
      rollback: false,
    });
    expect(sessions.alphaNew?.files).toBe(10);
    // No record: derived from the recorded paths, the tree and the exports.
    expect(oldest).toMatchObject({ sizeBytes: sessions.alphaOld?.bytes, files: 8, rollback: false });
    expect(oldest?.components).toEqual([
      { id: 'linux.configuration', title: 'System configuration', paths: ['/etc', '/var/spool/cron'] },
      { id: 'linux.boot', title: 'Boot files', paths: ['/boot', '/etc/default/grub'] },
      { id: 'linux.disk-layout', title: 'Disk layout', paths: ['/etc/fstab'] },
      { id: 'linux.software-inventory', title: 'Software inventory', paths: [] },
    ]);
    expect(rollback).toMatchObject({ rollback: true, files: 1, sizeBytes: sessions.alphaRollback?.bytes });
    expect(rollback?.components.map((c) => c.id)).toEqual(['linux.configuration', 'linux.disk-layout']);
  });

  it('gives [] for a machine without sessions, and finds snapshots without a hostname under their stand-in name', async () => {
    expect(await listSessions(repo.repository, 'gamma')).toEqual([]);
    expect((await listSessions(repo.repository, unnamedHost)).map((s) => s.snapshotId)).toEqual([
      sessions.unnamed?.id,
    ]);
  });

  it('computes sizes and components once per repository: listing again reads no tree', async () => {
    await listSessions(repo.repository, 'alpha');
    const readBlob = vi.spyOn(repo.repository, 'readBlob');
    try {
      const again = await listSessions(repo.repository, 'alpha');
      expect(again.map((s) => s.files)).toEqual([1, 10, 8]);
      expect(readBlob).not.toHaveBeenCalled();
    } finally {
      readBlob.mockRestore();
    }
  });
});

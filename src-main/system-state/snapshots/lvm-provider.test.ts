import { describe, expect, it } from 'vitest';
import type { RecordedCommand } from '../command-runner/recorded-command-runner';
import { RecordedCommandRunner, readFixture } from '../command-runner/recorded-command-runner';
import { parseLogicalVolumes, parseVolumeGroups } from '../platform/linux/lvm-report';
import { LvmProvider, lvsArgv, snapshotExtents, vgsArgv } from './lvm-provider';
import { sweepOrphans } from './snapshot-provider';

// Device-mapper is not available on these machines: LVM is tested with outputs recorded from real runs (see
// fixtures/linux/SOURCES.md), including lvm2 2.03.16 on Debian 12 with a loop-device volume group.
const dir = new URL('../fixtures/linux/', import.meta.url);
const fixture = (name: string) => readFixture(dir, name);
const location = '/srv/snapshot-location';
const mountPoint = `${location}/backup-manager/mnt/bm-s1`;

const originListing: RecordedCommand = {
  argv: lvsArgv('bmtestvg/root'),
  answer: { exitCode: 0, stdout: fixture('lvs-json-units-b.bmtestvg-root-tagged-debian12.txt') },
};
const groupWithFreeExtents: RecordedCommand = {
  argv: vgsArgv('bmtestvg'),
  answer: { exitCode: 0, stdout: fixture('vgs-json-units-b.bmtestvg-39-free-extents-debian12.txt') },
};
const lvcreateArgv = [
  'lvcreate',
  '--snapshot',
  '--extents',
  '10',
  '--name',
  'bm-s1',
  '--addtag',
  'backup-manager',
  '--addtag',
  'bm-session-s1',
  'bmtestvg/root',
] as const;
/** The avocado log's stdout line without the harness's "HH:MM:SS DEBUG| [stdout]" prefix. */
const lvcreateCreated = fixture('lvcreate-snapshot.created-avocado-log-prefixed.txt')
  .split('\n')
  .filter((l) => l.includes('[stdout]'))
  .map((l) => l.replace(/^.*\[stdout\]/, ''))
  .join('\n');

describe('LVM report parsing (recorded outputs)', () => {
  it('reads free extents and their size from vgs JSON in bytes and in human units', () => {
    expect(parseVolumeGroups(fixture('vgs-json-units-b.bmtestvg-39-free-extents-debian12.txt'))).toEqual([
      {
        name: 'bmtestvg',
        sizeBytes: 205520896,
        freeBytes: 39 * 4194304,
        extentSizeBytes: 4194304,
        extentCount: 49,
        freeExtents: 39,
      },
    ]);
    expect(parseVolumeGroups(fixture('vgs-o-vg_all-json.vgtest-no-free-extents-rescuezilla.txt'))).toEqual([
      {
        name: 'vgtest',
        sizeBytes: 1069547520,
        freeBytes: 0,
        extentSizeBytes: 4194304,
        extentCount: 255,
        freeExtents: 0,
      },
    ]);
    expect(parseVolumeGroups(fixture('vgs-json-units-b.no-volume-groups-debian12.txt'))).toEqual([]);
  });
  it('reads logical volumes with their origin and tags', () => {
    expect(parseLogicalVolumes(fixture('lvs-o-lv_all-json.vgtest-lvtest-rescuezilla.txt'))[0]).toMatchObject({
      name: 'lvtest',
      vgName: 'vgtest',
      sizeBytes: 1069547520,
      attr: '-wi-a-----',
      origin: '',
      tags: [],
    });
    expect(
      parseLogicalVolumes(fixture('lvs-json-units-b.bmtestvg-root-tagged-debian12.txt'))[0],
    ).toMatchObject({
      name: 'root',
      sizeBytes: 41943040,
      tags: ['bm-test'],
    });
  });
  it('sizes the snapshot to the free extents, capped at the origin size', () => {
    const [group] = parseVolumeGroups(fixture('vgs-json-units-b.bmtestvg-39-free-extents-debian12.txt'));
    const [origin] = parseLogicalVolumes(fixture('lvs-json-units-b.bmtestvg-root-tagged-debian12.txt'));
    expect(snapshotExtents(origin!, group!)).toBe(10); // 40 MiB origin = 10 extents, 39 free
    expect(snapshotExtents({ ...origin!, sizeBytes: 1024 ** 3 }, group!)).toBe(39); // bigger origin: all free
    const [full] = parseVolumeGroups(fixture('vgs-o-vg_all-json.vgtest-no-free-extents-rescuezilla.txt'));
    expect(() => snapshotExtents(origin!, full!)).toThrow(
      expect.objectContaining({ code: 'INSUFFICIENT_SPACE' }),
    );
  });
});

describe('LvmProvider (recorded outputs)', () => {
  it('creates a tagged snapshot sized to the free extents and mounts it read-only', async () => {
    const runner = new RecordedCommandRunner([
      originListing,
      groupWithFreeExtents,
      { argv: lvcreateArgv, answer: { exitCode: 0, stdout: lvcreateCreated } },
      { argv: ['mount', '-o', 'ro', '/dev/bmtestvg/bm-s1', mountPoint], answer: { exitCode: 0 } },
    ]);
    const handle = await new LvmProvider(runner).create({
      sessionId: 's1',
      source: 'bmtestvg/root',
      location,
    });
    expect(handle).toMatchObject({
      provider: 'lvm',
      id: 'bmtestvg/bm-s1',
      sessionId: 's1',
      path: mountPoint,
    });
    expect(runner.unused()).toEqual([]);
  });

  it('reports the real lvcreate failure (no device-mapper) as SNAPSHOT_FAILED with the tool message', async () => {
    const runner = new RecordedCommandRunner([
      originListing,
      groupWithFreeExtents,
      {
        argv: lvcreateArgv,
        answer: {
          exitCode: 3,
          stderr: fixture('lvcreate-snapshot.dm-unavailable-exit3-debian12.stderr.txt'),
        },
      },
    ]);
    const error = await new LvmProvider(runner)
      .create({ sessionId: 's1', source: 'bmtestvg/root', location })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SNAPSHOT_FAILED' });
    expect((error as Error).message).toContain(
      'snapshot: Required device-mapper target(s) not detected in your kernel.',
    );
  });

  it('refuses before running lvcreate when the volume group has no free extent', async () => {
    const runner = new RecordedCommandRunner([
      {
        argv: lvsArgv('vgtest/lvtest'),
        answer: { exitCode: 0, stdout: fixture('lvs-o-lv_all-json.vgtest-lvtest-rescuezilla.txt') },
      },
      {
        argv: vgsArgv('vgtest'),
        answer: { exitCode: 0, stdout: fixture('vgs-o-vg_all-json.vgtest-no-free-extents-rescuezilla.txt') },
      },
    ]);
    await expect(
      new LvmProvider(runner).create({ sessionId: 's1', source: 'vgtest/lvtest', location }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_SPACE' });
    expect(runner.calls.map((c) => c.argv[0])).toEqual(['lvs', 'vgs']);
  });

  it('reports a tool that is not installed as TOOL_MISSING', async () => {
    const runner = new RecordedCommandRunner([{ argv: lvsArgv('bmtestvg/root'), answer: { missing: true } }]);
    await expect(
      new LvmProvider(runner).create({ sessionId: 's1', source: 'bmtestvg/root', location }),
    ).rejects.toMatchObject({
      code: 'TOOL_MISSING',
    });
  });

  it('checks availability, treats an overflowed snapshot as unavailable, and sweeps orphans by tag', async () => {
    const listing = fixture('constructed-lvs-json-units-b.bmtestvg-session-snapshots.txt');
    const emptyListing = fixture('lvs-json-units-b.tag-backup-manager-none-debian12.txt');
    const [s1, crashed] = parseLogicalVolumes(listing);
    // A one-row report in lvs's own layout, cut from the listing above.
    const only = (name: string) =>
      listing
        .split('\n')
        .filter((line) => !line.includes('"lv_name"') || line.includes(`"lv_name":"${name}"`))
        .join('\n')
        .replace(/},\n(\s*\])/, '}\n$1');
    const crashedMount = `${location}/backup-manager/mnt/bm-crashed`;
    const notMounted = { exitCode: 32, stderr: fixture('umount.not-mounted-exit32-debian12.txt') };
    const runner = new RecordedCommandRunner([
      { argv: lvsArgv('bmtestvg/bm-s1'), answer: { exitCode: 0, stdout: only('bm-s1') } },
      { argv: lvsArgv('bmtestvg/bm-crashed'), answer: { exitCode: 0, stdout: only('bm-crashed') } },
      { argv: lvsArgv('@backup-manager'), answer: { exitCode: 0, stdout: listing }, repeat: true },
      { argv: ['umount', crashedMount], answer: notMounted },
      { argv: lvsArgv('@bm-session-crashed'), answer: { exitCode: 0, stdout: only('bm-crashed') } },
      { argv: ['lvremove', '--yes', 'bmtestvg/bm-crashed'], answer: { exitCode: 0 } },
      // Deleting again: nothing mounted, nothing tagged with the session: no lvremove.
      { argv: ['umount', crashedMount], answer: notMounted },
      { argv: lvsArgv('@bm-session-crashed'), answer: { exitCode: 0, stdout: emptyListing } },
    ]);
    const provider = new LvmProvider(runner);
    const [h1, h2] = await provider.list(location);
    expect(h1).toMatchObject({ sessionId: 's1', id: 'bmtestvg/bm-s1', source: 'bmtestvg/root' });
    expect(h2).toMatchObject({ sessionId: 'crashed', id: 'bmtestvg/bm-crashed', path: crashedMount });
    expect(s1?.attr).toBe('swi-a-s---');
    expect(crashed?.attr).toBe('swi-I-s---');
    expect(await provider.isAvailable(h1!)).toMatchObject({ available: true });
    const overflowed = await provider.isAvailable(h2!);
    expect(overflowed.available).toBe(false);
    expect(overflowed.evidence[0]).toContain('overflowed');

    const swept = await sweepOrphans(provider, location, (id) => id === 's1');
    expect(swept.deleted.map((h) => h.id)).toEqual(['bmtestvg/bm-crashed']);
    expect(swept.kept.map((h) => h.id)).toEqual(['bmtestvg/bm-s1']);
    await provider.delete(h2!); // idempotent
    expect(runner.calls.filter((c) => c.argv[0] === 'lvremove')).toHaveLength(1);
  });
});

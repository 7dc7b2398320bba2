/**
 * Timestamps ext4 cannot store but other filesystems can (tmpfs, btrfs, xfs keep 64-bit seconds): before 1901,
 * after 2446, and beyond restic's year range 0–9999, where restic 0.14's FixTime clamps the year. Compared with
 * the real restic in UTC and in Europe/Berlin (local mean time +00:53:28 before 1893, rule-based DST in the far
 * future). The fixture lives on /dev/shm (tmpfs) for that reason.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resticOk } from '../testing/restic-cli';
import { setTimes } from './testing/fixture-tools';
import { backup, encodeSnapshotTrees, fetchResticTrees, snapshotTree } from './testing/snapshot-trees';
import { loadNamedZone } from './time/local-zone';
import { TimeZone } from './time/zone';
import { decodeTree } from './tree-codec';

const extremeTimes: Array<[string, bigint, number]> = [
  ['y1800-berlin-lmt', -5_364_662_400n, 250_000_000],
  ['y0000-start', -62_167_219_200n, 0],
  ['y-0001-end', -62_167_219_201n, 999_999_999],
  ['y-0100', -65_322_000_000n, 1],
  ['y3000', 32_503_680_000n, 0],
  ['y3000-summer', 32_517_936_000n, 42],
  ['y9999-end', 253_402_300_799n, 0],
  ['y10000-start', 253_402_300_800n, 0],
  ['y10004-feb-29', 253_533_672_000n, 0],
  ['y12000', 316_516_000_000n, 123],
  ['y36812', 1_099_511_627_776n, 0],
];

let work: string;
let repo: string;
const snapshots = new Map<string, { rootId: string; trees: Map<string, Buffer> }>();

const zones: Array<[string, () => TimeZone]> = [
  ['UTC', () => TimeZone.utc()],
  [
    'Europe/Berlin',
    () => {
      const zone = loadNamedZone('Europe/Berlin');
      if (zone === undefined) throw new Error('Europe/Berlin is not installed (package tzdata)');
      return zone;
    },
  ],
];

beforeAll(async () => {
  work = await mkdtemp('/dev/shm/bm-extreme-times-');
  repo = path.join(work, 'repo');
  const data = path.join(work, 'data');
  await mkdir(data);
  for (const [name, sec, nsec] of extremeTimes) {
    await writeFile(path.join(data, name), name);
    setTimes(path.join(data, name), sec, nsec);
  }
  setTimes(data, -9_000_000_000n, 0);
  await resticOk(['init'], { repo });
  for (const [tz] of zones) {
    const snapshotId = await backup(repo, work, 'data', tz);
    const rootId = await snapshotTree(repo, snapshotId);
    snapshots.set(tz, { rootId, trees: await fetchResticTrees(repo, rootId) });
  }
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.each(zones)('extreme timestamps, TZ=%s', (tz, zone) => {
  it('are written exactly as restic writes them (same tree bytes, same root tree ID)', async () => {
    const restic = snapshots.get(tz);
    if (restic === undefined) throw new Error('backup missing');
    // Precondition: the filesystem kept the times (tmpfs does); otherwise this test would prove little.
    const stored = decodeTree(restic.trees.get('/data') ?? Buffer.alloc(0));
    expect(stored.map((n) => n.name.toString())).toEqual(extremeTimes.map(([name]) => name).sort());

    const ours = await encodeSnapshotTrees(work, 'data', zone());
    for (const [key, theirs] of restic.trees) {
      expect(ours.trees.get(key)?.bytes.toString('utf8'), `tree of ${key}`).toBe(theirs.toString('utf8'));
    }
    expect(ours.rootId).toBe(restic.rootId);
  });
});

describe('restic’s clamping of years outside 0–9999 (FixTime)', () => {
  it('keeps month, day and clock, and normalizes 29 February', () => {
    const mtimes = new Map(
      decodeTree(snapshots.get('UTC')?.trees.get('/data') ?? Buffer.alloc(0)).map((n) => [
        n.name.toString(),
        n.mtime,
      ]),
    );
    const text = (name: string) => {
      const t = mtimes.get(name);
      if (t === undefined) throw new Error(`${name} missing`);
      return new Date(Number(t.sec) * 1000).toISOString();
    };
    expect(text('y10004-feb-29')).toBe('9999-03-01T12:00:00.000Z');
    expect(text('y-0001-end').slice(0, 10)).toBe('0000-12-31');
    expect(text('y12000').slice(0, 4)).toBe('9999');
  });
});

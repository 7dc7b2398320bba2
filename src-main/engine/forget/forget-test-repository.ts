/**
 * Tests only: a repository with a few hundred snapshots at chosen times for comparing retention decisions with
 * the real restic. One real backup gives a tree every snapshot reuses (so `restic check` passes); the others are
 * snapshot files written directly. Times come from a seeded generator, in several UTC offsets, with nanoseconds,
 * and with the calendar boundaries that matter (ISO week 53, New Year in another offset, a future snapshot), all
 * at distinct instants so that restic's order (stable on an unstable input order) is fully determined.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { backup } from '../archiver/archiver';
import { LocalBackend } from '../backend/local-backend';
import { parseChunkerPolynomial } from '../chunker/chunker-polynomial';
import { Repository } from '../repository/repository';
import type { Snapshot } from '../repository/snapshot';
import { testPassword } from '../testing/restic-cli';
import { formatGoTime, parseGoTime } from '../tree/time/rfc3339';
import { TimeZone } from '../tree/time/zone';

export interface ForgetTestRepository {
  repo: string;
  repository: Repository;
  /** How many snapshots were written, the backup's included. */
  count: number;
}

/** mulberry32: small, seeded, good enough to scatter times. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Go's text for an instant shown in a given offset (minutes east of UTC). */
export function goTimeText(ms: number, offsetMinutes: number, subMillisecondNanos = 0): string {
  const sec = BigInt(Math.floor(ms / 1000));
  const nsec = (ms % 1000) * 1_000_000 + subMillisecondNanos;
  return formatGoTime({ sec, nsec, zoneOffset: offsetMinutes * 60 }, TimeZone.utc());
}

function instantKey(time: string): string {
  const { sec, nsec } = parseGoTime(time);
  return `${sec}.${nsec}`;
}

const offsets = [0, 120, -300, 330, 60, -600, 540];
const hour = 3_600_000;

/** Fixed boundary cases (host alpha, paths /etc): week 53, offsets that move the day/week/year, the future. */
const boundaryTimes = [
  '2020-12-31T23:59:59.999999999Z',
  '2021-01-03T23:30:00-05:00', // Sunday (week 53 of 2020) locally, Monday (week 1 of 2021) in UTC
  '2021-01-04T00:30:00+02:00', // Monday locally, Sunday in UTC
  '2021-12-31T23:30:00-05:00', // 2021 locally, 2022 in UTC
  '2022-01-01T00:10:00+05:30', // 2022 locally, 2021 in UTC
  '2021-02-28T23:00:00-02:00',
  '2090-01-01T00:00:00Z', // in the future: never the anchor of --keep-within
];

/**
 * Host "dst", Berlin offsets: six months before the newest (summer) is 11:00Z when the newest is read as Berlin
 * local time (TZ=Europe/Berlin) but 10:00Z when it is a fixed +02:00 (TZ=UTC), so `--keep-within 6m` keeps the
 * 10:30Z snapshot only in UTC.
 */
export const dstTimes = [
  '2022-07-01T12:00:00+02:00',
  '2022-01-01T12:30:00+01:00',
  '2022-01-01T11:30:00+01:00',
  '2022-01-01T10:45:00+01:00',
];

export async function createForgetTestRepository(dir: string): Promise<ForgetTestRepository> {
  const repo = path.join(dir, 'repo');
  const source = path.join(dir, 'source');
  await mkdir(source, { recursive: true });
  await writeFile(path.join(source, 'fstab'), 'UUID=1234 / ext4 defaults 0 1\n');
  const repository = await Repository.init(new LocalBackend(repo), testPassword, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
  const { snapshot: first } = await backup(repository, {
    paths: [source],
    workers: 0,
    hostname: 'gamma',
    tags: ['initial'],
    time: new Date('2021-03-14T15:09:26.535Z'),
  });

  const random = seededRandom(20_221_014);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const seen = new Set<string>([instantKey(first.time)]);
  const snapshots: Snapshot[] = [];
  const add = (time: string, hostname: string | undefined, paths: string[], tags: string[]) => {
    const instant = instantKey(time);
    if (seen.has(instant)) return; // equal instants would leave restic's order to chance
    seen.add(instant);
    snapshots.push({
      time,
      tree: first.tree,
      paths,
      ...(hostname ? { hostname } : {}),
      ...(tags.length ? { tags } : {}),
    });
  };
  const series = (
    count: number,
    startIso: string,
    maxStepHours: number,
    hostname: string | undefined,
    paths: string[],
    tagChoices: readonly string[][],
  ) => {
    let ms = Date.parse(startIso);
    for (let i = 0; i < count; i++) {
      ms += Math.floor((1 + random() * maxStepHours) * hour);
      const nanos = random() < 0.5 ? 0 : Math.floor(random() * 1_000_000);
      add(goTimeText(ms, pick(offsets), nanos), hostname, paths, pick(tagChoices));
    }
  };

  series(
    160,
    '2020-10-01T00:00:00Z',
    120,
    'alpha',
    ['/etc'],
    [[], ['daily'], ['system-state', 'manual'], ['manual']],
  );
  series(40, '2021-06-01T00:00:00Z', 200, 'alpha', ['/home', '/etc'], [[], ['manual', 'daily']]);
  series(80, '2020-12-20T00:00:00Z', 60, 'beta', ['/etc'], [['system-state'], ['weekly', 'system-state']]);
  series(6, '2021-01-01T00:00:00Z', 500, undefined, ['/srv'], [[]]);
  for (const time of boundaryTimes) add(time, 'alpha', ['/etc'], []);
  for (const time of dstTimes) add(time, 'dst', ['/etc'], ['dst']);
  for (const snapshot of snapshots) await repository.saveSnapshot(snapshot);
  return { repo, repository, count: snapshots.length + 1 };
}

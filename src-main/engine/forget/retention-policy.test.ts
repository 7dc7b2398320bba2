import { describe, expect, it } from 'vitest';
import { idOf } from '../ids';
import type { Snapshot } from '../repository/snapshot';
import { TimeZone } from '../tree/time/zone';
import type { SnapshotEntry } from './apply-keep-rules';
import { forgetGroupsJson } from './forget-json';
import { describeKeepRules } from './keep-rules';
import { formatRetentionDuration, parseRetentionDuration } from './retention-duration';
import { applyPolicy, systemStateRetentionPolicy } from './retention-policy';
import { parseGrouping } from './snapshot-groups';

const tree = idOf(Buffer.from('tree'));
const utc = TimeZone.utc();
const now = new Date('2030-01-01T00:00:00Z');

function entry(time: string, extra: Partial<Snapshot> = {}): SnapshotEntry {
  const snapshot = { time, tree, paths: ['/etc'], ...extra };
  return { id: idOf(Buffer.from(JSON.stringify(snapshot))), snapshot };
}

describe('retention durations (restic ParseDuration)', () => {
  it('parses each unit, keeps the last of a repeated unit, and prints the non-zero parts in order', () => {
    expect(parseRetentionDuration('1y2m3d4h')).toEqual({ years: 1, months: 2, days: 3, hours: 4 });
    expect(parseRetentionDuration(' 4h1y ')).toEqual({ years: 1, months: 0, days: 0, hours: 4 });
    expect(parseRetentionDuration('1d2d').days).toBe(2);
    expect(parseRetentionDuration('-3d').days).toBe(-3);
    expect(formatRetentionDuration(parseRetentionDuration('4h0d1y'))).toBe('1y4h');
    expect(parseRetentionDuration('')).toEqual({ years: 0, months: 0, days: 0, hours: 0 });
  });

  it('rejects what restic rejects, with its messages', () => {
    expect(() => parseRetentionDuration('5')).toThrow('no unit found after number 5');
    expect(() => parseRetentionDuration('5w')).toThrow("invalid unit 'w' found after number 5");
    expect(() => parseRetentionDuration('d')).toThrow('no number found');
    expect(() => parseRetentionDuration('1d 2h')).toThrow('no number found');
  });
});

describe('describeKeepRules (restic ExpirePolicy.String)', () => {
  it('reads like restic', () => {
    expect(describeKeepRules(systemStateRetentionPolicy.keep)).toBe(
      'keep 30 daily, 12 weekly, 12 monthly snapshots',
    );
    expect(
      describeKeepRules({
        last: 2,
        withinDaily: parseRetentionDuration('7d'),
        tags: [['a', 'b'], ['c']],
        within: parseRetentionDuration('1y'),
      }),
    ).toBe(
      'keep 2 latest snapshots, daily snapshots within 7d and all snapshots with tags [[a, b] [c]] and all snapshots within 1y of the newest',
    );
  });
});

describe('applyPolicy: filters and groups', () => {
  const snapshots = [
    entry('2022-01-01T00:00:00Z', { hostname: 'alpha', paths: ['/home', '/etc'], tags: ['z', 'a'] }),
    entry('2022-01-02T00:00:00Z', { hostname: 'alpha', paths: ['/etc', '/home'], tags: ['a', 'z'] }),
    entry('2022-01-03T00:00:00Z', { hostname: 'beta', paths: ['/etc'] }),
    entry('2022-01-04T00:00:00Z', { hostname: 'beta', paths: ['/etc'], tags: ['a'] }),
  ];

  it('groups by host and paths by default (paths compared sorted), each group judged alone', () => {
    const groups = applyPolicy(snapshots, { keep: { last: 1 } }, now, utc);
    expect(groups.map((g) => g.key)).toEqual([
      { hostname: 'alpha', paths: ['/etc', '/home'], tags: null },
      { hostname: 'beta', paths: ['/etc'], tags: null },
    ]);
    expect(groups.map((g) => g.keep.map((k) => k.snapshot.time))).toEqual([
      ['2022-01-02T00:00:00Z'],
      ['2022-01-04T00:00:00Z'],
    ]);
    // restic sorts the paths of every snapshot while grouping (visible in its JSON); tags only by tags.
    expect(groups[0]?.remove[0]?.snapshot).toMatchObject({ paths: ['/etc', '/home'], tags: ['z', 'a'] });
  });

  it('groups by tags (sorted), by nothing, and by combinations', () => {
    const byTags = applyPolicy(snapshots, { keep: { last: 1 }, groupBy: parseGrouping('tags') }, now, utc);
    expect(byTags.map((g) => [g.key, g.keep.length + g.remove.length])).toEqual([
      [{ hostname: '', paths: null, tags: ['a', 'z'] }, 2],
      [{ hostname: '', paths: null, tags: ['a'] }, 1],
      [{ hostname: '', paths: null, tags: null }, 1],
    ]);
    const one = applyPolicy(snapshots, { keep: { last: 1 }, groupBy: parseGrouping('') }, now, utc);
    expect(one).toHaveLength(1);
    expect(one[0]?.remove).toHaveLength(3);
    const hostTags = applyPolicy(
      snapshots,
      { keep: { last: 1 }, groupBy: parseGrouping('host,tag') },
      now,
      utc,
    );
    expect(hostTags).toHaveLength(3);
    expect(() => parseGrouping('host,size')).toThrow("unknown grouping option: 'size'");
  });

  it('considers only snapshots matching --host, --tag and --path; the rest are neither kept nor removed', () => {
    const judged = (filter: Parameters<typeof applyPolicy>[1]['filter']) =>
      applyPolicy(snapshots, { keep: { last: 1 }, filter }, now, utc)
        .flatMap((g) => [...g.keep, ...g.remove])
        .map((e) => e.snapshot.time)
        .sort();
    expect(judged({ hosts: ['beta'] })).toEqual(['2022-01-03T00:00:00Z', '2022-01-04T00:00:00Z']);
    expect(judged({ tags: [['z', 'a']] })).toEqual(['2022-01-01T00:00:00Z', '2022-01-02T00:00:00Z']);
    expect(judged({ tags: [['z'], ['']] })).toEqual([
      '2022-01-01T00:00:00Z',
      '2022-01-02T00:00:00Z',
      '2022-01-03T00:00:00Z',
    ]);
    expect(judged({ paths: ['/home', '/etc'] })).toEqual(['2022-01-01T00:00:00Z', '2022-01-02T00:00:00Z']);
    expect(judged({ hosts: ['alpha', 'beta'], paths: ['/etc'] })).toHaveLength(4);
  });
});

describe('forgetGroupsJson (restic forget --json)', () => {
  it('has restic ForgetGroup fields, null lists when empty, omitempty counters and Go time text', () => {
    const kept = entry('2022-01-02T03:04:05.120000000+02:00', { hostname: 'alpha' });
    const removed = entry('2022-01-02T00:00:00+00:00', { hostname: 'alpha' }); // same day as kept's (+02:00)
    const [group] = forgetGroupsJson(applyPolicy([kept, removed], { keep: { last: 1, daily: 5 } }, now, utc));
    expect(group).toEqual({
      tags: null,
      host: 'alpha',
      paths: ['/etc'],
      keep: [
        {
          ...kept.snapshot,
          time: '2022-01-02T03:04:05.12+02:00',
          id: kept.id,
          short_id: kept.id.slice(0, 8),
        },
      ],
      remove: [
        {
          ...removed.snapshot,
          time: '2022-01-02T00:00:00Z',
          id: removed.id,
          short_id: removed.id.slice(0, 8),
        },
      ],
      reasons: [
        {
          snapshot: { ...kept.snapshot, time: '2022-01-02T03:04:05.12+02:00' },
          matches: ['last snapshot', 'daily snapshot'],
          counters: { daily: 4 },
        },
      ],
    });
    const [onlyRemove] = forgetGroupsJson(applyPolicy([kept], { keep: { tags: [['x']] } }, now, utc));
    expect(onlyRemove).toMatchObject({ keep: null, reasons: null });
    expect(onlyRemove?.remove).toHaveLength(1);
  });
});

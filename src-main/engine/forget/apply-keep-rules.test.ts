import { describe, expect, it } from 'vitest';
import { idOf } from '../ids';
import type { Snapshot } from '../repository/snapshot';
import { loadNamedZone } from '../tree/time/local-zone';
import { TimeZone } from '../tree/time/zone';
import { applyKeepRules, type SnapshotEntry } from './apply-keep-rules';
import type { KeepRules } from './keep-rules';
import { parseRetentionDuration } from './retention-duration';

const tree = idOf(Buffer.from('tree'));
const utc = TimeZone.utc();
const now = new Date('2030-01-01T00:00:00Z');

function entry(time: string, extra: Partial<Snapshot> = {}): SnapshotEntry {
  return {
    id: idOf(Buffer.from(`${time} ${JSON.stringify(extra)}`)),
    snapshot: { time, tree, paths: ['/etc'], ...extra },
  };
}

function decide(times: readonly (string | SnapshotEntry)[], rules: KeepRules, zone = utc, at = now) {
  const entries = times.map((t) => (typeof t === 'string' ? entry(t) : t));
  const { keep, remove } = applyKeepRules(entries, rules, { now: at, localZone: zone });
  return {
    kept: keep.map((k) => k.snapshot.time),
    removed: remove.map((r) => r.snapshot.time),
    matches: keep.map((k) => k.matches),
    counters: keep.map((k) => k.counters),
  };
}

describe('applyKeepRules (restic 0.14 ApplyPolicy)', () => {
  it('keeps the newest snapshot of each of the N newest days, and counts down', () => {
    const result = decide(
      [
        '2022-03-01T08:00:00Z',
        '2022-03-01T20:00:00Z',
        '2022-03-02T09:00:00Z',
        '2022-03-04T10:00:00Z',
        '2022-03-04T11:00:00Z',
        '2022-03-05T00:30:00Z',
      ],
      { daily: 3 },
    );
    expect(result.kept).toEqual(['2022-03-05T00:30:00Z', '2022-03-04T11:00:00Z', '2022-03-02T09:00:00Z']);
    expect(result.removed).toEqual(['2022-03-04T10:00:00Z', '2022-03-01T20:00:00Z', '2022-03-01T08:00:00Z']);
    expect(result.matches).toEqual([['daily snapshot'], ['daily snapshot'], ['daily snapshot']]);
    expect(result.counters.map((c) => c.daily)).toEqual([2, 1, 0]);
  });

  it('buckets by ISO week: 3 January 2021 (a Sunday) is in week 53 of 2020 with 31 December 2020', () => {
    const result = decide(['2020-12-31T12:00:00Z', '2021-01-03T12:00:00Z', '2021-01-04T12:00:00Z'], {
      weekly: 3,
    });
    expect(result.kept).toEqual(['2021-01-04T12:00:00Z', '2021-01-03T12:00:00Z']);
    expect(result.removed).toEqual(['2020-12-31T12:00:00Z']);
    expect(result.counters.at(-1)?.weekly).toBe(1);
  });

  it('puts 31 December 2018 (a Monday) into ISO week 1 of 2019', () => {
    const result = decide(['2018-12-30T12:00:00Z', '2018-12-31T12:00:00Z', '2019-01-06T12:00:00Z'], {
      weekly: 5,
    });
    expect(result.kept).toEqual(['2019-01-06T12:00:00Z', '2018-12-30T12:00:00Z']);
  });

  it('reads days and years in the offset each snapshot recorded, not in UTC or the local zone', () => {
    // 23:30 at -05:00 on New Year's Eve is already 2022 in UTC; restic still counts it as 2021.
    const times = ['2021-12-31T23:30:00-05:00', '2022-01-01T10:00:00Z'];
    expect(decide(times, { yearly: 5 }).kept).toEqual(times.slice().reverse());
    expect(decide(times, { yearly: 5 }, loadNamedZone('Asia/Tokyo') ?? utc).kept).toHaveLength(2);
    // Two snapshots 10 minutes apart in UTC but on different local days (+02:00 crosses midnight).
    const daily = decide(['2022-05-01T23:55:00+02:00', '2022-05-02T00:05:00+02:00'], { daily: 5 });
    expect(daily.kept).toHaveLength(2);
    const sameUtcDayDifferentOffsets = decide(['2022-05-01T22:00:00Z', '2022-05-02T00:30:00+02:00'], {
      daily: 5,
    });
    expect(sameUtcDayDifferentOffsets.kept).toEqual(['2022-05-02T00:30:00+02:00', '2022-05-01T22:00:00Z']);
  });

  it('keeps the last N by position, hourly by hour, monthly and yearly by calendar', () => {
    const times = [
      '2021-06-15T10:10:00Z',
      '2021-06-15T10:50:00Z',
      '2021-06-15T11:05:00Z',
      '2021-07-01T00:00:00Z',
      '2022-01-01T00:00:00Z',
    ];
    expect(decide(times, { last: 2 }).kept).toEqual(['2022-01-01T00:00:00Z', '2021-07-01T00:00:00Z']);
    expect(decide(times, { hourly: 4 }).removed).toEqual(['2021-06-15T10:10:00Z']);
    expect(decide(times, { monthly: 2 }).kept).toEqual(['2022-01-01T00:00:00Z', '2021-07-01T00:00:00Z']);
    const yearly = decide(times, { yearly: 9 });
    expect(yearly.kept).toEqual(['2022-01-01T00:00:00Z', '2021-07-01T00:00:00Z']);
    expect(yearly.counters.map((c) => c.yearly)).toEqual([8, 7]);
  });

  it('lists every matching rule and all counters, rules evaluated together', () => {
    const result = decide(['2022-01-01T00:00:00Z', '2022-01-02T00:00:00Z', '2022-02-01T00:00:00Z'], {
      last: 1,
      daily: 2,
      monthly: 2,
    });
    expect(result.matches).toEqual([
      ['last snapshot', 'daily snapshot', 'monthly snapshot'],
      ['daily snapshot', 'monthly snapshot'],
    ]);
    expect(result.counters[1]).toEqual({ last: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 });
    expect(result.removed).toEqual(['2022-01-01T00:00:00Z']);
  });

  it('orders by the instant with nanoseconds, equal times in their given order', () => {
    const a = entry('2022-01-01T00:00:00.000000002Z');
    const b = entry('2022-01-01T00:00:00.000000001Z');
    const c1 = entry('2022-01-01T01:00:00+01:00', { hostname: 'first' });
    const c2 = entry('2022-01-01T00:00:00Z', { hostname: 'second' });
    const { keep } = applyKeepRules([c1, b, c2, a], { last: 3 }, { now, localZone: utc });
    expect(keep.map((k) => k.id)).toEqual([a.id, b.id, c1.id]);
  });

  it('keeps everything newer than the newest minus --keep-within, strictly after, with calendar months', () => {
    const times = [
      '2022-03-31T12:00:00Z',
      '2022-03-03T12:00:00Z',
      '2022-03-03T12:00:00.5Z',
      '2022-03-02T12:00:00Z',
    ];
    // 31 March minus one month is "31 February", which Go normalizes to 3 March.
    const result = decide(times, { within: parseRetentionDuration('1m') });
    expect(result.kept).toEqual(['2022-03-31T12:00:00Z', '2022-03-03T12:00:00.5Z']);
    expect(result.matches[0]).toEqual(['within 1m']);
    const hours = decide(times, { within: parseRetentionDuration('1m4h') });
    expect(hours.kept).toContain('2022-03-03T12:00:00Z');
    expect(hours.kept).not.toContain('2022-03-02T12:00:00Z');
  });

  it('anchors --keep-within at the newest snapshot that is not in the future', () => {
    const times = [
      '2040-01-01T00:00:00Z',
      '2022-01-10T00:00:00Z',
      '2022-01-05T00:00:00Z',
      '2021-12-01T00:00:00Z',
    ];
    const result = decide(
      times,
      { within: parseRetentionDuration('7d') },
      utc,
      new Date('2023-01-01T00:00:00Z'),
    );
    expect(result.kept).toEqual(['2040-01-01T00:00:00Z', '2022-01-10T00:00:00Z', '2022-01-05T00:00:00Z']);
    // All in the future: the anchor is Go's zero time, so everything is within.
    const future = decide(
      times,
      { within: parseRetentionDuration('1d') },
      utc,
      new Date('2000-01-01T00:00:00Z'),
    );
    expect(future.removed).toEqual([]);
  });

  it('subtracts calendar months in the local zone when the recorded offset is the local one (DST moves it)', () => {
    const berlin = loadNamedZone('Europe/Berlin');
    if (berlin === undefined) throw new Error('Europe/Berlin zone data missing');
    // Newest at 12:00+02:00 (summer). Six months earlier is 12:00 Berlin winter time = 11:00Z when the newest is
    // read as local (Berlin) time, but 12:00+02:00 = 10:00Z for a fixed offset (local zone UTC).
    const times = ['2022-07-01T12:00:00+02:00', '2022-01-01T11:30:00+01:00'];
    const rules = { within: parseRetentionDuration('6m') };
    expect(decide(times, rules, berlin).removed).toEqual(['2022-01-01T11:30:00+01:00']);
    expect(decide(times, rules, utc).removed).toEqual([]);
  });

  it('keeps the newest snapshot per bucket within a duration (--keep-within-daily), without counting', () => {
    const result = decide(
      ['2022-01-10T10:00:00Z', '2022-01-10T08:00:00Z', '2022-01-09T08:00:00Z', '2022-01-07T08:00:00Z'],
      { withinDaily: parseRetentionDuration('2d'), last: 1 },
    );
    expect(result.kept).toEqual(['2022-01-10T10:00:00Z', '2022-01-09T08:00:00Z']);
    expect(result.matches).toEqual([['last snapshot', 'daily within 2d'], ['daily within 2d']]);
  });

  it('keeps tagged snapshots uncounted; an empty tag keeps untagged ones', () => {
    const tagged = entry('2022-01-01T00:00:00Z', { tags: ['a', 'b'] });
    const partly = entry('2022-01-02T00:00:00Z', { tags: ['a'] });
    const untagged = entry('2022-01-03T00:00:00Z');
    const run = (tags: string[][]) =>
      applyKeepRules([tagged, partly, untagged], { tags }, { now, localZone: utc });
    const both = run([['a', 'b'], ['b']]);
    expect(both.keep.map((k) => [k.id, k.matches])).toEqual([
      [tagged.id, ['has tags [a, b]', 'has tags [b]']],
    ]);
    expect(run([['']]).keep.map((k) => k.id)).toEqual([untagged.id]);
    expect(run([['a']]).remove.map((r) => r.id)).toEqual([untagged.id]);
  });

  it('keeps everything with an empty policy ("policy is empty")', () => {
    const result = decide(['2022-01-01T00:00:00Z', '2021-01-01T00:00:00Z'], {
      last: 0,
      within: parseRetentionDuration(''),
    });
    expect(result.removed).toEqual([]);
    expect(result.matches).toEqual([['policy is empty'], ['policy is empty']]);
  });

  it('removes everything a non-empty policy does not match', () => {
    expect(decide(['2022-01-01T00:00:00Z'], { tags: [['x']] }).removed).toHaveLength(1);
  });
});

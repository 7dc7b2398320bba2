import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduleSpec } from '../../helper-protocol/session-model';
import { latestDueAtOrBefore, nextDueAfter } from './schedule-times';

// Node re-reads TZ when it changes at run time; each test file runs in its own process, so this stays here.
const originalTz = process.env.TZ;
function useTimeZone(zone: string): void {
  process.env.TZ = zone;
}
beforeAll(() => useTimeZone('Europe/Berlin'));
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

const daily = (time: string): ScheduleSpec => ({ kind: 'daily', time });
const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Every due instant in [from, to), by repeated nextDueAfter. */
function duesBetween(spec: ScheduleSpec, from: string, to: string): string[] {
  const dues: string[] = [];
  let cursor = new Date(new Date(from).getTime() - 1);
  for (;;) {
    const next = nextDueAfter(spec, cursor);
    if (!next || next >= new Date(to)) return dues;
    dues.push(next.toISOString());
    cursor = next;
  }
}

describe('schedule times (Europe/Berlin)', () => {
  it('a daily schedule is due at the local time every day', () => {
    // 09:00 CET is 08:00 UTC in January.
    expect(iso(nextDueAfter(daily('09:00'), new Date('2024-01-10T07:59:00Z')))).toBe(
      '2024-01-10T08:00:00.000Z',
    );
    expect(iso(nextDueAfter(daily('09:00'), new Date('2024-01-10T08:00:00Z')))).toBe(
      '2024-01-11T08:00:00.000Z',
    );
    expect(iso(latestDueAtOrBefore(daily('09:00'), new Date('2024-01-10T08:00:00Z')))).toBe(
      '2024-01-10T08:00:00.000Z',
    );
    expect(iso(latestDueAtOrBefore(daily('09:00'), new Date('2024-01-10T07:59:59Z')))).toBe(
      '2024-01-09T08:00:00.000Z',
    );
    // 09:00 CEST is 07:00 UTC in July.
    expect(iso(nextDueAfter(daily('09:00'), new Date('2024-07-01T00:00:00Z')))).toBe(
      '2024-07-01T07:00:00.000Z',
    );
  });

  it('a schedule just before midnight and just after it stays on its own local day', () => {
    expect(iso(nextDueAfter(daily('23:59'), new Date('2024-01-10T12:00:00Z')))).toBe(
      '2024-01-10T22:59:00.000Z',
    );
    expect(iso(nextDueAfter(daily('00:00'), new Date('2024-01-10T12:00:00Z')))).toBe(
      '2024-01-10T23:00:00.000Z',
    );
    expect(iso(latestDueAtOrBefore(daily('00:00'), new Date('2024-01-10T22:59:00Z')))).toBe(
      '2024-01-09T23:00:00.000Z',
    );
  });

  it('a weekly schedule is due on its weekdays only', () => {
    // Monday, Wednesday, Friday at 18:30; 2024-01-13 is a Saturday.
    const spec: ScheduleSpec = { kind: 'weekly', weekdays: [1, 3, 5], time: '18:30' };
    expect(duesBetween(spec, '2024-01-13T00:00:00Z', '2024-01-22T00:00:00Z')).toEqual([
      '2024-01-15T17:30:00.000Z',
      '2024-01-17T17:30:00.000Z',
      '2024-01-19T17:30:00.000Z',
    ]);
    // From Saturday, the latest due time is Friday's; from Tuesday morning, Monday's.
    expect(iso(latestDueAtOrBefore(spec, new Date('2024-01-20T10:00:00Z')))).toBe('2024-01-19T17:30:00.000Z');
    expect(iso(latestDueAtOrBefore(spec, new Date('2024-01-16T10:00:00Z')))).toBe('2024-01-15T17:30:00.000Z');
  });

  it('a weekly schedule of one day finds the due time a week away and a week back', () => {
    const sundays: ScheduleSpec = { kind: 'weekly', weekdays: [0], time: '12:00' };
    // 2024-01-14 is a Sunday; just after its noon, the next is a week later.
    expect(iso(nextDueAfter(sundays, new Date('2024-01-14T11:00:00Z')))).toBe('2024-01-21T11:00:00.000Z');
    expect(iso(latestDueAtOrBefore(sundays, new Date('2024-01-21T10:59:59Z')))).toBe(
      '2024-01-14T11:00:00.000Z',
    );
  });

  it('an off schedule is never due', () => {
    expect(nextDueAfter({ kind: 'off' }, new Date())).toBeNull();
    expect(latestDueAtOrBefore({ kind: 'off' }, new Date())).toBeNull();
  });

  it('spring forward: 02:30 does not exist on 2024-03-31, the run is due once, at 03:00 CEST', () => {
    expect(duesBetween(daily('02:30'), '2024-03-30T00:00:00Z', '2024-04-02T00:00:00Z')).toEqual([
      '2024-03-30T01:30:00.000Z', // 02:30 CET
      '2024-03-31T01:00:00.000Z', // 03:00 CEST: the clock jumped from 02:00 CET straight to it
      '2024-04-01T00:30:00.000Z', // 02:30 CEST
    ]);
    expect(iso(latestDueAtOrBefore(daily('02:30'), new Date('2024-03-31T01:30:00Z')))).toBe(
      '2024-03-31T01:00:00.000Z',
    );
    // A time outside the skipped hour is not moved.
    expect(iso(nextDueAfter(daily('03:00'), new Date('2024-03-31T00:00:00Z')))).toBe(
      '2024-03-31T01:00:00.000Z',
    );
    expect(iso(nextDueAfter(daily('01:59'), new Date('2024-03-30T12:00:00Z')))).toBe(
      '2024-03-31T00:59:00.000Z',
    );
  });

  it('fall back: 02:30 happens twice on 2024-10-27, the run is due once, at the first', () => {
    expect(duesBetween(daily('02:30'), '2024-10-26T00:00:00Z', '2024-10-29T00:00:00Z')).toEqual([
      '2024-10-26T00:30:00.000Z', // 02:30 CEST
      '2024-10-27T00:30:00.000Z', // the first 02:30 (CEST); 01:30Z is the second (CET)
      '2024-10-28T01:30:00.000Z', // 02:30 CET
    ]);
    // At the second 02:30 the latest due time is still the first one, so no second run is claimed.
    expect(iso(latestDueAtOrBefore(daily('02:30'), new Date('2024-10-27T01:30:00Z')))).toBe(
      '2024-10-27T00:30:00.000Z',
    );
  });

  it('a weekly Sunday run on both DST Sundays is due once each', () => {
    const sundays: ScheduleSpec = { kind: 'weekly', weekdays: [0], time: '02:30' };
    expect(duesBetween(sundays, '2024-03-30T00:00:00Z', '2024-04-01T00:00:00Z')).toEqual([
      '2024-03-31T01:00:00.000Z',
    ]);
    expect(duesBetween(sundays, '2024-10-26T00:00:00Z', '2024-10-28T00:00:00Z')).toEqual([
      '2024-10-27T00:30:00.000Z',
    ]);
  });

  it('over a whole leap year, a daily run is due 366 times, 23.5 to 25 hours apart', () => {
    const dues = duesBetween(daily('02:30'), '2023-12-31T23:00:00Z', '2024-12-31T23:00:00Z');
    expect(dues).toHaveLength(366);
    const gapsInHours = new Set(
      dues.slice(1).map((due, index) => (Date.parse(due) - Date.parse(dues[index] ?? '')) / 3_600_000),
    );
    // 23.5 h into and out of the 03:00 of the spring-forward day; 25 h after the first 02:30 of the fall-back day.
    expect([...gapsInHours].sort()).toEqual([23.5, 24, 25]);
  });
});

describe('schedule times (Australia/Lord_Howe, a 30-minute DST shift)', () => {
  beforeAll(() => useTimeZone('Australia/Lord_Howe'));
  afterAll(() => useTimeZone('Europe/Berlin'));

  it('02:15 on the spring-forward day (02:00 → 02:30) is due at 02:30 local', () => {
    // 2024-10-06: at 02:00 +10:30 the clock jumps to 02:30 +11:00, i.e. 15:30 UTC the day before.
    expect(iso(nextDueAfter(daily('02:15'), new Date('2024-10-05T12:00:00Z')))).toBe(
      '2024-10-05T15:30:00.000Z',
    );
    expect(iso(nextDueAfter(daily('02:15'), new Date('2024-10-05T15:30:00Z')))).toBe(
      '2024-10-06T15:15:00.000Z',
    );
  });
});

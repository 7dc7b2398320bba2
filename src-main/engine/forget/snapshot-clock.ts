/**
 * A snapshot's time as restic 0.14 holds it after reading the snapshot file: Go's `time.Time` from
 * `time.Parse(RFC3339)`. That matters for retention in two ways:
 * - The calendar fields restic buckets by (`Year()`, `Day()`, `Hour()`, `ISOWeek()`, …) are read in the offset
 *   the snapshot was *recorded* with, not in the local zone of the machine running `forget`: Go keeps the parsed
 *   offset (as `time.Local` when the local zone has that offset at that instant, else as a fixed zone — both give
 *   the same wall clock). A snapshot taken at 23:30-05:00 on 31 December belongs to that year, wherever it is
 *   evaluated.
 * - `AddDate` (for `--keep-within*`) does calendar arithmetic in the time's *location*: UTC for `Z`, the local
 *   zone (with its daylight-saving rules) when the offset matched it, else the fixed offset. So the threshold can
 *   move by an hour with the local zone, exactly as it does for restic.
 */
import { EngineError } from '../errors';
import { civilFromDays, daysFromCivil, floorDivMod, secondsPerDay } from '../tree/time/civil';
import { GoTimeParseError, parseGoTime } from '../tree/time/rfc3339';
import { TimeZone } from '../tree/time/zone';

export interface SnapshotClock {
  /** Unix seconds. */
  readonly sec: bigint;
  /** 0 ≤ nsec < 1e9. */
  readonly nsec: number;
  /** Seconds east of UTC the time was recorded with: the wall clock restic buckets by. */
  readonly offset: number;
  /** Go's `Location` of the parsed time, used for calendar arithmetic. */
  readonly location: TimeZone;
}

const utc = TimeZone.utc();

/** Go's zero time (0001-01-01T00:00:00Z): restic's "latest" when every snapshot lies in the future. */
export const goZeroClock: SnapshotClock = { sec: -62_135_596_800n, nsec: 0, offset: 0, location: utc };

/**
 * Reads a snapshot's `time` field as Go does; `local` is the zone Go's `time.Local` would be (see local-zone.ts).
 * CORRUPT when Go could not parse it (restic then skips the snapshot).
 */
export function parseSnapshotClock(text: string, local: TimeZone): SnapshotClock {
  let parsed: ReturnType<typeof parseGoTime>;
  try {
    parsed = parseGoTime(text);
  } catch (error) {
    if (error instanceof GoTimeParseError) throw new EngineError('CORRUPT', error.message);
    throw error;
  }
  const offset = parsed.zoneOffset ?? 0;
  let location: TimeZone;
  if (text.endsWith('Z')) location = utc;
  else if (local.lookup(Number(parsed.sec)).offset === offset) location = local;
  else location = TimeZone.fixed(offset);
  return { sec: parsed.sec, nsec: parsed.nsec, offset, location };
}

/** The instant of a JavaScript Date (milliseconds). */
export function clockFromDate(date: Date): SnapshotClock {
  const [sec, ms] = floorDivMod(BigInt(date.getTime()), 1000n);
  return { sec, nsec: Number(ms) * 1_000_000, offset: 0, location: utc };
}

/** Orders instants (negative: a before b), as Go's `Before`/`After` do, ignoring the zones. */
export function compareClocks(a: SnapshotClock, b: SnapshotClock): number {
  if (a.sec !== b.sec) return a.sec < b.sec ? -1 : 1;
  return a.nsec - b.nsec;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  /** Days since 1970-01-01 of the local date. */
  dayNumber: number;
  secondOfDay: number;
}

/** The calendar fields in the recorded offset (Go's `Date()`, `Clock()`). */
export function wallClock(clock: SnapshotClock): WallClock {
  const [days, secondOfDay] = floorDivMod(clock.sec + BigInt(clock.offset), BigInt(secondsPerDay));
  const dayNumber = Number(days);
  const { year, month, day } = civilFromDays(dayNumber);
  const second = Number(secondOfDay);
  return { year, month, day, hour: Math.floor(second / 3600), dayNumber, secondOfDay: second };
}

/** Go's `ISOWeek()` of a local date: weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeek(dayNumber: number): { year: number; week: number } {
  const mondayBased = (((dayNumber + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  const thursday = dayNumber - mondayBased + 3;
  const { year } = civilFromDays(thursday);
  return { year, week: Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1 };
}

/** Go's `t.AddDate(years, months, days)`: calendar arithmetic and normalization in the time's location. */
export function addDate(clock: SnapshotClock, years: number, months: number, days: number): SnapshotClock {
  const wall = wallClock(clock);
  const localDays = daysFromCivil(wall.year + years, wall.month + months, wall.day + days);
  const sec = BigInt(clock.location.unixFromLocal(localDays * secondsPerDay + wall.secondOfDay));
  return { ...clock, sec, offset: clock.location.lookup(Number(sec)).offset };
}

/** Go's `t.Add(hours * time.Hour)`. */
export function addHours(clock: SnapshotClock, hours: number): SnapshotClock {
  const sec = clock.sec + BigInt(hours) * 3600n;
  return { ...clock, sec, offset: clock.location.lookup(Number(sec)).offset };
}

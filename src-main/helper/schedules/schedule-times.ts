/**
 * When a schedule is due, in the machine's local time zone (a backup "daily at 02:30" means 02:30 on the wall
 * clock, whatever the UTC offset that day). Daylight saving time makes a wall time ambiguous twice a year:
 * - spring forward (02:00 → 03:00): 02:30 does not exist that day; the run is due at the first instant after the
 *   skipped hour (03:00 local), once — not at 03:30, where `new Date(y, m, d, 2, 30)` would put it;
 * - fall back (03:00 → 02:00): 02:30 happens twice; the run is due at the first one only.
 * So every calendar day (of the schedule's weekdays) has exactly one due instant. Only Date's local-time view is
 * used (getTimezoneOffset), so the zone is whatever the process sees (TZ, /etc/localtime).
 */
import type { ScheduleSpec } from '../../helper-protocol/session-model';

const dayMs = 86_400_000;
/** Weekly schedules repeat within 7 days; one more on each side covers a due instant pushed across midnight. */
const searchDays = 9;
const everyDay: ReadonlySet<number> = new Set([0, 1, 2, 3, 4, 5, 6]);

interface CalendarDate {
  year: number;
  /** 0 = January, as Date. */
  month: number;
  day: number;
}

/** The first due instant strictly after `after`, or null when the schedule is off. */
export function nextDueAfter(spec: ScheduleSpec, after: Date): Date | null {
  const rule = ruleOf(spec);
  if (!rule) return null;
  const today = localDateOf(after);
  for (let offset = -1; offset < searchDays; offset++) {
    const due = rule.dueOn(addDays(today, offset));
    if (due !== null && due > after.getTime()) return new Date(due);
  }
  return null;
}

/** The last due instant at or before `at` (within the past week and a day), or null when the schedule is off. */
export function latestDueAtOrBefore(spec: ScheduleSpec, at: Date): Date | null {
  const rule = ruleOf(spec);
  if (!rule) return null;
  const today = localDateOf(at);
  for (let offset = 1; offset > -searchDays; offset--) {
    const due = rule.dueOn(addDays(today, offset));
    if (due !== null && due <= at.getTime()) return new Date(due);
  }
  return null;
}

/** The due instant of each calendar day: null on days the schedule does not run. */
function ruleOf(spec: ScheduleSpec): { dueOn: (date: CalendarDate) => number | null } | null {
  if (spec.kind === 'off') return null;
  const [hours, minutes] = spec.time.split(':').map(Number) as [number, number];
  const weekdays = spec.kind === 'daily' ? everyDay : new Set(spec.weekdays);
  return {
    dueOn: (date) => (weekdays.has(weekdayOf(date)) ? localInstant(date, hours, minutes) : null),
  };
}

/**
 * The instant the local wall clock shows `hours:minutes` on `date`: the earlier one when it shows it twice, the
 * end of the skipped span when it never does.
 */
function localInstant(date: CalendarDate, hours: number, minutes: number): number {
  // The wall time read as if it were UTC; the real instant is `wall - offset` for the offset in force then.
  const wall = Date.UTC(date.year, date.month, date.day, hours, minutes);
  // A day sees at most one offset change, so the offsets a day before and after are the only candidates.
  const offsets = [...new Set([offsetAt(wall - dayMs), offsetAt(wall), offsetAt(wall + dayMs)])];
  const candidates = offsets.map((offset) => wall - offset);
  const matching = candidates.filter((instant) => offsetAt(instant) === wall - instant);
  if (matching.length > 0) return Math.min(...matching);
  return offsetChangeBetween(Math.min(...candidates), Math.max(...candidates));
}

/** The first instant in (from, to] whose offset differs from the offset at `from` (the clock's jump forward). */
function offsetChangeBetween(from: number, to: number): number {
  const before = offsetAt(from);
  let low = from;
  let high = to;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

/** Local time minus UTC, in milliseconds, at `instant`. */
function offsetAt(instant: number): number {
  return -new Date(instant).getTimezoneOffset() * 60_000;
}

function localDateOf(instant: Date): CalendarDate {
  return { year: instant.getFullYear(), month: instant.getMonth(), day: instant.getDate() };
}

/** Calendar arithmetic in UTC, where every day has 24 hours. */
function addDays(date: CalendarDate, days: number): CalendarDate {
  const shifted = new Date(Date.UTC(date.year, date.month, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth(), day: shifted.getUTCDate() };
}

function weekdayOf(date: CalendarDate): number {
  return new Date(Date.UTC(date.year, date.month, date.day)).getUTCDay();
}

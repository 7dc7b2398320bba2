/**
 * Node timestamps as restic 0.14 writes and reads them: Go's `time.Time` JSON form, RFC 3339 with nanoseconds
 * (`2006-01-02T15:04:05.999999999Z07:00`). Times are kept as (Unix seconds as BigInt, nanoseconds) so nothing
 * passes through a JavaScript Date and no precision is lost.
 *
 * Writing (Go's `AppendFormat` after restic's `FixTime`): the wall clock in the writer's local zone; the fraction
 * without trailing zeros and no dot when zero; `Z` for offset 0, else `±hh:mm` (seconds of the offset dropped);
 * years outside 0–9999 clamped to 0 or 9999 keeping month, day and clock (as `FixTime` does with `AddDate`).
 * Reading (Go 1.19's `time.Parse(RFC3339)`): the parsed offset is remembered, because Go prints a parsed time
 * again in the offset it was read with, whatever the local zone — so decode→encode reproduces the bytes.
 */
import { civilFromDays, daysFromCivil, daysInMonth, floorDivMod, secondsPerDay } from './civil';
import { TimeZone } from './zone';

export interface NodeTime {
  /** Seconds since 1970-01-01T00:00:00Z (may be negative). */
  readonly sec: bigint;
  /** 0 ≤ nsec < 1e9. */
  readonly nsec: number;
  /**
   * Seconds east of UTC this time was parsed with; absent for times taken from the filesystem, which are
   * written in the writer's local zone.
   */
  readonly zoneOffset?: number;
}

/** Go's zero `time.Time` (0001-01-01T00:00:00Z), what a missing or null time decodes to. */
export const zeroGoTime: NodeTime = { sec: -62_135_596_800n, nsec: 0, zoneOffset: 0 };

/** A time from a (seconds, nanoseconds) pair as the kernel reports it; nanoseconds are normalized. */
export function nodeTimeFromNs(totalNs: bigint): NodeTime {
  const [sec, nsec] = floorDivMod(totalNs, 1_000_000_000n);
  return { sec, nsec: Number(nsec) };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Local civil fields of `sec` in `zone`. */
function localFields(sec: bigint, zone: TimeZone) {
  const offset = zone.lookup(Number(sec)).offset;
  const [days, secondOfDay] = floorDivMod(sec + BigInt(offset), BigInt(secondsPerDay));
  return { offset, days: Number(days), secondOfDay: Number(secondOfDay) };
}

/** restic's `FixTime`: move years outside 0–9999 to 0 / 9999, keeping the local month, day and clock. */
function fixYear(sec: bigint, zone: TimeZone): bigint {
  const { days, secondOfDay } = localFields(sec, zone);
  const { year, month, day } = civilFromDays(days);
  if (year >= 0 && year <= 9999) return sec;
  const clampedDays = daysFromCivil(year < 0 ? 0 : 9999, month, day);
  return BigInt(zone.unixFromLocal(clampedDays * secondsPerDay + secondOfDay));
}

/** The RFC 3339 text restic 0.14 writes for `time`, in `zone` unless the time carries its own offset. */
export function formatGoTime(time: NodeTime, zone: TimeZone): string {
  const effectiveZone = time.zoneOffset === undefined ? zone : TimeZone.fixed(time.zoneOffset);
  const sec = fixYear(time.sec, effectiveZone);
  const { offset, days, secondOfDay } = localFields(sec, effectiveZone);
  const { year, month, day } = civilFromDays(days);
  let text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(Math.floor(secondOfDay / 3600), 2)}:`;
  text += `${pad(Math.floor(secondOfDay / 60) % 60, 2)}:${pad(secondOfDay % 60, 2)}`;
  if (time.nsec !== 0) text += `.${pad(time.nsec, 9).replace(/0+$/, '')}`;
  if (offset === 0) return `${text}Z`;
  // Go converts the offset to whole minutes (truncating) before choosing the sign.
  const minutes = Math.trunc(offset / 60);
  const abs = Math.abs(minutes);
  return `${text}${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

/** A timestamp Go's RFC 3339 parser rejects. */
export class GoTimeParseError extends Error {
  constructor(readonly input: string) {
    super(`invalid RFC 3339 time ${JSON.stringify(input)}`);
    this.name = 'GoTimeParseError';
  }
}

// Go 1.19 accepts a one-digit hour, a fraction after '.' or ',' with any number of digits (beyond nine ignored),
// and offsets up to 24:60 — validated below after the shape matches.
const rfc3339Pattern =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** Parses restic's timestamp text (Go's `time.Parse(time.RFC3339, s)`); throws GoTimeParseError. */
export function parseGoTime(text: string): NodeTime {
  return parseCanonicalGoTime(text) ?? parseGoTimeByPattern(text);
}

/** The value of `count` ASCII digits at `at`, or -1 if any is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The form restic writes (`2006-01-02T15:04:05.999999999Z07:00`: four-digit year, two-digit fields, 1–9
 * fraction digits, `Z` or `±hh:mm`), parsed without a regular expression — a backup parses three per file of
 * its parent snapshot. Returns undefined for anything else (the general parser then decides), so both paths
 * give the same result for every input this one takes.
 */
function parseCanonicalGoTime(text: string): NodeTime | undefined {
  const length = text.length;
  if (length < 20 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84)
    return undefined; // '-', '-', 'T'
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined; // ':'
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return undefined;
  if (minute < 0 || minute > 59 || second < 0 || second > 59 || day > daysInMonth(month, year))
    return undefined;
  let at = 19;
  let nsec = 0;
  if (text.charCodeAt(at) === 46) {
    // '.': 1–9 digits (more are legal but rare: left to the general parser)
    let count = 0;
    at++;
    while (at < length && count < 10) {
      const d = text.charCodeAt(at) - 48;
      if (d < 0 || d > 9) break;
      nsec = nsec * 10 + d;
      count++;
      at++;
    }
    if (count === 0 || count > 9) return undefined;
    for (let i = count; i < 9; i++) nsec *= 10;
  }
  let offset = 0;
  const sign = text.charCodeAt(at);
  if (sign === 90) {
    if (at + 1 !== length) return undefined; // 'Z' ends the text
  } else if (sign === 43 || sign === 45) {
    if (at + 6 !== length || text.charCodeAt(at + 3) !== 58) return undefined;
    const offsetHours = digits(text, at + 1, 2);
    const offsetMinutes = digits(text, at + 4, 2);
    if (offsetHours < 0 || offsetMinutes < 0 || offsetHours > 24 || offsetMinutes > 60) return undefined;
    offset = (offsetHours * 60 + offsetMinutes) * 60 * (sign === 45 ? -1 : 1);
  } else return undefined;
  const localSec = daysFromCivil(year, month, day) * secondsPerDay + hour * 3600 + minute * 60 + second;
  return { sec: BigInt(localSec - offset), nsec, zoneOffset: offset };
}

/** Go 1.19's RFC 3339 parsing in general (see rfc3339Pattern). */
export function parseGoTimeByPattern(text: string): NodeTime {
  const m = rfc3339Pattern.exec(text);
  if (m === null) throw new GoTimeParseError(text);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(month, year)) throw new GoTimeParseError(text);
  if (hour > 23 || minute > 59 || second > 59) throw new GoTimeParseError(text);
  const nsec = m[7] === undefined ? 0 : Number(m[7].slice(0, 9).padEnd(9, '0'));
  let offset = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 24 || offsetMinutes > 60) throw new GoTimeParseError(text);
    offset = (offsetHours * 60 + offsetMinutes) * 60 * (m[9] === '-' ? -1 : 1);
  }
  const localSec = daysFromCivil(year, month, day) * secondsPerDay + hour * 3600 + minute * 60 + second;
  return { sec: BigInt(localSec - offset), nsec, zoneOffset: offset };
}

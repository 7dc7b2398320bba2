/**
 * Proleptic Gregorian calendar arithmetic on whole days since 1970-01-01, as Go's time package does it
 * (no Julian switch, year 0 exists and is a leap year). Pure integer math on Numbers: day counts stay far
 * below 2^53 for any time Go can represent.
 */

export const secondsPerDay = 86_400;

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

/** Days since 1970-01-01 of the given date; month and day may overflow (Go's `Date` normalization). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Normalize the month into 1..12 first, carrying into the year.
  const m0 = month - 1;
  const y = year + Math.floor(m0 / 12);
  const m = (((m0 % 12) + 12) % 12) + 1;
  // Howard Hinnant's days_from_civil, with day overflow simply added.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5);
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468 + (day - 1);
}

/** The civil date of a day count since 1970-01-01. */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(month: number, year: number): number {
  if (month === 2 && isLeapYear(year)) return 29;
  return monthLengths[month - 1] ?? 30;
}

/** Days in the months before `month` (1-based) in a non-leap year. */
export function daysBeforeMonth(month: number): number {
  let total = 0;
  for (let m = 1; m < month; m++) total += monthLengths[m - 1] ?? 0;
  return total;
}

/** Floor division and the matching non-negative remainder for BigInt seconds. */
export function floorDivMod(value: bigint, divisor: bigint): [bigint, bigint] {
  let q = value / divisor;
  let r = value % divisor;
  if (r < 0n) {
    q -= 1n;
    r += divisor;
  }
  return [q, r];
}

/**
 * restic's calendar durations for `--keep-within*` (`1y2m3d4h`): years, months, days and hours kept apart,
 * because restic subtracts them with Go's `AddDate` (calendar arithmetic), not as a fixed number of seconds.
 * Parsing and printing follow restic 0.14's `internal/restic/duration.go`, quirks included: a unit given twice
 * keeps the last value (`1d2d` is 2 days) and numbers may be negative.
 */
import { EngineError } from '../errors';

export interface RetentionDuration {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly hours: number;
}

export const zeroDuration: RetentionDuration = { years: 0, months: 0, days: 0, hours: 0 };

/** restic's `Duration.Zero`: a zero duration means "not set" for every `--keep-within*` option. */
export function isZeroDuration(d: RetentionDuration | undefined): boolean {
  return d === undefined || (d.years === 0 && d.months === 0 && d.days === 0 && d.hours === 0);
}

/** restic's `Duration.String`: the non-zero parts in y, m, d, h order (`1y2m3d4h`; zero prints as ''). */
export function formatRetentionDuration(d: RetentionDuration): string {
  let text = '';
  if (d.years !== 0) text += `${d.years}y`;
  if (d.months !== 0) text += `${d.months}m`;
  if (d.days !== 0) text += `${d.days}d`;
  if (d.hours !== 0) text += `${d.hours}h`;
  return text;
}

const unitFields = { y: 'years', m: 'months', d: 'days', h: 'hours' } as const;

/** restic's `ParseDuration`; INVALID_ARGUMENT with restic's wording when the text is not a duration. */
export function parseRetentionDuration(input: string): RetentionDuration {
  const duration = { ...zeroDuration };
  let rest = input.trim();
  while (rest !== '') {
    const match = /^(-?)(\d*)/.exec(rest);
    const sign = match?.[1] ?? '';
    const digits = match?.[2] ?? '';
    if (digits === '') throw new EngineError('INVALID_ARGUMENT', 'no number found');
    const magnitude = Number(digits);
    // Go's Atoi fails (restic panics) beyond int64; beyond 2^53 we could not count exactly either.
    if (!Number.isSafeInteger(magnitude))
      throw new EngineError('INVALID_ARGUMENT', `number ${digits} is too large`);
    const value = sign === '-' && magnitude !== 0 ? -magnitude : magnitude;
    rest = rest.slice(sign.length + digits.length);
    const unit = rest[0];
    if (unit === undefined) throw new EngineError('INVALID_ARGUMENT', `no unit found after number ${value}`);
    const field = unitFields[unit as keyof typeof unitFields];
    if (field === undefined) {
      throw new EngineError('INVALID_ARGUMENT', `invalid unit '${unit}' found after number ${value}`);
    }
    duration[field] = value;
    rest = rest.slice(1);
  }
  return duration;
}

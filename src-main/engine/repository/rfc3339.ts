/**
 * Timestamps as restic writes them (Go's RFC3339Nano): `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, the fraction with
 * trailing zeros dropped and no dot when it is zero. We always write UTC (`Z`); restic writes the local zone's
 * offset, and both parse the same.
 */

/** Formats a time with up to nanosecond precision: `date` gives milliseconds, `subMillisecondNanos` the rest. */
export function formatRfc3339Nano(date: Date, subMillisecondNanos = 0): string {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const nanos = date.getUTCMilliseconds() * 1_000_000 + subMillisecondNanos;
  const fraction = nanos === 0 ? '' : `.${nanos.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${iso.slice(0, 19)}${fraction}Z`;
}

const rfc3339Pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** True when `value` is an RFC 3339 timestamp that JavaScript can place in time. */
export function isRfc3339(value: string): boolean {
  return rfc3339Pattern.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * The POSIX TZ rule string found at the end of TZif files ("CET-1CEST,M3.5.0,M10.5.0/3"), evaluated the way Go
 * 1.19's time package does (`tzset`), for instants after a zone's last recorded transition. Debian's "fat" tzdata
 * records transitions up to 2037, so every later time (e.g. a file mtime in 2040) goes through this rule.
 */
import {
  civilFromDays,
  daysBeforeMonth,
  daysFromCivil,
  daysInMonth,
  isLeapYear,
  secondsPerDay,
} from './civil';

export interface ZonePeriod {
  /** Seconds east of UTC. */
  offset: number;
  /** Unix second where this offset starts / ends (approximate away from transitions, as in Go). */
  start: number;
  end: number;
}

type Rule =
  | { kind: 'julian'; day: number; time: number }
  | { kind: 'dayOfYear'; day: number; time: number }
  | { kind: 'monthWeekDay'; month: number; week: number; day: number; time: number };

interface ParsedRule {
  stdOffset: number;
  /** Absent when the zone has no daylight saving time. */
  dst?: { offset: number; start: Rule; end: Rule };
}

const secondsPerHour = 3600;
/** Go's `omega`: the end of time as a Number (exact value is irrelevant beyond comparisons). */
const endOfTime = Number.MAX_SAFE_INTEGER;

class Cursor {
  constructor(public rest: string) {}

  name(): boolean {
    const s = this.rest;
    if (s.startsWith('<')) {
      const close = s.indexOf('>');
      if (close < 0) return false;
      this.rest = s.slice(close + 1);
      return true;
    }
    const match = /^[^0-9,+-]*/.exec(s);
    const length = match?.[0].length ?? 0;
    if (length < 3) return false;
    this.rest = s.slice(length);
    return true;
  }

  num(min: number, max: number): number | undefined {
    const match = /^[0-9]+/.exec(this.rest);
    if (match === null) return undefined;
    const value = Number.parseInt(match[0], 10);
    if (value < min || value > max) return undefined;
    this.rest = this.rest.slice(match[0].length);
    return value;
  }

  /** [+|-]hh[:mm[:ss]] in seconds. */
  offset(): number | undefined {
    let sign = 1;
    if (this.rest.startsWith('+')) this.rest = this.rest.slice(1);
    else if (this.rest.startsWith('-')) {
      sign = -1;
      this.rest = this.rest.slice(1);
    }
    const hours = this.num(0, 24 * 7);
    if (hours === undefined) return undefined;
    let total = hours * secondsPerHour;
    for (const unit of [60, 1]) {
      if (!this.rest.startsWith(':')) break;
      this.rest = this.rest.slice(1);
      const part = this.num(0, 59);
      if (part === undefined) return undefined;
      total += part * unit;
    }
    return sign * total;
  }

  rule(): Rule | undefined {
    let rule: Rule;
    if (this.rest.startsWith('J')) {
      this.rest = this.rest.slice(1);
      const day = this.num(1, 365);
      if (day === undefined) return undefined;
      rule = { kind: 'julian', day, time: 0 };
    } else if (this.rest.startsWith('M')) {
      this.rest = this.rest.slice(1);
      const month = this.num(1, 12);
      if (month === undefined || !this.skip('.')) return undefined;
      const week = this.num(1, 5);
      if (week === undefined || !this.skip('.')) return undefined;
      const day = this.num(0, 6);
      if (day === undefined) return undefined;
      rule = { kind: 'monthWeekDay', month, week, day, time: 0 };
    } else {
      const day = this.num(0, 365);
      if (day === undefined) return undefined;
      rule = { kind: 'dayOfYear', day, time: 0 };
    }
    if (!this.skip('/')) return { ...rule, time: 2 * secondsPerHour };
    const time = this.offset();
    return time === undefined ? undefined : { ...rule, time };
  }

  skip(char: string): boolean {
    if (!this.rest.startsWith(char)) return false;
    this.rest = this.rest.slice(char.length);
    return true;
  }
}

/** Parses a TZ rule string; undefined when Go's parser would reject it (the rule is then ignored). */
export function parseTzRule(text: string): ParsedRule | undefined {
  const c = new Cursor(text);
  if (!c.name()) return undefined;
  const std = c.offset();
  if (std === undefined) return undefined;
  // POSIX offsets are west of UTC; ours are east.
  const stdOffset = -std;
  if (c.rest === '' || c.rest.startsWith(',')) return { stdOffset };
  if (!c.name()) return undefined;
  let dstOffset = stdOffset + secondsPerHour;
  if (c.rest !== '' && !c.rest.startsWith(',')) {
    const dst = c.offset();
    if (dst === undefined) return undefined;
    dstOffset = -dst;
  }
  if (c.rest === '') c.rest = ',M3.2.0,M11.1.0'; // tzcode's default rules
  if (!c.skip(',') && !c.skip(';')) return undefined;
  const start = c.rule();
  if (start === undefined || !c.skip(',')) return undefined;
  const end = c.rule();
  if (end === undefined || c.rest !== '') return undefined;
  return { stdOffset, dst: { offset: dstOffset, start, end } };
}

/** Seconds after the start of `year` (UTC) at which `rule` takes effect, for a zone at `offset`. */
function ruleTime(year: number, rule: Rule, offset: number): number {
  let seconds: number;
  switch (rule.kind) {
    case 'julian':
      seconds = (rule.day - 1) * secondsPerDay;
      if (isLeapYear(year) && rule.day >= 60) seconds += secondsPerDay;
      break;
    case 'dayOfYear':
      seconds = rule.day * secondsPerDay;
      break;
    case 'monthWeekDay': {
      // Weekday of the first day of the month (0 = Sunday), then the n-th such weekday, capped at the month end.
      const firstDow = (((daysFromCivil(year, rule.month, 1) + 4) % 7) + 7) % 7;
      let d = rule.day - firstDow;
      if (d < 0) d += 7;
      for (let i = 1; i < rule.week; i++) {
        if (d + 7 >= daysInMonth(rule.month, year)) break;
        d += 7;
      }
      d += daysBeforeMonth(rule.month);
      if (isLeapYear(year) && rule.month > 2) d++;
      seconds = d * secondsPerDay;
      break;
    }
  }
  return seconds + rule.time - offset;
}

/** The offset in effect at `sec` according to the rule (Go's `tzset`), with its period. */
export function evaluateTzRule(rule: ParsedRule, lastTransition: number, sec: number): ZonePeriod {
  if (rule.dst === undefined) return { offset: rule.stdOffset, start: lastTransition, end: endOfTime };
  const days = Math.floor(sec / secondsPerDay);
  const { year } = civilFromDays(days);
  const yearStart = daysFromCivil(year, 1, 1) * secondsPerDay;
  // Go adds the truncated remainder `sec % secondsPerDay` to the day of the year; for negative seconds this is a
  // day early. Kept for fidelity (it only matters for rules applied before 1970).
  const ysec = days * secondsPerDay - yearStart + (sec % secondsPerDay);

  let startSec = ruleTime(year, rule.dst.start, rule.stdOffset);
  let endSec = ruleTime(year, rule.dst.end, rule.dst.offset);
  let stdOffset = rule.stdOffset;
  let dstOffset = rule.dst.offset;
  if (endSec < startSec) {
    // Southern hemisphere: "daylight" time spans the new year; swap the roles as Go does.
    [startSec, endSec] = [endSec, startSec];
    [stdOffset, dstOffset] = [dstOffset, stdOffset];
  }
  if (ysec < startSec) return { offset: stdOffset, start: yearStart, end: yearStart + startSec };
  if (ysec >= endSec)
    return { offset: stdOffset, start: yearStart + endSec, end: yearStart + 365 * secondsPerDay };
  return { offset: dstOffset, start: yearStart + startSec, end: yearStart + endSec };
}

/**
 * restic 0.14's `ApplyPolicy` (internal/restic/snapshot_policy.go) for one group of snapshots, step for step:
 * newest first, each snapshot is kept when any rule wants it, with the reasons restic prints and the bucket
 * counters left after it. A bucket rule ("daily": N) keeps a snapshot when its bucket value (year-month-day in the
 * recorded offset) differs from the last kept one of that rule, while the rule has count left; so it keeps the
 * newest snapshot of each of the N newest days that have any.
 */
import { EngineError } from '../errors';
import type { Id } from '../ids';
import type { Snapshot } from '../repository/snapshot';
import type { TimeZone } from '../tree/time/zone';
import { formatTagList, isEmptyKeepRules, type KeepRules } from './keep-rules';
import { formatRetentionDuration, isZeroDuration, type RetentionDuration } from './retention-duration';
import {
  addDate,
  addHours,
  clockFromDate,
  compareClocks,
  goZeroClock,
  isoWeek,
  parseSnapshotClock,
  type SnapshotClock,
  wallClock,
} from './snapshot-clock';

export interface SnapshotEntry {
  id: Id;
  snapshot: Snapshot;
}

/** restic's `KeepReason.Counters`: what each count rule has left after this snapshot. */
export interface KeepCounters {
  last: number;
  hourly: number;
  daily: number;
  weekly: number;
  monthly: number;
  yearly: number;
}

export interface KeptSnapshot extends SnapshotEntry {
  /** Why, in restic's words: "last snapshot", "daily snapshot", "within 1y", "has tags [a]", … */
  matches: string[];
  counters: KeepCounters;
}

export interface KeepDecision {
  /** Newest first, as restic lists them. */
  keep: KeptSnapshot[];
  remove: SnapshotEntry[];
}

export interface KeepRuleContext {
  /** restic ignores snapshots later than now when looking for the newest one (the `--keep-within*` anchor). */
  now: Date;
  /** The zone Go's `time.Local` would be: where `--keep-within*` calendar arithmetic may happen. */
  localZone: TimeZone;
}

type Bucket = (wall: ReturnType<typeof wallClock>, position: number) => number;

// The same integers restic computes, so that bucket equality is restic's exactly.
const always: Bucket = (_wall, position) => position;
const hourBucket: Bucket = (w) => w.year * 1_000_000 + w.month * 10_000 + w.day * 100 + w.hour;
const dayBucket: Bucket = (w) => w.year * 10_000 + w.month * 100 + w.day;
const weekBucket: Bucket = (w) => {
  const { year, week } = isoWeek(w.dayNumber);
  return year * 100 + week;
};
const monthBucket: Bucket = (w) => w.year * 100 + w.month;
const yearBucket: Bucket = (w) => w.year;

/** restic's `Snapshot.HasTags`: every tag of the list; an empty tag matches a snapshot without tags. */
export function hasTags(snapshot: Snapshot, list: readonly string[]): boolean {
  const tags = snapshot.tags ?? [];
  for (const tag of list) {
    if (tag === '' && tags.length === 0) return true;
    if (!tags.includes(tag)) return false;
  }
  return true;
}

/** The newest snapshot time that is not in the future (Go's zero time if there is none). */
function latestTime(clocks: readonly SnapshotClock[], now: SnapshotClock): SnapshotClock {
  let latest = goZeroClock;
  for (const clock of clocks) {
    if (compareClocks(clock, latest) > 0 && compareClocks(clock, now) < 0) latest = clock;
  }
  return latest;
}

/** `latest` minus a calendar duration, as restic computes it (AddDate, then hours). */
function withinThreshold(latest: SnapshotClock, d: RetentionDuration): SnapshotClock {
  return addHours(addDate(latest, -d.years, -d.months, -d.days), -d.hours);
}

const zeroCounters: KeepCounters = { last: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };

export function applyKeepRules(
  entries: readonly SnapshotEntry[],
  rules: KeepRules,
  context: KeepRuleContext,
): KeepDecision {
  const dated = entries.map((entry) => {
    try {
      return { entry, clock: parseSnapshotClock(entry.snapshot.time, context.localZone) };
    } catch (error) {
      throw new EngineError('CORRUPT', `snapshot ${entry.id}: ${(error as Error).message}`);
    }
  });
  // sort.Stable on "newer first": equal times keep their given order.
  dated.sort((a, b) => compareClocks(b.clock, a.clock));

  if (isEmptyKeepRules(rules)) {
    const keep = dated.map(({ entry }) => ({
      ...entry,
      matches: ['policy is empty'],
      counters: zeroCounters,
    }));
    return { keep, remove: [] };
  }
  if (dated.length === 0) return { keep: [], remove: [] };

  const buckets = [
    { counter: 'last', count: rules.last ?? 0, bucket: always, reason: 'last snapshot' },
    { counter: 'hourly', count: rules.hourly ?? 0, bucket: hourBucket, reason: 'hourly snapshot' },
    { counter: 'daily', count: rules.daily ?? 0, bucket: dayBucket, reason: 'daily snapshot' },
    { counter: 'weekly', count: rules.weekly ?? 0, bucket: weekBucket, reason: 'weekly snapshot' },
    { counter: 'monthly', count: rules.monthly ?? 0, bucket: monthBucket, reason: 'monthly snapshot' },
    { counter: 'yearly', count: rules.yearly ?? 0, bucket: yearBucket, reason: 'yearly snapshot' },
  ].map((b) => ({ ...b, counter: b.counter as keyof KeepCounters, last: -1 }));
  const latest = latestTime(
    dated.map((d) => d.clock),
    clockFromDate(context.now),
  );
  const bucketsWithin = [
    { within: rules.withinHourly, bucket: hourBucket, reason: 'hourly within' },
    { within: rules.withinDaily, bucket: dayBucket, reason: 'daily within' },
    { within: rules.withinWeekly, bucket: weekBucket, reason: 'weekly within' },
    { within: rules.withinMonthly, bucket: monthBucket, reason: 'monthly within' },
    { within: rules.withinYearly, bucket: yearBucket, reason: 'yearly within' },
  ].flatMap(({ within, ...b }) =>
    within === undefined || isZeroDuration(within)
      ? []
      : [{ ...b, within, threshold: withinThreshold(latest, within), last: -1 }],
  );
  const within = rules.within;
  const keepAllAfter =
    within === undefined || isZeroDuration(within) ? undefined : withinThreshold(latest, within);

  const decision: KeepDecision = { keep: [], remove: [] };
  dated.forEach(({ entry, clock }, position) => {
    const matches: string[] = [];
    // Tags are not counted: every matching snapshot is kept, one reason per matching list.
    for (const list of rules.tags ?? []) {
      if (hasTags(entry.snapshot, list)) matches.push(`has tags ${formatTagList(list)}`);
    }
    if (keepAllAfter !== undefined && within !== undefined && compareClocks(clock, keepAllAfter) > 0) {
      matches.push(`within ${formatRetentionDuration(within)}`);
    }
    const wall = wallClock(clock);
    for (const b of buckets) {
      if (b.count <= 0) continue;
      const value = b.bucket(wall, position);
      if (value !== b.last) {
        b.last = value;
        b.count--;
        matches.push(b.reason);
      }
    }
    for (const b of bucketsWithin) {
      if (compareClocks(clock, b.threshold) <= 0) continue;
      const value = b.bucket(wall, position);
      if (value !== b.last) {
        b.last = value;
        matches.push(`${b.reason} ${formatRetentionDuration(b.within)}`);
      }
    }
    if (matches.length === 0) {
      decision.remove.push(entry);
      return;
    }
    const counters = { ...zeroCounters };
    for (const b of buckets) counters[b.counter] = b.count;
    decision.keep.push({ ...entry, matches, counters });
  });
  return decision;
}

/**
 * Which snapshots of a group to keep: restic 0.14's `ExpirePolicy` (the `--keep-*` options of `restic forget`),
 * with its notion of an empty policy and its one-line description ("keep 7 daily, 4 weekly snapshots").
 */
import { formatRetentionDuration, isZeroDuration, type RetentionDuration } from './retention-duration';

/** A tag list (`--keep-tag a,b`): a snapshot matches when it has every tag of the list. */
export type TagList = readonly string[];

export interface KeepRules {
  /** `--keep-last N`: the N newest snapshots. */
  last?: number;
  /** `--keep-hourly N`: the newest snapshot of each of the last N hours that have snapshots. */
  hourly?: number;
  daily?: number;
  /** ISO weeks (Monday to Sunday; week 1 holds the year's first Thursday). */
  weekly?: number;
  monthly?: number;
  yearly?: number;
  /** `--keep-within 1y2m3d4h`: every snapshot newer than the newest (not in the future) minus this. */
  within?: RetentionDuration;
  /** `--keep-within-hourly` …: the newest snapshot of each hour/day/… within the duration. */
  withinHourly?: RetentionDuration;
  withinDaily?: RetentionDuration;
  withinWeekly?: RetentionDuration;
  withinMonthly?: RetentionDuration;
  withinYearly?: RetentionDuration;
  /** `--keep-tag`: every snapshot that has all tags of at least one list (`""` matches untagged snapshots). */
  tags?: readonly TagList[];
}

const countFields = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
const withinFields = [
  'withinHourly',
  'withinDaily',
  'withinWeekly',
  'withinMonthly',
  'withinYearly',
] as const;

/**
 * restic's `ExpirePolicy.Empty`: nothing set. restic then keeps every snapshot ("policy is empty"): forgetting
 * without a policy must never mean forgetting everything. Note that a negative count is *not* empty (it makes
 * restic 0.14 keep nothing by that rule); the command line refuses negative values for that reason.
 */
export function isEmptyKeepRules(rules: KeepRules): boolean {
  if ((rules.tags?.length ?? 0) > 0) return false;
  return (
    countFields.every((field) => (rules[field] ?? 0) === 0) &&
    isZeroDuration(rules.within) &&
    withinFields.every((field) => isZeroDuration(rules[field]))
  );
}

/** restic's `TagList.String`: `[a, b]`. */
export function formatTagList(list: TagList): string {
  return `[${list.join(', ')}]`;
}

/** restic's `ExpirePolicy.String`, printed as "Applying Policy: …". */
export function describeKeepRules(rules: KeepRules): string {
  const counts: string[] = [];
  for (const field of countFields) {
    const value = rules[field] ?? 0;
    if (value > 0) counts.push(`${value} ${field === 'last' ? 'latest' : field}`);
  }
  const withins: string[] = [];
  for (const field of withinFields) {
    const duration = rules[field];
    if (duration !== undefined && !isZeroDuration(duration)) {
      const unit = field.slice('within'.length).toLowerCase();
      withins.push(`${unit} snapshots within ${formatRetentionDuration(duration)}`);
    }
  }
  let text = counts.length > 0 ? `${counts.join(', ')} snapshots` : '';
  if (withins.length > 0) text += `${text === '' ? '' : ', '}${withins.join(', ')}`;
  const tags = rules.tags ?? [];
  if (tags.length > 0) {
    text += `${text === '' ? '' : ' and '}all snapshots with tags [${tags.map(formatTagList).join(' ')}]`;
  }
  if (rules.within !== undefined && !isZeroDuration(rules.within)) {
    text += `${text === '' ? '' : ' and '}all snapshots within ${formatRetentionDuration(rules.within)} of the newest`;
  }
  return `keep ${text}`;
}

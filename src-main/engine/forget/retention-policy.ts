/**
 * A whole `forget` decision: which snapshots to consider, how to group them, which to keep in each group.
 * `applyPolicy` is pure (the repository is read before and written after, by the caller), so the same decision
 * can be previewed (`--dry-run`) and then carried out.
 */

import { localZone } from '../tree/time/local-zone';
import type { TimeZone } from '../tree/time/zone';
import { applyKeepRules, type KeptSnapshot, type SnapshotEntry } from './apply-keep-rules';
import type { KeepRules } from './keep-rules';
import {
  defaultGrouping,
  groupSnapshots,
  type SnapshotFilter,
  type SnapshotGrouping,
  type SnapshotGroupKey,
} from './snapshot-groups';

export interface RetentionPolicy {
  keep: KeepRules;
  /** Default: by host and paths, as restic. */
  groupBy?: SnapshotGrouping;
  /** Default: every snapshot. Snapshots outside the filter are neither kept nor removed. */
  filter?: SnapshotFilter;
}

/**
 * System state's default retention: the newest snapshot of each of the last 30 days, 12 ISO weeks and 12 months
 * (restic's `--keep-daily 30 --keep-weekly 12 --keep-monthly 12`). A machine has to be rebuilt from the latest
 * good state, which the daily snapshots cover; weekly and monthly ones reach back far enough (about a year) to
 * find a configuration from before a change that went unnoticed, without keeping every day of that year.
 */
export const systemStateRetentionPolicy: RetentionPolicy = {
  keep: { daily: 30, weekly: 12, monthly: 12 },
};

export interface PolicyGroupResult {
  key: SnapshotGroupKey;
  /** Newest first, each with restic's reasons and counters. */
  keep: KeptSnapshot[];
  /** Newest first. */
  remove: SnapshotEntry[];
}

/**
 * The decision for every group. `now` anchors `--keep-within*` (restic ignores snapshots in the future when it
 * looks for the newest); `zone` is the local zone Go's calendar arithmetic would use (default: this process's,
 * like restic's).
 */
export function applyPolicy(
  snapshots: readonly SnapshotEntry[],
  policy: RetentionPolicy,
  now: Date = new Date(),
  zone: TimeZone = localZone(),
): PolicyGroupResult[] {
  const groups = groupSnapshots(snapshots, policy.filter ?? {}, policy.groupBy ?? defaultGrouping);
  return groups.map(({ key, entries }) => ({
    key,
    ...applyKeepRules(entries, policy.keep, { now, localZone: zone }),
  }));
}

/**
 * The decision in the shape of `restic forget --json` (restic 0.14's `ForgetGroup`), so scripts written for
 * restic read ours: one object per group with `tags`, `host`, `paths` (null where the grouping ignores them),
 * `keep` and `remove` (snapshots with `id` and `short_id`; null when empty) and `reasons` (per kept snapshot:
 * the snapshot, the matching rules, and the non-zero counters left).
 */
import { shortId } from '../ids';
import type { Snapshot } from '../repository/snapshot';
import { encodeSnapshot } from '../repository/snapshot';
import { formatGoTime, parseGoTime } from '../tree/time/rfc3339';
import { TimeZone } from '../tree/time/zone';
import type { KeepCounters, SnapshotEntry } from './apply-keep-rules';
import type { PolicyGroupResult } from './retention-policy';

export interface ForgetGroupJson {
  tags: string[] | null;
  host: string;
  paths: string[] | null;
  keep: Record<string, unknown>[] | null;
  remove: Record<string, unknown>[] | null;
  reasons: { snapshot: Record<string, unknown>; matches: string[]; counters: Partial<KeepCounters> }[] | null;
}

const utc = TimeZone.utc();

/** A snapshot as Go's encoder prints it: restic's field order and omitempty rules, the time re-formatted. */
function snapshotJson(snapshot: Snapshot): Record<string, unknown> {
  // Go prints a parsed time in its recorded offset, in RFC3339Nano form (`Z` for +00:00, no trailing zeros).
  const time = formatGoTime(parseGoTime(snapshot.time), utc);
  return JSON.parse(encodeSnapshot({ ...snapshot, time }).toString('utf8')) as Record<string, unknown>;
}

function withId({ id, snapshot }: SnapshotEntry): Record<string, unknown> {
  return { ...snapshotJson(snapshot), id, short_id: shortId(id) };
}

/** Go's `omitempty` on the counters: zero counts are left out. */
function nonZero(counters: KeepCounters): Partial<KeepCounters> {
  return Object.fromEntries(Object.entries(counters).filter(([, count]) => count !== 0));
}

export function forgetGroupsJson(groups: readonly PolicyGroupResult[]): ForgetGroupJson[] {
  return groups.map(({ key, keep, remove }) => ({
    tags: key.tags,
    host: key.hostname,
    paths: key.paths,
    keep: keep.length === 0 ? null : keep.map(withId),
    remove: remove.length === 0 ? null : remove.map(withId),
    reasons:
      keep.length === 0
        ? null
        : keep.map((kept) => ({
            snapshot: snapshotJson(kept.snapshot),
            matches: kept.matches,
            counters: nonZero(kept.counters),
          })),
  }));
}

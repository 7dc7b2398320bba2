/**
 * Which snapshots a `forget` considers and how it groups them, as restic 0.14 does (`FindFilteredSnapshots`,
 * `GroupSnapshots`): filters by host, tag lists and paths first; then one group per distinct (host, paths, tags)
 * for the chosen grouping, each group judged by the policy on its own.
 *
 * restic sorts each snapshot's paths in place while grouping (and its tags when grouping by tags); that shows in
 * its JSON output, so the grouped entries here carry snapshots with those lists sorted the same way (Go's byte
 * order).
 */
import { EngineError } from '../errors';
import type { Snapshot } from '../repository/snapshot';
import { hasTags, type SnapshotEntry } from './apply-keep-rules';
import type { TagList } from './keep-rules';

export interface SnapshotFilter {
  /** `--host`: any of these hosts (none given: every host). */
  hosts?: readonly string[];
  /** `--tag a,b`: all tags of at least one list (none given: every snapshot). */
  tags?: readonly TagList[];
  /** `--path`: every one of these paths, compared exactly. */
  paths?: readonly string[];
}

export interface SnapshotGrouping {
  host: boolean;
  paths: boolean;
  tags: boolean;
}

/** restic's default `--group-by host,paths`. */
export const defaultGrouping: SnapshotGrouping = { host: true, paths: true, tags: false };

/** restic's `SnapshotGroupKey`: what the snapshots of a group share; null/'' where the grouping ignores it. */
export interface SnapshotGroupKey {
  hostname: string;
  paths: string[] | null;
  tags: string[] | null;
}

export interface SnapshotGroup {
  key: SnapshotGroupKey;
  entries: SnapshotEntry[];
}

/** Parses `--group-by` (`host,paths`, `tags`, `''` for one group), INVALID_ARGUMENT on an unknown word. */
export function parseGrouping(text: string): SnapshotGrouping {
  const grouping: SnapshotGrouping = { host: false, paths: false, tags: false };
  for (const option of text.split(',')) {
    if (option === 'host' || option === 'hosts') grouping.host = true;
    else if (option === 'path' || option === 'paths') grouping.paths = true;
    else if (option === 'tag' || option === 'tags') grouping.tags = true;
    else if (option !== '') throw new EngineError('INVALID_ARGUMENT', `unknown grouping option: '${option}'`);
  }
  return grouping;
}

/** Go's `sort.Strings` order: by UTF-8 bytes (which differs from UTF-16 order beyond the BMP). */
export function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** restic's `HasHostname && HasTagList && HasPaths`. */
export function matchesFilter(snapshot: Snapshot, filter: SnapshotFilter): boolean {
  const hosts = filter.hosts ?? [];
  if (hosts.length > 0 && !hosts.includes(snapshot.hostname ?? '')) return false;
  const tagLists = filter.tags ?? [];
  if (tagLists.length > 0 && !tagLists.some((list) => hasTags(snapshot, list))) return false;
  return (filter.paths ?? []).every((path) => snapshot.paths.includes(path));
}

/** Filters and groups; groups come in a stable order (by key; restic's order is a Go map's, i.e. random). */
export function groupSnapshots(
  entries: readonly SnapshotEntry[],
  filter: SnapshotFilter,
  grouping: SnapshotGrouping,
): SnapshotGroup[] {
  const groups = new Map<string, SnapshotGroup>();
  for (const entry of entries) {
    if (!matchesFilter(entry.snapshot, filter)) continue;
    const snapshot: Snapshot = { ...entry.snapshot, paths: [...entry.snapshot.paths].sort(compareGoStrings) };
    if (grouping.tags && snapshot.tags !== undefined)
      snapshot.tags = [...snapshot.tags].sort(compareGoStrings);
    const key: SnapshotGroupKey = {
      hostname: grouping.host ? (snapshot.hostname ?? '') : '',
      paths: grouping.paths ? [...snapshot.paths] : null,
      tags: grouping.tags && snapshot.tags !== undefined ? [...snapshot.tags] : null,
    };
    const keyText = JSON.stringify([key.hostname, key.paths, key.tags]);
    let group = groups.get(keyText);
    if (group === undefined) {
      group = { key, entries: [] };
      groups.set(keyText, group);
    }
    group.entries.push({ id: entry.id, snapshot });
  }
  return [...groups.entries()].sort(([a], [b]) => compareGoStrings(a, b)).map(([, group]) => group);
}

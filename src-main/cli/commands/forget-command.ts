/**
 * `backup-manager forget [policy]`: removes snapshots according to a retention policy, deciding exactly as
 * restic 0.14's `forget` does (same flags, same groups, same reasons, same `--json`). Only snapshot files are
 * removed; the data they referenced stays until a prune — which `--prune` runs right after, under the same
 * exclusive lock (as restic: only when snapshots were removed).
 */
import { EngineError } from '../../engine/errors';
import type { SnapshotEntry } from '../../engine/forget/apply-keep-rules';
import { forgetGroupsJson } from '../../engine/forget/forget-json';
import { describeKeepRules, isEmptyKeepRules, type KeepRules } from '../../engine/forget/keep-rules';
import { loadSnapshotsForForget } from '../../engine/forget/load-snapshots';
import { removeSnapshots } from '../../engine/forget/remove-snapshots';
import { parseRetentionDuration, type RetentionDuration } from '../../engine/forget/retention-duration';
import {
  applyPolicy,
  type PolicyGroupResult,
  type RetentionPolicy,
} from '../../engine/forget/retention-policy';
import { defaultGrouping, parseGrouping, type SnapshotGroupKey } from '../../engine/forget/snapshot-groups';
import { shortId } from '../../engine/ids';
import { withLock } from '../../engine/lock/repository-lock';
import type { Repository } from '../../engine/repository/repository';
import { localZone } from '../../engine/tree/time/local-zone';
import { formatGoTime, parseGoTime } from '../../engine/tree/time/rfc3339';
import { optionValue, type ParsedArgs } from '../cli-args';
import { type CliCommand, CliError } from '../cli-command';
import type { CliOutput } from '../cli-output';
import { maxUnusedFromArgs, pruneOptionSpecs, runPruneStep } from './prune-command';
import { openRepository, repositoryOptions } from './repository-access';

const countOptions = {
  'keep-last': 'last',
  'keep-hourly': 'hourly',
  'keep-daily': 'daily',
  'keep-weekly': 'weekly',
  'keep-monthly': 'monthly',
  'keep-yearly': 'yearly',
} as const;

const durationOptions = {
  'keep-within': 'within',
  'keep-within-hourly': 'withinHourly',
  'keep-within-daily': 'withinDaily',
  'keep-within-weekly': 'withinWeekly',
  'keep-within-monthly': 'withinMonthly',
  'keep-within-yearly': 'withinYearly',
} as const;

function usageError(message: string): CliError {
  return new CliError('USAGE', message, 2);
}

/** restic's tag list flag value: comma-separated, blanks around each tag dropped. */
function tagList(text: string): string[] {
  return text.split(',').map((tag) => tag.trim());
}

function parseCount(option: string, text: string): number {
  // restic 0.14 takes negative counts, and a negative count makes it keep nothing by that rule: refused here.
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw usageError(`--${option} needs a count (0 or more), got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function parseDuration(option: string, text: string): RetentionDuration {
  let duration: RetentionDuration;
  try {
    duration = parseRetentionDuration(text);
  } catch (error) {
    throw usageError(`invalid argument ${JSON.stringify(text)} for --${option}: ${(error as Error).message}`);
  }
  // A negative duration puts the threshold after the newest snapshot, i.e. keeps nothing: refused, as above.
  if (Object.values(duration).some((part) => part < 0)) {
    throw usageError(`--${option} needs a duration like 1y2m3d4h without negative parts`);
  }
  return duration;
}

export function policyFromArgs(args: ParsedArgs): RetentionPolicy {
  const keep: KeepRules = {};
  for (const [option, field] of Object.entries(countOptions)) {
    const text = optionValue(args, option);
    if (text !== undefined) keep[field] = parseCount(option, text);
  }
  for (const [option, field] of Object.entries(durationOptions)) {
    const text = optionValue(args, option);
    if (text !== undefined) keep[field] = parseDuration(option, text);
  }
  const keepTags = args.options.get('keep-tag');
  if (keepTags !== undefined) keep.tags = keepTags.map(tagList);
  const groupBy = optionValue(args, 'group-by');
  let grouping = defaultGrouping;
  try {
    if (groupBy !== undefined) grouping = parseGrouping(groupBy);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  return {
    keep,
    groupBy: grouping,
    filter: {
      hosts: args.options.get('host') ?? [],
      tags: (args.options.get('tag') ?? []).map(tagList),
      paths: args.options.get('path') ?? [],
    },
  };
}

/** restic's group header: `snapshots for (host [h], tags [a, b], paths [/x, /y]):`, nothing without grouping. */
function groupHeader(key: SnapshotGroupKey): string | undefined {
  const parts: string[] = [];
  if (key.hostname !== '') parts.push(`host [${key.hostname}]`);
  if (key.tags !== null) parts.push(`tags [${key.tags.join(', ')}]`);
  if (key.paths !== null) parts.push(`paths [${key.paths.join(', ')}]`);
  return parts.length === 0 ? undefined : `snapshots for (${parts.join(', ')}):`;
}

/** The snapshot's time in this machine's zone, as restic's tables show it. */
function localTime(text: string): string {
  const { sec, nsec } = parseGoTime(text);
  return formatGoTime({ sec, nsec }, localZone()).slice(0, 19).replace('T', ' ');
}

/** A table whose cells may hold several lines (reasons, paths), oldest snapshot first like restic's. */
function snapshotTable(
  entries: readonly (SnapshotEntry & { matches?: string[] })[],
  reasons: boolean,
): string {
  const header = ['ID', 'Time', 'Host', 'Tags', ...(reasons ? ['Reasons'] : []), 'Paths'];
  const rows = [...entries]
    .reverse()
    .map(({ id, snapshot, matches }) => [
      [shortId(id)],
      [localTime(snapshot.time)],
      [snapshot.hostname ?? ''],
      [(snapshot.tags ?? []).join(',')],
      ...(reasons ? [matches ?? []] : []),
      snapshot.paths,
    ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.flatMap((row) => (row[column] ?? []).map((line) => line.length))),
  );
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = [render(header), '-'.repeat(widths.reduce((sum, w) => sum + w + 2, -2))];
  for (const row of rows) {
    const height = Math.max(...row.map((cell) => cell.length), 1);
    for (let i = 0; i < height; i++) lines.push(render(row.map((cell) => cell[i] ?? '')));
  }
  lines.push(lines[1] ?? '', `${entries.length} snapshots`);
  return lines.join('\n');
}

function humanDecision(groups: readonly PolicyGroupResult[]): string[] {
  const lines: string[] = [];
  for (const group of groups) {
    const header = groupHeader(group.key);
    if (header !== undefined) lines.push(header);
    if (group.keep.length > 0) {
      lines.push(`keep ${group.keep.length} snapshots:`, snapshotTable(group.keep, true), '');
    }
    if (group.remove.length > 0) {
      lines.push(`remove ${group.remove.length} snapshots:`, snapshotTable(group.remove, false), '');
    }
  }
  return lines;
}

export const forgetCommand: CliCommand = {
  path: ['forget'],
  summary: 'Remove snapshots according to a retention policy (as restic forget)',
  usage: `Usage: backup-manager forget --repo PATH [policy] [filters] [--group-by GROUP] [--dry-run] [--json]

Snapshots are grouped (by host and paths unless --group-by says otherwise) and the policy is applied to each
group, exactly as restic 0.14's "forget" decides. Only the snapshots are removed: the data they referenced stays
in the repository until it is pruned — with --prune, right after the snapshots are removed.

Policy (a snapshot is kept when any rule keeps it; without any rule nothing is removed):
  -l, --keep-last N             the N newest snapshots
  -H, --keep-hourly N           the newest snapshot of each of the last N hours that have one
  -d, --keep-daily N            … of the last N days
  -w, --keep-weekly N           … of the last N ISO weeks (Monday to Sunday)
  -m, --keep-monthly N          … of the last N months
  -y, --keep-yearly N           … of the last N years
  --keep-within DURATION        every snapshot newer than the newest one minus DURATION (e.g. 1y5m7d2h)
  --keep-within-hourly DURATION the newest snapshot of each hour within DURATION (also -daily, -weekly,
                                -monthly, -yearly)
  --keep-tag TAG[,TAG...]       every snapshot with all of these tags (repeatable; "" = untagged snapshots)
Days, weeks, … are those of the time each snapshot recorded (its own UTC offset).

Filters (only matching snapshots are considered; the others are left alone):
  --host NAME                   snapshots of this host (repeatable)
  --tag TAG[,TAG...]            snapshots with all of these tags (repeatable: any of the lists)
  --path PATH                   snapshots that include this exact path (repeatable: all of them)

  -g, --group-by GROUP          host, paths, tags or a comma-separated combination; '' for one group
                                (default host,paths)
  -n, --dry-run                 only show what would be removed
  --no-lock                     with --dry-run: do not lock the repository (as restic; by default forget takes
                                an exclusive lock, also for a dry run)
  --prune                       when snapshots were removed, prune right after, under the same lock (see
                                "backup-manager prune --help"; with --dry-run, show what it would do)
  --max-unused LIMIT            with --prune: unused data to tolerate (default 5%)
  --json                        restic's forget JSON: one object per group with keep, remove, reasons
                                (with --prune, followed by the prune's progress and summary lines)`,
  options: {
    ...repositoryOptions,
    'keep-last': { value: true, short: 'l' },
    'keep-hourly': { value: true, short: 'H' },
    'keep-daily': { value: true, short: 'd' },
    'keep-weekly': { value: true, short: 'w' },
    'keep-monthly': { value: true, short: 'm' },
    'keep-yearly': { value: true, short: 'y' },
    'keep-within': { value: true },
    'keep-within-hourly': { value: true },
    'keep-within-daily': { value: true },
    'keep-within-weekly': { value: true },
    'keep-within-monthly': { value: true },
    'keep-within-yearly': { value: true },
    'keep-tag': { value: true, repeat: true },
    host: { value: true, repeat: true },
    tag: { value: true, repeat: true },
    path: { value: true, repeat: true },
    'group-by': { value: true, short: 'g' },
    'dry-run': { short: 'n' },
    'no-lock': {},
    prune: {},
    ...pruneOptionSpecs,
  },
  async run(args, { out, env, signal }) {
    if (args.positionals.length > 0) {
      throw usageError(
        'forget takes a policy, not snapshot IDs (removing given snapshots is not supported yet)',
      );
    }
    const policy = policyFromArgs(args);
    const dryRun = args.flags.has('dry-run');
    const noLock = args.flags.has('no-lock');
    if (noLock && !dryRun) throw usageError('--no-lock is only allowed together with --dry-run');
    const withPrune = args.flags.has('prune');
    if (!withPrune && args.options.has('max-unused')) throw usageError('--max-unused needs --prune');
    const maxUnused = maxUnusedFromArgs(args);
    const repository = await openRepository(args, env);
    const forget = async () => {
      const removed = await decideAndRemove(repository, policy, { out, signal, dryRun });
      if (!withPrune || removed.length === 0) return;
      out.line(`${removed.length} snapshots have been removed, running prune`);
      // The removed snapshots are ignored even if a listing still shows them; for a dry run that is what makes
      // the plan show what a real forget --prune would free (restic passes the same set).
      await runPruneStep(repository, {
        out,
        signal,
        dryRun,
        maxUnused,
        quiet: false,
        ignoreSnapshots: removed,
        // Under forget's exclusive lock — or, with --dry-run --no-lock, under none (a dry run writes nothing).
        takeLock: false,
      });
    };
    try {
      // Exclusive, as restic's forget (also for a dry run unless --no-lock): no backup may add a snapshot to a
      // group while it is being judged, and no other forget may judge it at the same time.
      if (noLock) await forget();
      else await withLock(repository, { exclusive: true, signal, onWarning: (m) => out.warn(m) }, forget);
    } finally {
      await repository.backend.close();
    }
    return 0;
  },
};

/** Returns the snapshots removed (in a dry run: those that would be). */
async function decideAndRemove(
  repository: Repository,
  policy: RetentionPolicy,
  { out, signal, dryRun }: { out: CliOutput; signal: AbortSignal; dryRun: boolean },
): Promise<string[]> {
  const snapshots = await loadSnapshotsForForget(repository, (id, message) =>
    out.warn(`could not load snapshot ${shortId(id)}: ${message}`),
  );
  if (isEmptyKeepRules(policy.keep)) {
    out.line('no policy was specified, no snapshots will be removed');
    // restic prints nothing at all in JSON mode here; an empty list keeps the output parseable.
    if (out.json) out.result([], () => '');
    return [];
  }
  out.line(`Applying Policy: ${describeKeepRules(policy.keep)}`);
  const groups = applyPolicy(snapshots, policy);
  for (const line of humanDecision(groups)) out.line(line);
  const removeIds = groups.flatMap((group) => group.remove.map(({ id }) => id));
  if (removeIds.length > 0 && dryRun) {
    out.line(`Would have removed ${removeIds.length} snapshots: ${removeIds.map(shortId).join(' ')}`);
  } else if (removeIds.length > 0) {
    let removed = 0;
    try {
      await removeSnapshots(repository, removeIds, { signal, onRemoved: () => removed++ });
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      throw new EngineError(error.code, `${error.message} (${removed} of ${removeIds.length} removed)`, {
        cause: error,
      });
    }
    out.line(`removed ${removed} snapshots`);
  }
  if (out.json) out.result(forgetGroupsJson(groups), () => '');
  return removeIds;
}

/**
 * `backup-manager prune [--max-unused LIMIT] [--dry-run]`: removes data no snapshot needs, deciding and acting as
 * restic 0.14's prune (same plan, same crash-safe order). The statistics it prints before acting are restic's.
 * `forget --prune` runs the same step (runPruneStep) under forget's lock.
 */
import { isEngineError } from '../../engine/errors';
import type { Id } from '../../engine/ids';
import { defaultMaxUnused, type MaxUnusedLimit, parseMaxUnused } from '../../engine/prune/max-unused';
import {
  type PruneOptions,
  type PruneProgress,
  type PruneResult,
  type PruneStats,
  prune,
  pruneLocked,
} from '../../engine/prune/prune';
import type { Repository } from '../../engine/repository/repository';
import { optionValue, type ParsedArgs } from '../cli-args';
import { type CliCommand, CliError } from '../cli-command';
import type { CliOutput } from '../cli-output';
import { formatDuration, formatSize } from './cli-format';
import { openRepository, repositoryOptions } from './repository-access';

/** The options `prune` and `forget --prune` share. */
export const pruneOptionSpecs = {
  'max-unused': { value: true },
} as const;

export function maxUnusedFromArgs(args: ParsedArgs): MaxUnusedLimit {
  const text = optionValue(args, 'max-unused');
  if (text === undefined) return defaultMaxUnused;
  try {
    return parseMaxUnused(text);
  } catch (error) {
    if (isEngineError(error, 'INVALID_ARGUMENT')) throw new CliError('USAGE', error.message, 2);
    throw error;
  }
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0.00%' : `${((100 * part) / whole).toFixed(2)}%`;
}

function blobsLine(title: string, blobs: number, bytes: number): string {
  return `${title.padEnd(14)}${String(blobs).padStart(10)} blobs / ${formatSize(bytes)}`;
}

/** restic's printPruneStats, line for line. */
export function pruneStatsLines(stats: PruneStats): string[] {
  const { blobs, bytes, packs } = stats;
  const totalBlobs = blobs.used + blobs.unused + blobs.duplicate;
  const totalSize = bytes.used + bytes.duplicate + bytes.unused + bytes.unreferenced;
  const unusedSize = bytes.duplicate + bytes.unused;
  const pruneBlobs = blobs.remove + blobs.repackRemove;
  const pruneSize = bytes.remove + bytes.repackRemove + bytes.unreferenced;
  const unusedAfter = unusedSize - bytes.remove - bytes.repackRemove;
  const lines = [blobsLine('used:', blobs.used, bytes.used)];
  if (blobs.duplicate > 0) lines.push(blobsLine('duplicates:', blobs.duplicate, bytes.duplicate));
  lines.push(blobsLine('unused:', blobs.unused, bytes.unused));
  if (bytes.unreferenced > 0) lines.push(`unreferenced:${' '.repeat(20)} ${formatSize(bytes.unreferenced)}`);
  lines.push(
    blobsLine('total:', totalBlobs, totalSize),
    `unused size: ${percent(unusedSize, totalSize)} of total size`,
    '',
    blobsLine('to repack:', blobs.repack, bytes.repack),
    blobsLine('this removes:', blobs.repackRemove, bytes.repackRemove),
    blobsLine('to delete:', blobs.remove, bytes.remove + bytes.unreferenced),
    blobsLine('total prune:', pruneBlobs, pruneSize),
    blobsLine('remaining:', totalBlobs - pruneBlobs, totalSize - pruneSize),
    `unused size after prune: ${formatSize(unusedAfter)} (${percent(unusedAfter, totalSize - pruneSize)} of remaining size)`,
    '',
    `totally used packs: ${String(packs.used).padStart(10)}`,
    `partly used packs:  ${String(packs.partlyUsed).padStart(10)}`,
    `unused packs:       ${String(packs.unused).padStart(10)}`,
    '',
    `to keep:      ${String(packs.keep).padStart(10)} packs`,
    `to repack:    ${String(packs.repack).padStart(10)} packs`,
    `to delete:    ${String(packs.remove).padStart(10)} packs`,
  );
  if (packs.unreferenced > 0)
    lines.push(`to delete:    ${String(packs.unreferenced).padStart(10)} unreferenced packs`);
  return lines;
}

const phaseNames: Record<PruneProgress['phase'], string> = {
  index: 'loading index',
  snapshots: 'finding used data',
  repack: 'repacking',
  'index-write': 'writing index',
  delete: 'deleting',
};

function progressText(p: PruneProgress): string {
  const parts = [`[${formatDuration(p.elapsedSeconds)}]`, phaseNames[p.phase]];
  if (p.phase === 'snapshots') parts.push(`${p.done} trees`);
  else if (p.total > 0) parts.push(`${p.done}/${p.total}`);
  if (p.bytesTotal > 0) parts.push(`${formatSize(p.bytesDone)}/${formatSize(p.bytesTotal)}`);
  return parts.join('  ');
}

function summaryJson(result: PruneResult): Record<string, unknown> {
  return {
    type: 'summary',
    dry_run: result.dryRun,
    packs_kept: result.packsKept,
    packs_removed: result.packsRemoved,
    packs_repacked: result.packsRepacked,
    packs_written: result.packsWritten,
    blobs_removed: result.blobsRemoved,
    bytes_removed: result.bytesRemoved,
    bytes_written_by_repack: result.bytesWrittenByRepack,
    unused_bytes_left: result.unusedBytesLeft,
    bytes_remaining: result.bytesRemaining,
    index_files_written: result.indexFilesWritten,
    index_files_removed: result.indexFilesRemoved,
    temporary_files_removed: result.temporaryFilesRemoved,
    temporary_bytes_removed: result.temporaryBytesRemoved,
    stats: result.stats,
  };
}

function humanSummary(result: PruneResult): string {
  if (result.dryRun) {
    return (
      `dry run: would remove ${result.packsRemoved} packs (${result.packsRepacked} of them after repacking) ` +
      `and free ${formatSize(result.bytesRemoved)}; nothing was changed`
    );
  }
  return (
    `done: removed ${result.packsRemoved} packs (${result.packsRepacked} repacked into ${result.packsWritten} ` +
    `new, ${formatSize(result.bytesWrittenByRepack)} written), freed ${formatSize(result.bytesRemoved)}; ` +
    `${formatSize(result.unusedBytesLeft)} unused data left` +
    (result.temporaryFilesRemoved > 0
      ? `; removed ${result.temporaryFilesRemoved} temporary files left by interrupted writes (${formatSize(result.temporaryBytesRemoved)})`
      : '')
  );
}

export interface PruneStepOptions {
  out: CliOutput;
  signal: AbortSignal;
  dryRun: boolean;
  maxUnused: MaxUnusedLimit;
  quiet: boolean;
  /** Snapshots to treat as removed (forget --dry-run --prune). */
  ignoreSnapshots?: readonly Id[];
  /** False when the caller holds the exclusive lock already (forget --prune). */
  takeLock: boolean;
}

/** Runs a prune with the CLI's output: restic's statistics, a progress line, and a summary. */
export async function runPruneStep(repository: Repository, step: PruneStepOptions): Promise<PruneResult> {
  const { out } = step;
  const options: PruneOptions = {
    dryRun: step.dryRun,
    maxUnused: step.maxUnused,
    ignoreSnapshots: step.ignoreSnapshots,
    signal: step.signal,
    onPlan: (stats) => {
      for (const line of pruneStatsLines(stats)) out.line(line);
      out.line('');
    },
    onProgress: step.quiet && !out.json ? undefined : (p) => out.progress({ ...p }, () => progressText(p)),
  };
  const result = step.takeLock
    ? await prune(repository, { ...options, onLockWarning: (message) => out.warn(message) })
    : await pruneLocked(repository, options);
  out.endProgress();
  out.result(summaryJson(result), () => humanSummary(result));
  return result;
}

export const pruneCommand: CliCommand = {
  path: ['prune'],
  summary: 'Remove data no snapshot needs any more (as restic prune)',
  usage: `Usage: backup-manager prune --repo PATH [--max-unused LIMIT] [--dry-run] [--json]

Finds the data every snapshot still needs, deletes packs that hold nothing else, and copies the still needed
parts of partly used packs into new packs ("repacking") until the unused data left is below --max-unused. The
plan and its statistics are restic 0.14's. Runs under an exclusive lock, and in an order that leaves a sound
repository when interrupted at any moment; running prune again then finishes the job. A damaged repository (a
snapshot or tree that cannot be read, data missing) is refused without changing anything: run check.

Options:
  --max-unused LIMIT  unused data to tolerate in partly used packs: a percentage of the remaining data (default
                      5%), a size (bytes, or with suffix k/K, m/M, g/G, t/T) or 'unlimited' (no repacking)
  -n, --dry-run       only show what would be done
  -q, --quiet         no progress line
  --json              JSON lines: progress, and a summary with the statistics
Exit codes: 0 done (or dry run), 1 failed or refused (nothing was deleted unless the message says so), 2 usage.`,
  options: {
    ...repositoryOptions,
    ...pruneOptionSpecs,
    'dry-run': { short: 'n' },
    quiet: { short: 'q' },
  },
  async run(args, { out, env, signal }) {
    if (args.positionals.length > 0) throw new CliError('USAGE', 'prune takes no arguments, only options', 2);
    const maxUnused = maxUnusedFromArgs(args);
    const repository = await openRepository(args, env);
    await runPruneStep(repository, {
      out,
      signal,
      dryRun: args.flags.has('dry-run'),
      maxUnused,
      quiet: args.flags.has('quiet'),
      takeLock: true,
    });
    return 0;
  },
};

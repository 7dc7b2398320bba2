/**
 * `prune`: removes data no snapshot needs, as restic 0.14's prune does — same plan (prune-plan.ts), same
 * crash-safe order of execution (prune-execute.ts). Under the exclusive lock: no backup may add snapshots or
 * packs while blobs are judged unused, and no other prune may delete what this one is copying.
 *
 *   1. load every index file and list data/ (repository-state.ts)
 *   2. walk every snapshot's trees: the used blobs (used-blobs.ts); anything unreadable refuses the prune
 *   3. per pack, how much is used (pack-usage.ts); decide keep / remove / repack (prune-plan.ts)
 *   4. unless a dry run: repack, write the new index, delete the old index files, then the packs
 *
 * The Repository instance's own index is neither used nor updated: after a prune, open the repository again
 * before writing to it.
 */
import { withLock } from '../lock/repository-lock';
import { startMemoryTrimmer } from '../parallel/garbage-collector';
import { defaultPackTargetSize } from '../repository/pack-writer';
import type { Repository } from '../repository/repository';
import { defaultMaxBlobsPerIndexFile } from './index-rewrite';
import { defaultMaxUnused, type MaxUnusedLimit } from './max-unused';
import { packUsageFromIndex } from './pack-usage';
import { type ExecuteOutcome, executePrunePlan } from './prune-execute';
import { blobsToRepack, decidePackActions, emptyPruneStats, type PrunePlan } from './prune-plan';
import { PruneProgressReporter } from './prune-progress';
import type { PruneOptions, PruneResult, PruneStats } from './prune-types';
import { loadRepositoryState, type RepositoryState } from './repository-state';
import { findUsedBlobs, type UsedBlobs } from './used-blobs';

export type { PruneOptions, PruneProgress, PruneResult, PruneStats } from './prune-types';

/** Takes the exclusive lock, prunes, releases the lock. REPO_LOCKED when another process holds a lock. */
export function prune(
  repository: Repository,
  options: PruneOptions & { onLockWarning?: (message: string) => void } = {},
): Promise<PruneResult> {
  return withLock(
    repository,
    { exclusive: true, signal: options.signal, onWarning: options.onLockWarning },
    () => pruneLocked(repository, options),
  );
}

/** For a caller that already holds the exclusive lock (`forget --prune` prunes under forget's lock). */
export async function pruneLocked(repository: Repository, options: PruneOptions = {}): Promise<PruneResult> {
  const { signal } = options;
  const progress = new PruneProgressReporter(options.onProgress);
  const packTargetSize = options.packTargetSize ?? defaultPackTargetSize;
  const stopTrimmer = startMemoryTrimmer();
  try {
    progress.phase('index');
    const state = await loadRepositoryState(repository, signal);
    progress.phase('snapshots');
    const { stats, plan, toCopy } = planPrune(
      state,
      await findUsedBlobs(repository, state.index, state.packSizes, {
        ignoreSnapshots: options.ignoreSnapshots,
        signal,
        concurrency: options.treeLoadConcurrency,
        onTree: (trees) => progress.setDone(trees),
      }),
      options.maxUnused ?? defaultMaxUnused,
      packTargetSize,
    );
    options.onPlan?.(stats);
    let outcome: ExecuteOutcome | null = null;
    if (!options.dryRun) {
      outcome = await executePrunePlan({
        repository,
        state,
        plan,
        toCopy,
        packTargetSize,
        maxBlobsPerIndexFile:
          options.maxBlobsPerIndexFile ?? defaultMaxBlobsPerIndexFile(repository.config.version),
        progress,
        signal,
      });
    }
    // Under the exclusive lock nothing else writes, so every temporary file is a leftover of a crash (ours or
    // restic's): up to two packs' worth per interrupted backup, which nothing else ever removes.
    const temporary =
      outcome !== null && repository.backend.removeTemporaryFiles
        ? await repository.backend.removeTemporaryFiles()
        : { files: 0, bytes: 0 };
    await progress.finish();
    return {
      ...pruneResult(stats, outcome),
      temporaryFilesRemoved: temporary.files,
      temporaryBytesRemoved: temporary.bytes,
    };
  } finally {
    stopTrimmer();
    progress.stop();
  }
}

/**
 * Step 3 of the module comment. The sets of used blobs — a string per blob of the repository, twice — are garbage
 * once this returns, before the repack and the index rewrite allocate theirs.
 */
function planPrune(
  state: RepositoryState,
  used: UsedBlobs,
  maxUnused: MaxUnusedLimit,
  packTargetSize: number,
): { stats: PruneStats; plan: PrunePlan; toCopy: Set<string> } {
  const stats = emptyPruneStats();
  const usage = packUsageFromIndex(state.index, used.keys, stats);
  const plan = decidePackActions(
    { packs: usage.packs, packSizes: state.packSizes, maxUnused, packTargetSize },
    stats,
  );
  return { stats, plan, toCopy: blobsToRepack(usage.keepBlobs, state.index, plan) };
}

/** The summary; for a dry run, what the prune would do (nothing written: written counts are 0). */
function pruneResult(
  stats: PruneStats,
  outcome: ExecuteOutcome | null,
): Omit<PruneResult, 'temporaryFilesRemoved' | 'temporaryBytesRemoved'> {
  const { blobs, bytes, packs } = stats;
  const totalSize = bytes.used + bytes.duplicate + bytes.unused + bytes.unreferenced;
  const bytesRemoved = bytes.remove + bytes.repackRemove + bytes.unreferenced;
  return {
    dryRun: outcome === null,
    stats,
    packsKept: packs.keep,
    packsRemoved: outcome?.packsRemoved ?? packs.remove + packs.repack + packs.unreferenced,
    packsRepacked: packs.repack,
    packsWritten: outcome?.packsWritten ?? 0,
    bytesWrittenByRepack: outcome?.bytesWrittenByRepack ?? 0,
    blobsRemoved: blobs.remove + blobs.repackRemove,
    bytesRemoved,
    unusedBytesLeft: bytes.duplicate + bytes.unused - bytes.remove - bytes.repackRemove,
    bytesRemaining: totalSize - bytesRemoved,
    indexFilesWritten: outcome?.indexFilesWritten ?? 0,
    indexFilesRemoved: outcome?.indexFilesRemoved ?? 0,
  };
}

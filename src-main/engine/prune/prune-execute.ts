/**
 * Carrying out a prune plan in restic's crash-safe order. The invariant that holds after every single write or
 * delete — so that a SIGKILL at any moment leaves a repository restic accepts and every snapshot restores:
 *
 *   every blob a snapshot needs is in a pack that exists, and some index file on storage names it there.
 *
 * 1. Repack: new packs with copies of the used blobs, then an index file naming them. Only additions: a crash
 *    leaves packs no index names yet (restic check: a hint, removed by the next prune) or blobs indexed twice.
 * 2. The new complete index (kept packs + new packs), all files written before any old one is deleted. A crash
 *    between leaves old and new index files side by side: duplicate entries, which restic merges.
 * 3. The old index files (and the repack's) are deleted. Each remaining one only adds entries for packs that
 *    still exist, because no pack has been deleted yet.
 * 4. Only now the packs: unused, repacked and unreferenced. No index file names them any more, so deleting them
 *    removes nothing a snapshot or an index refers to. A crash leaves some of them as unreferenced packs.
 *
 * A second prune after any crash finds what was left (extra copies, unreferenced packs) and cleans it up.
 * restic deletes the unreferenced packs first (to free space for the repack); they go last here so that a prune
 * failing or cancelled before step 3 has deleted nothing at all.
 */
import type { Id } from '../ids';
import type { IndexPack } from '../repository/index-file';
import type { Repository } from '../repository/repository';
import { writeCompleteIndex } from './index-rewrite';
import { cancelledError, throwIfCancelled } from './prune-cancel';
import type { PrunePlan } from './prune-plan';
import type { PruneProgressReporter } from './prune-progress';
import { repack } from './repack';
import type { RepositoryState } from './repository-state';

export interface ExecuteInput {
  repository: Repository;
  state: RepositoryState;
  plan: PrunePlan;
  /** Used blobs only the repacked packs hold (blobKey). */
  toCopy: Set<string>;
  packTargetSize: number;
  maxBlobsPerIndexFile: number;
  progress: PruneProgressReporter;
  signal?: AbortSignal;
}

export interface ExecuteOutcome {
  packsWritten: number;
  bytesWrittenByRepack: number;
  indexFilesWritten: number;
  indexFilesRemoved: number;
  packsRemoved: number;
}

export async function executePrunePlan(input: ExecuteInput): Promise<ExecuteOutcome> {
  const { repository, state, plan, progress, signal } = input;
  const outcome: ExecuteOutcome = {
    packsWritten: 0,
    bytesWrittenByRepack: 0,
    indexFilesWritten: 0,
    indexFilesRemoved: 0,
    packsRemoved: 0,
  };

  // 1. Repack.
  let newPacks: IndexPack[] = [];
  let repackIndexFiles: Id[] = [];
  if (plan.repackPacks.size > 0) {
    let bytesTotal = 0;
    for (const id of plan.repackPacks) bytesTotal += state.packSizes.get(id) ?? 0;
    progress.phase('repack', plan.repackPacks.size, bytesTotal);
    const repacked = await repack({
      repository,
      index: state.index,
      packSizes: state.packSizes,
      repackPacks: plan.repackPacks,
      toCopy: input.toCopy,
      packTargetSize: input.packTargetSize,
      signal,
      onPackDone: (bytes) => progress.advance(1, bytes),
    });
    newPacks = repacked.packs;
    repackIndexFiles = repacked.indexFiles;
    outcome.packsWritten = repacked.packs.length;
    outcome.bytesWrittenByRepack = repacked.bytesWritten;
  }

  // 2. The new complete index, when any indexed pack goes — or when packs are named by several index files:
  // restic 0.14 leaves those for `rebuild-index`, but a prune interrupted while deleting the old index files
  // leaves exactly that, and the next prune should leave nothing for `check` to mention.
  const gone = new Set([...plan.removePacks, ...plan.repackPacks, ...plan.ignorePacks]);
  const rewriteIndex = gone.size > 0 || state.packsIndexedTwice > 0;
  const oldIndexFiles = rewriteIndex ? [...state.indexFiles, ...repackIndexFiles] : [];
  if (rewriteIndex) {
    throwIfCancelled(signal, 'nothing was deleted');
    progress.phase('index-write');
    const written = await writeCompleteIndex({
      repository,
      packs: keptPacks(state, gone, newPacks),
      supersedes: oldIndexFiles,
      maxBlobs: input.maxBlobsPerIndexFile,
      onFileWritten: () => progress.advance(),
    });
    outcome.indexFilesWritten = written.length;
  }

  // 3. and 4. Old index files, then packs.
  const packsToDelete = [...plan.removePacks, ...plan.repackPacks, ...plan.unreferencedPacks].sort();
  const total = oldIndexFiles.length + packsToDelete.length;
  if (total === 0) return outcome;
  throwIfCancelled(signal, 'nothing was deleted');
  progress.phase('delete', total);
  const stopIfCancelled = () => {
    if (!signal?.aborted) return;
    const left = total - outcome.indexFilesRemoved - outcome.packsRemoved;
    throw cancelledError(
      `the repository is consistent (the new index is complete); ${left} superseded index files and packs ` +
        'are left for the next prune to delete',
    );
  };
  for (const id of oldIndexFiles) {
    stopIfCancelled();
    await repository.backend.remove({ type: 'index', name: id });
    outcome.indexFilesRemoved++;
    progress.advance();
  }
  for (const id of packsToDelete) {
    stopIfCancelled();
    await repository.backend.remove({ type: 'data', name: id });
    outcome.packsRemoved++;
    progress.advance();
  }
  return outcome;
}

/** The packs the new index names: every indexed pack that stays, then the repack's new packs. */
function* keptPacks(
  state: RepositoryState,
  gone: ReadonlySet<Id>,
  newPacks: IndexPack[],
): Iterable<IndexPack> {
  for (const pack of state.index.packs()) if (!gone.has(pack.id)) yield pack;
  yield* newPacks;
}

/**
 * What a prune is asked to do, reports while it runs, and returns: the vocabulary shared by the planner, the
 * executor and their callers (the CLI's `prune` and `forget --prune`).
 */
import type { Id } from '../ids';
import type { MaxUnusedLimit } from './max-unused';

export interface PruneOptions {
  /** How much unused data may stay in partly used packs (restic's --max-unused; default 5%). */
  maxUnused?: MaxUnusedLimit;
  /** Plan only: nothing is written or deleted (the lock is still taken, as restic does). */
  dryRun?: boolean;
  /**
   * Snapshots to treat as gone: `forget --dry-run --prune` plans as if the snapshots it would remove were removed
   * (restic passes the same set), and a forget whose deletions a listing does not show yet is covered too.
   */
  ignoreSnapshots?: readonly Id[];
  signal?: AbortSignal;
  /** Called at most 10 times a second, and once when a phase ends. */
  onProgress?: (progress: PruneProgress) => void;
  /** Called once the plan is made, before anything is changed (the CLI prints it as restic prints its stats). */
  onPlan?: (stats: PruneStats) => void;
  /** Pack size the repack aims at, and by which "small" packs are judged (default restic's 16 MiB). */
  packTargetSize?: number;
  /** Blobs per index file written (default restic's: 150 000 in v2 repositories, 50 000 in v1). */
  maxBlobsPerIndexFile?: number;
  /** Trees loaded at once while finding the used blobs (default 8). */
  treeLoadConcurrency?: number;
}

/**
 * `index`: loading index files and listing packs. `snapshots`: walking every snapshot's trees. `repack`: copying
 * the used blobs of the chosen packs into new packs. `index-write`: writing the new index files. `delete`: deleting
 * superseded index files, then packs.
 */
export type PrunePhase = 'index' | 'snapshots' | 'repack' | 'index-write' | 'delete';

export interface PruneProgress {
  phase: PrunePhase;
  /** Items done and to do in this phase: trees loaded (total unknown: 0), packs repacked, files written/deleted. */
  done: number;
  total: number;
  /** Bytes of packs read while repacking, and to read. */
  bytesDone: number;
  bytesTotal: number;
  elapsedSeconds: number;
}

/** restic's pruneStats: what the plan found and decided, before anything is changed. */
export interface PruneStats {
  blobs: {
    /** Blobs some snapshot needs (one copy each). */
    used: number;
    /** Further copies of used blobs. */
    duplicate: number;
    /** Blobs no snapshot needs. */
    unused: number;
    /** Blobs in packs deleted whole. */
    remove: number;
    /** Blobs in packs to repack, and of those the ones dropped. */
    repack: number;
    repackRemove: number;
  };
  /** The same, in stored bytes (pack header entries excluded, as restic counts). */
  bytes: {
    used: number;
    duplicate: number;
    unused: number;
    remove: number;
    repack: number;
    repackRemove: number;
    /** Size of the packs no index names. */
    unreferenced: number;
  };
  packs: {
    /** Packs with only used blobs, only unused ones, and both. */
    used: number;
    unused: number;
    partlyUsed: number;
    /** Packs in data/ that no index names. */
    unreferenced: number;
    keep: number;
    repack: number;
    remove: number;
  };
}

export interface PruneResult {
  dryRun: boolean;
  stats: PruneStats;
  /** Packs left as they were. */
  packsKept: number;
  /** Packs deleted whole: unused, repacked, and unreferenced ones. */
  packsRemoved: number;
  packsRepacked: number;
  /** New packs the repack wrote, and their size. */
  packsWritten: number;
  bytesWrittenByRepack: number;
  /** Blobs dropped: those of deleted packs and those left behind by the repack. */
  blobsRemoved: number;
  /** Bytes freed: deleted and repacked packs' unused blobs and unreferenced packs (restic's "total prune"). */
  bytesRemoved: number;
  /** Unused and duplicate bytes still in the repository afterwards (restic's "unused size after prune"). */
  unusedBytesLeft: number;
  /** Bytes of blobs remaining after the prune (restic's "remaining"). */
  bytesRemaining: number;
  indexFilesWritten: number;
  indexFilesRemoved: number;
  /** Leftovers of interrupted writes deleted (temporary files a crash left in the repository). */
  temporaryFilesRemoved: number;
  temporaryBytesRemoved: number;
}

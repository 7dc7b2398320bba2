/**
 * What a repository check reports: problems (errors make the repository fail the check; warnings do not, as with
 * restic's "not referenced in any index" and "contained in several indexes" hints), and which snapshots and paths
 * the damage affects.
 */
import type { EngineErrorCode } from '../errors';
import type { Id } from '../ids';
import type { WorkerSetOptions } from '../parallel/worker-set';
import type { BlobType } from '../repository/blob';

export type CheckProblemKind =
  /** An index file that cannot be read, decrypted or decoded (error). */
  | 'index-unreadable'
  /** A pack listed by several index files (warning, as restic: `rebuild-index` tidies it). */
  | 'index-duplicate-pack'
  /** A pack holding both tree and data blobs (warning, as restic). */
  | 'pack-mixed'
  /** A pack the index names is not in data/ (error). */
  | 'pack-missing'
  /** A pack's file size differs from the size its index entries imply (error). */
  | 'pack-size'
  /** The index entries of a pack have gaps or overlap (error). */
  | 'pack-layout'
  /** A pack's header cannot be read or disagrees with the index (error). */
  | 'pack-header'
  /** A pack in data/ that no index names (warning: restic's "not referenced in any index"). */
  | 'pack-unreferenced'
  /** Reading a pack failed (error). */
  | 'pack-unreadable'
  /** A pack's SHA-256 is not its name (error). */
  | 'pack-hash'
  /** A blob that does not decrypt, decompress or hash to its ID where the index says it is (error). */
  | 'blob-damaged'
  /** A blob a tree references is in no index (error: a dangling reference). */
  | 'blob-missing'
  /** A snapshot file that cannot be read or decoded (error). */
  | 'snapshot-unreadable'
  /** A tree blob that is indexed but cannot be loaded or decoded (error). */
  | 'tree-unreadable'
  /** A node restic's checker refuses: a file without content list, a dir without subtree, an empty name (error). */
  | 'node-invalid';

export interface CheckProblem {
  kind: CheckProblemKind;
  /** Set on errors: CORRUPT for damaged or inconsistent data, NOT_FOUND for missing files and blobs, IO_ERROR. */
  code?: EngineErrorCode;
  /** One line naming what is affected. */
  message: string;
  pack?: Id;
  blob?: { type: BlobType; id: Id };
  indexFile?: Id;
  snapshot?: Id;
  /** The tree holding the node concerned, or the tree that could not be loaded. */
  tree?: Id;
  /** The node's name (Go-quoted when not printable). */
  node?: string;
}

export interface AffectedSnapshot {
  snapshot: Id;
  /** The snapshot's time (RFC 3339), for messages. */
  time: string;
  /**
   * Absolute paths inside the snapshot of the files whose content is damaged or missing, and of directories whose
   * listing is (then everything below them is affected). At most `maxAffectedPaths`; see `pathCount`.
   */
  paths: string[];
  /** How many paths are affected in all (more than `paths.length` when the list was cut). */
  pathCount: number;
}

export interface CheckResult {
  errors: CheckProblem[];
  warnings: CheckProblem[];
  /** Problems found but not listed (the lists are capped so a wrecked repository cannot exhaust memory). */
  omittedErrors: number;
  omittedWarnings: number;
  affected: AffectedSnapshot[];
  /** Packs whose existence, size and header were checked (every indexed pack). */
  packsChecked: number;
  /** Packs read completely and verified (hash, header, every blob). */
  packsRead: number;
  /** Blobs decrypted and hashed: the trees walked plus, with read-data, every blob of the packs read. */
  blobsChecked: number;
  snapshotsChecked: number;
  treesChecked: number;
  /** Whether the blob verification ran in worker threads. */
  threaded: boolean;
}

/** Which packs to read completely (restic's --read-data / --read-data-subset). */
export type DataSubset =
  | { kind: 'all' }
  /** Packs whose ID's first byte modulo `total` is `part - 1` (restic's n/t). */
  | { kind: 'bucket'; part: number; total: number }
  /** A random selection of this percentage of the packs (at least one). */
  | { kind: 'percent'; percent: number };

/**
 * `index`: loading index files. `structure`: packs against the index, then snapshots and trees. `read-data`:
 * reading the selected packs — the structure check runs alongside (its trees keep counting). `affected`: mapping
 * damage to snapshots and paths.
 */
export type CheckPhase = 'index' | 'structure' | 'read-data' | 'affected';

export interface CheckProgress {
  phase: CheckPhase;
  /** Packs done and to do: checked in `structure`, read in `read-data`. */
  packsDone: number;
  packsTotal: number;
  /** Trees loaded and checked so far. */
  treesChecked: number;
  /** Bytes read and to read in `read-data`. */
  bytesDone: number;
  bytesTotal: number;
  elapsedSeconds: number;
}

export interface CheckOptions extends WorkerSetOptions {
  /**
   * Settles when the repository may be relied on — the caller's exclusive lock is held. The worker threads start
   * and the index files load meanwhile (they are loaded again if they changed before it settled); nothing else is
   * read before. A rejection (REPO_LOCKED) ends the check with that error.
   */
  ready?: Promise<unknown>;
  /** Read and verify the data of these packs; without it, only the structure is checked. */
  readData?: DataSubset;
  signal?: AbortSignal;
  /** Called at most 10 times a second, and once at the end of each phase. */
  onProgress?: (progress: CheckProgress) => void;
  /** Packs are read in windows of about this size, cut between blobs (default 2 MiB; tests lower it). */
  readWindowBytes?: number;
}

/** restic's limit for `n/t` subsets: buckets are taken from the first byte of the pack ID. */
export const maxDataSubsetBuckets = 256;

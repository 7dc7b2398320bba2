/**
 * The restorer's public vocabulary: options, the problems it reports, and its summary.
 */
import type { EngineErrorCode } from '../errors';
import type { Id } from '../ids';
import type { ProgressSnapshot } from '../progress/progress-meter';

export interface RestoreOptions {
  /** What to restore: a snapshot (anything with its root `tree`, e.g. a Snapshot) or a tree ID. */
  source: { tree: Id };
  /** The directory restored into; created when missing. Nothing is ever written outside it. */
  target: string;
  /**
   * A directory inside the snapshot (e.g. "/etc/ssh") whose *contents* land in the target, as restic's
   * `snapshot:subfolder`. Default: the whole snapshot.
   */
  subpath?: string;
  /**
   * Restore only these paths (relative to the restored directory, e.g. "etc/ssh", "/etc/hosts") and everything
   * below them; they keep their place under the target. Default: everything.
   */
  include?: readonly string[];
  signal?: AbortSignal;
  /** Files and bytes done and total, rate, ETA, current item; at most 10 per second. */
  onProgress?: (progress: ProgressSnapshot) => void;
  /** A metadata problem (owner, mode, xattr, times) or an entry type that is not restored; the restore goes on. */
  onWarning?: (warning: RestoreWarning) => void;
  /** An entry that was not restored (refused, damaged, unwritable); the restore goes on with the others. */
  onFailure?: (failure: RestoreFailure) => void;
  /** Worker threads decoding and writing content (default: one per CPU; 0 = inline in this thread). */
  workers?: number;
  /** The built worker script (default: found next to the running bundle, see worker-script.ts). */
  workerScript?: string;
  /** Restore owners by uid/gid (default: when running as root, as restic). */
  ownership?: boolean;
  /**
   * A batch of files is planned while the one before is written; a batch ends at this many files (default 2000)
   * or bytes of content (default 256 MiB). Bounds the restorer's memory on huge snapshots.
   */
  batchFiles?: number;
  batchBytes?: number;
}

export interface RestoreFailure {
  /** The entry's path relative to the target (printable; Go-quoted when not printable UTF-8). */
  path: string;
  code: EngineErrorCode;
  /** Names what failed: the pack and blob for damaged data, the refused name for PATH_ESCAPE, … */
  message: string;
}

export interface RestoreWarning {
  path: string;
  message: string;
}

export interface RestoreSummary {
  /** Regular files with their content (a hardlinked file counts once here, its other names as hardlinks). */
  files: number;
  hardlinks: number;
  directories: number;
  symlinks: number;
  /** Fifos and block/character devices. */
  specialFiles: number;
  /** Content bytes of the restored files (holes included). */
  bytes: number;
  /** Entries not restored, in the order they were met. Non-empty means the restore is incomplete. */
  failures: RestoreFailure[];
  /** The first 1000 warnings; `warningCount` has the total. */
  warnings: RestoreWarning[];
  warningCount: number;
  /** Whether content was decoded in worker threads (false: inline in the calling thread), and how many. */
  threaded: boolean;
  workers: number;
  elapsedSeconds: number;
}

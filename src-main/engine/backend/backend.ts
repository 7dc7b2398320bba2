/**
 * Storage behind a repository. The local backend implements it now; SFTP and S3 implement the same interface
 * later, so nothing above this file may assume a local filesystem.
 *
 * Files are identified by type and name, in restic's layout: `config`, `keys/<id>`, `data/<id[0:2]>/<id>`,
 * `index/<id>`, `snapshots/<id>`, `locks/<id>`. Files are written once and never modified.
 */

export type FileType = 'config' | 'key' | 'data' | 'index' | 'snapshot' | 'lock';

export interface FileHandle {
  type: FileType;
  /** The file's ID (hex), or '' for `config`. */
  name: string;
}

/**
 * A file's bytes: one buffer, or parts written back to back (a pack is its blobs and header; writing the parts
 * saves assembling a 16 MiB copy of each pack in memory).
 */
export type WriteData = Uint8Array | readonly Uint8Array[];

/** The total length of `data`. */
export function writeDataLength(data: WriteData): number {
  if (data instanceof Uint8Array) return data.length;
  let length = 0;
  for (const part of data) length += part.length;
  return length;
}

/** A byte range of a file (see Backend.read). */
export interface ReadRange {
  offset: number;
  length?: number;
  /**
   * Where to put the bytes, at least `length` long (only with an explicit `length`): the result is then a view of
   * it. Lets a caller reuse its buffers for large reads instead of faulting in fresh memory for each. A backend
   * may ignore it and return a buffer of its own.
   */
  into?: Uint8Array;
}

/**
 * A file being written whose name is not known yet — a pack is named by the hash of its bytes: its pieces are
 * appended as they come, so they need not be held in memory, and it appears under its name only when committed,
 * atomically and durably as with `write`. Until then it is invisible to listings; `abort` removes it.
 */
export interface FileDraft {
  /** Appends; like `write`, keeps nothing of `data` once the promise resolves (the caller may reuse it). */
  append(data: readonly Uint8Array[]): Promise<void>;
  /** Names the file (its type was given to startFile) and makes it durable. Fails with NO_SPACE like `write`. */
  commit(file: FileHandle): Promise<void>;
  /** Removes what was written; never throws. */
  abort(): Promise<void>;
}

export interface FileInfo extends FileHandle {
  size: number;
}

export interface Backend {
  /** A human-readable location (path or URL, without credentials) for messages. */
  readonly location: string;
  /**
   * How many pack `write`s a caller should keep in flight (default 2: one written while the next is filled). A
   * backend whose every write is a round trip to a server (S3) asks for more, so that a pack's upload latency does
   * not stall the backup; each one in flight holds a pack (16 MiB) in memory.
   */
  readonly parallelWrites?: number;
  /** Creates the repository's directory structure; fails with ALREADY_EXISTS when a config is there. */
  create(): Promise<void>;
  /** True when `config` exists. */
  exists(): Promise<boolean>;
  /** Every file of a type, with its size. Order is unspecified. */
  list(type: FileType): AsyncIterable<FileInfo>;
  /** NOT_FOUND when absent. */
  stat(file: FileHandle): Promise<FileInfo>;
  /**
   * Reads `length` bytes at `offset` (the whole file when both are omitted). A negative offset reads from the
   * end (`offset: -4` = the last 4 bytes). Fails with NOT_FOUND when absent, CORRUPT when the file is shorter
   * than the range.
   */
  read(file: FileHandle, range?: ReadRange): Promise<Buffer>;
  /**
   * Writes a complete file atomically: readers never see a partial file, and after the promise resolves the file
   * is durable (fsynced, directory entry fsynced). Fails with NO_SPACE when the storage is full, leaving nothing
   * behind. Keeps nothing of `data` once the promise settles: the caller may reuse or release its memory.
   */
  write(file: FileHandle, data: WriteData): Promise<void>;
  /**
   * Starts a file of `type` to be written piece by piece and named at the end (see FileDraft). Optional: a backend
   * that cannot stage a file leaves it out, and the caller collects the file in memory and writes it with `write`.
   * A crash leaves a draft behind as a temporary file (see removeTemporaryFiles).
   */
  startFile?(type: FileType): Promise<FileDraft>;
  /** Deletes a file; deleting an absent file is not an error. */
  remove(file: FileHandle): Promise<void>;
  /**
   * Deletes what interrupted writes left behind (temporary files of writes a crash cut short; restic's own are
   * named alike). Only safe while nothing else writes to the repository: call it under an exclusive lock.
   * Backends whose writes leave nothing behind do not implement it.
   */
  removeTemporaryFiles?(): Promise<{ files: number; bytes: number }>;
  close(): Promise<void>;
}

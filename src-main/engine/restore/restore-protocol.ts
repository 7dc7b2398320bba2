/**
 * Messages between the restorer's content writer (main thread) and its restore workers:
 *   main → worker  `job`   one byte range of one pack (read once by the main thread through the backend, its
 *                          buffer transferred), the files to create first (those whose blobs are all in this
 *                          range), and for each blob in the range where its plaintext goes: (file, offset)
 *   worker → main  `done`  per blob: decoded and written (or all zeros, so nothing written: a hole), or why not;
 *                          files that could not be created or closed; and the job's buffer, transferred back
 *                          so the main thread reads a later range into it
 * The worker decrypts, decompresses and checks each blob's SHA-256 against its ID, then writes it with positional
 * writes. One blob used by several files (or several times by one file) is decoded once and written to every
 * target. A file whose blobs span several jobs is created by the main thread before any of them is sent.
 */
import type { MasterKey } from '../crypto/master-key';
import type { EngineErrorCode } from '../errors';
import type { Id } from '../ids';

export interface RestoreWorkerInit {
  key: MasterKey;
}

/**
 * An absolute path's raw bytes as a latin1 string (one char per byte, lossless). Not a Buffer: a small Buffer is
 * a view into an 8 KiB pool, and structured clone copies the whole pool for each one — with thousands of targets
 * per job that cost more memory than the data itself.
 */
export type WirePath = string;

export interface BlobTarget {
  /** Absolute path of the file; created by the main thread, or by this job (`creates`). */
  path: WirePath;
  /** Byte offset of the blob's plaintext in that file. */
  offset: number;
}

export interface JobBlob {
  id: Id;
  /** Offset of the encrypted blob within the job's data. */
  start: number;
  /** Stored (encrypted) length. */
  length: number;
  /** Plaintext length of a compressed blob; absent when stored uncompressed. */
  uncompressedLength?: number;
  targets: BlobTarget[];
}

/** A regular file to create (exclusively, replacing a non-directory entry) at its full length, all a hole. */
export interface FileToCreate {
  path: WirePath;
  /** The path relative to the target, for messages. */
  display: string;
  length: number;
}

export interface RestoreJob {
  t: 'job';
  job: number;
  packId: Id;
  data: Uint8Array;
  /** Created before any blob is written. */
  creates: FileToCreate[];
  blobs: JobBlob[];
}

export type ToRestoreWorker = RestoreJob;

export interface CodedProblem {
  code: EngineErrorCode;
  message: string;
}

export interface BlobOutcome {
  /** Set when the blob could not be decoded (CORRUPT naming pack and blob); nothing was written. */
  error?: CodedProblem;
  /** The plaintext was all zeros: nothing was written (the file's hole already reads as zeros). */
  zero?: boolean;
  /** Targets that could not be written, by index into the blob's `targets`. */
  writeErrors?: { target: number; problem: CodedProblem }[];
}

export interface FromRestoreWorker {
  t: 'done';
  job: number;
  /** In the order of the job's blobs. */
  blobs: BlobOutcome[];
  /** Files that could not be created, or whose descriptor failed to close (a delayed write error). */
  fileErrors: { path: WirePath; problem: CodedProblem }[];
  /** The job's `data`, handed back (its buffer transferred) for reuse. */
  data?: Uint8Array;
}

/**
 * Messages between the data check (main thread, pack-data-check.ts) and its check workers (check-worker.ts):
 *   main → worker  `verify`  bytes of one pack — a window of it (pack-windows.ts; its buffer transferred), the
 *                            next part of the pack this worker is hashing, or one blob read apart — and the
 *                            index entries of the blobs inside; with the last part, every index entry of the pack
 *   worker → main  `done`    after the last part: the pack's SHA-256 and what is wrong with its header; for every
 *                            blob: decrypted, decompressed and hashed to its ID, or why not; and the job's
 *                            buffer, transferred back, so the main thread reads the next window into it
 *
 * All parts of a pack go to the same worker, in order (a channel keeps the order of its messages).
 */
import type { MasterKey } from '../crypto/master-key';
import type { EngineErrorCode } from '../errors';
import type { Id } from '../ids';
import type { PackedBlob } from '../repository/blob';

export interface CheckWorkerInit {
  key: MasterKey;
}

export interface VerifyJob {
  t: 'verify';
  job: number;
  packId: Id;
  data: Uint8Array;
  /** Offset of `data[0]` in the pack file. */
  dataOffset: number;
  /** Absent for a blob read apart: then only `blobs` are decoded, nothing is hashed. */
  part?: PackPart;
  /** The entries to decode, inside `data`, by offset; offsets are absolute (in the pack file). */
  blobs: PackedBlob[];
}

/** Where a window lies in the pack the worker is hashing. */
export interface PackPart {
  /** Starts the pack's hash (`data` begins at byte 0). */
  first: boolean;
  /** Ends at the pack's last byte: finish the hash and check the header. */
  last: boolean;
  packSize: number;
  /** With the last part: every index entry of the pack, which the header must list. */
  packBlobs?: PackedBlob[];
}

export interface CodedProblem {
  code: EngineErrorCode;
  message: string;
}

export interface BlobFailure extends CodedProblem {
  /** Index into the job's `blobs`. */
  blob: number;
}

export interface VerifyReply {
  t: 'done';
  job: number;
  /** After the last part: the SHA-256 (hex) of the file. */
  hash?: Id;
  /** After the last part: the header cannot be read, or lists other blobs than the index (messages name the pack). */
  headerProblems: CodedProblem[];
  /** After the last part: the header begins before this window (an index or length field gone wrong): read it. */
  headerBefore?: boolean;
  blobFailures: BlobFailure[];
  /** The job's `data`, handed back (its buffer transferred) for reuse. */
  data?: Uint8Array;
}

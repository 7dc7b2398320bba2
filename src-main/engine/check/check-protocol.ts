/**
 * Messages between the data check (main thread, pack-data-check.ts) and its check workers (check-worker.ts):
 *   main → worker  `verify`  bytes of one pack — the whole file (read once, its buffer transferred), or for a
 *                            pack too large to hold at once one window of it — and the index entries of the blobs
 *                            inside; for a whole pack, every index entry of the pack
 *   worker → main  `done`    for a whole pack: its SHA-256 and what is wrong with its header; for every blob:
 *                            decrypted, decompressed and hashed to its ID, or why not; and the job's buffer,
 *                            transferred back, so the main thread reads the next pack into it
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
  /**
   * `data` is the whole pack: hash it and check its header against `blobs` (then every index entry of the pack).
   * Otherwise `data` is a window and `blobs` are the entries inside it.
   */
  whole: boolean;
  /** Offsets are absolute (in the pack file). */
  blobs: PackedBlob[];
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
  /** Whole packs: the SHA-256 (hex) of the file. */
  hash?: Id;
  /** Whole packs: the header cannot be read, or lists other blobs than the index (messages name the pack). */
  headerProblems: CodedProblem[];
  blobFailures: BlobFailure[];
  /** The job's `data`, handed back (its buffer transferred) for reuse. */
  data?: Uint8Array;
}

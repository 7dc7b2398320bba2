/**
 * Messages between the archiver (main thread) and its chunk workers. The flow for each file:
 *   main → worker  `files`    a batch of files to read
 *   worker → main  `queries`  the chunks found (ID and size), the bytes held back in the worker
 *   main → worker  `answers`  for each chunk: store it (new) or drop it (the repository has it, or it is in flight)
 *   worker → main  `blobs`    compressed + encrypted new chunks, buffers transferred
 *   worker → main  `done`     per file: its content list, or why it could not be read
 * Deduplication is decided in one place (main) before any CPU is spent compressing and encrypting.
 */
import type { MasterKey } from '../crypto/master-key';
import type { Id } from '../ids';
import type { EncodedBlob } from '../repository/blob';

export interface ChunkWorkerInit {
  key: MasterKey;
  /** The repository's chunker polynomial, hex. */
  polynomial: string;
  /** Try zstd (v2 repositories). */
  compress: boolean;
  /** Read buffer size in bytes. */
  readBufferSize: number;
  /** The worker stops reading while it holds more unanswered chunk bytes than this. */
  maxHeldBytes: number;
}

export interface FileTask {
  task: number;
  /** Absolute path, raw bytes. */
  path: Uint8Array;
  /** What lstat said when the file was scanned; a different state when reading is reported as a change. */
  size: number;
  mtimeNs: string;
  ctimeNs: string;
}

export type ToChunkWorker =
  | { t: 'files'; files: FileTask[] }
  | { t: 'answers'; items: { task: number; seq: number; store: boolean }[] };

export interface ChunkQuery {
  task: number;
  seq: number;
  id: Id;
  size: number;
}

export interface FileOutcome {
  task: number;
  /** Content list (null when the file could not be read at all). */
  content: Id[] | null;
  /** Bytes actually read. */
  size: number;
  /** Non-fatal problems: the file changed while being read, … */
  warnings: string[];
  /** Why the file could not be read (vanished, permission denied); the file is left out of the snapshot. */
  error?: { code: string; message: string };
}

export type FromChunkWorker =
  | { t: 'queries'; items: ChunkQuery[] }
  | { t: 'blobs'; blobs: EncodedBlob[] }
  | { t: 'done'; files: FileOutcome[] }
  | { t: 'fatal'; message: string };

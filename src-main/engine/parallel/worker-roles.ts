/**
 * The jobs an engine worker thread can do. Each role is a handler factory run inside the worker; the main-thread
 * side of each role lives with its feature (archiver, restorer, checker).
 */
import { createChunkWorker } from '../archiver/chunk-worker';
import { createCheckWorker } from '../check/check-worker';
import { createRestoreWorker } from '../restore/restore-worker';
import type { WorkerHandlerFactory } from './worker-channel';

export const workerRoles = {
  /** Backup: read files, chunk, hash; compress and encrypt the chunks the main thread says are new. */
  backup: createChunkWorker,
  /** Restore: decode (decrypt, decompress, verify) the blobs of pack ranges and write them into files. */
  restore: createRestoreWorker,
  /** Check --read-data: hash packs, check their headers, decode (decrypt, decompress, verify) every blob. */
  check: createCheckWorker,
} satisfies Record<string, WorkerHandlerFactory>;

export type WorkerRole = keyof typeof workerRoles;

export function isWorkerRole(value: unknown): value is WorkerRole {
  return typeof value === 'string' && Object.hasOwn(workerRoles, value);
}

/**
 * Worker side of the restorer (role `restore`): creates the files whose content is all in this job, decodes the
 * blobs of one pack range — decrypt, decompress, SHA-256 against the blob ID — and writes each plaintext at its
 * offsets with positional writes. Blobs of zeros are not written: files are created at their full length, so
 * those ranges stay holes (sparse files stay sparse). Creating small files here, in the same thread that writes
 * them, spreads the filesystem's create cost over the workers (restic creates files in its writers too).
 *
 * Files are created exclusively (see restore-entries.ts) in directories the main thread vouched for, and opened for
 * writing with O_NOFOLLOW and without O_CREAT, so a worker never writes through a symlink or an existing entry.
 * I/O is synchronous: this thread exists for this work, and sync calls do not queue on libuv's thread pool, which
 * the main thread needs for its own file operations.
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { EngineError, fromNodeError } from '../errors';
import { createGarbagePacer } from '../parallel/garbage-collector';
import type { WorkerHandler } from '../parallel/worker-channel';
import { decodeBlob } from '../repository/blob-codec';
import { openNewRegularFile } from './restore-entries';
import type {
  BlobOutcome,
  CodedProblem,
  FileToCreate,
  FromRestoreWorker,
  RestoreWorkerInit,
  ToRestoreWorker,
  WirePath,
} from './restore-protocol';

const zeros = Buffer.alloc(64 * 1024);

/** True when every byte is 0 (memcmp against a zero page, slice by slice). */
export function isAllZero(data: Buffer): boolean {
  for (let offset = 0; offset < data.length; offset += zeros.length) {
    const length = Math.min(zeros.length, data.length - offset);
    if (!data.subarray(offset, offset + length).equals(zeros.subarray(0, length))) return false;
  }
  return true;
}

function problemOf(error: unknown, what: string): CodedProblem {
  const engineError = error instanceof EngineError ? error : fromNodeError(error, what);
  return { code: engineError.code, message: engineError.message };
}

/** Writes all of `data` at `position` (a positional write may be short). */
function writeFully(fd: number, data: Buffer, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}

export function createRestoreWorker(
  rawInit: unknown,
  post: (message: FromRestoreWorker, transfer?: ArrayBuffer[]) => void,
): WorkerHandler {
  const init = rawInit as RestoreWorkerInit;
  // Young collections every 4 MiB of decoded blobs: each blob's decrypted copy is dead as soon as it is written.
  const pacer = createGarbagePacer(48 * 1024 * 1024, 4 * 1024 * 1024);

  const runJob = (job: ToRestoreWorker): FromRestoreWorker => {
    const data = Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength);
    const outcomes: BlobOutcome[] = [];
    const fileErrors: { path: WirePath; problem: CodedProblem }[] = [];
    const files = new JobFiles(job, fileErrors);
    // The range's buffer is the job's and nothing reads its stored bytes again: blobs are decrypted in place,
    // except one overlapping a blob decrypted already (entries only a damaged or hostile index has).
    let decryptedUpTo = 0;
    try {
      for (const blob of job.blobs) {
        let plaintext: Buffer | null = null;
        let outcome: BlobOutcome = {};
        const inPlace = blob.start >= decryptedUpTo;
        if (inPlace) decryptedUpTo = blob.start + blob.length;
        try {
          plaintext = decodeBlob(
            init.key,
            { type: 'data', id: blob.id, length: blob.length, uncompressedLength: blob.uncompressedLength },
            data.subarray(blob.start, blob.start + blob.length),
            job.packId,
            // Written below before the next blob is decoded, so decompression may reuse one scratch buffer.
            { transient: true, inPlace },
          );
          // Dead once written, when not decrypted in place: the decrypted payload. Counted blob by blob, so a
          // range does not leave as much again in dead buffers before the job ends.
          if (!inPlace) pacer.note(blob.length);
          if (isAllZero(plaintext)) {
            outcome = { zero: true };
            plaintext = null;
          }
        } catch (error) {
          outcome = { error: problemOf(error, `data blob ${blob.id} in pack ${job.packId}`) };
        }
        for (const [index, target] of blob.targets.entries()) {
          try {
            const fd = plaintext === null ? null : files.descriptor(target.path);
            if (fd !== null && plaintext !== null) writeFully(fd, plaintext, target.offset);
          } catch (error) {
            outcome.writeErrors ??= [];
            outcome.writeErrors.push({
              target: index,
              problem: problemOf(error, `writing data blob ${blob.id}`),
            });
          }
          files.targetDone(target.path);
        }
        outcomes.push(outcome);
      }
    } finally {
      files.closeAll();
    }
    return { t: 'done', job: job.job, blobs: outcomes, fileErrors, data: job.data };
  };

  return {
    onMessage(raw) {
      const job = raw as ToRestoreWorker;
      // The range's buffer goes back with the reply, for a later read: nothing range-sized is left here for the
      // collector (the decoded blobs were counted as they were made).
      post(runJob(job), [job.data.buffer as ArrayBuffer]);
    },
  };
}

/**
 * The files one job writes: created on first use (those the job is told to create), opened without O_CREAT
 * otherwise, and closed as soon as their last target in the job is written — so a range holding thousands of
 * small files never holds thousands of descriptors.
 */
class JobFiles {
  private readonly toCreate = new Map<string, FileToCreate>();
  private readonly failed = new Set<string>();
  private readonly open = new Map<string, number>();
  private readonly targetsLeft = new Map<string, number>();

  constructor(
    job: ToRestoreWorker,
    private readonly errors: { path: WirePath; problem: CodedProblem }[],
  ) {
    for (const file of job.creates) this.toCreate.set(file.path, file);
    for (const blob of job.blobs) {
      for (const target of blob.targets) {
        const key = target.path;
        this.targetsLeft.set(key, (this.targetsLeft.get(key) ?? 0) + 1);
      }
    }
  }

  /** The descriptor to write `path` through; null when it could not be created (already reported). */
  descriptor(key: WirePath): number | null {
    if (this.failed.has(key)) return null;
    let fd = this.open.get(key);
    if (fd !== undefined) return fd;
    const create = this.toCreate.get(key);
    if (create === undefined) {
      fd = openSync(Buffer.from(key, 'latin1'), constants.O_WRONLY | constants.O_NOFOLLOW);
    } else {
      this.toCreate.delete(key);
      try {
        fd = openNewRegularFile(Buffer.from(key, 'latin1'), create.display, create.length);
      } catch (error) {
        this.failed.add(key);
        this.errors.push({ path: key, problem: problemOf(error, create.display) });
        return null;
      }
    }
    this.open.set(key, fd);
    return fd;
  }

  targetDone(key: WirePath): void {
    const left = (this.targetsLeft.get(key) ?? 1) - 1;
    this.targetsLeft.set(key, left);
    if (left === 0) this.close(key);
  }

  /** Closes what is open and creates what was never written (all its blobs were zeros or failed). */
  closeAll(): void {
    for (const key of [...this.open.keys()]) this.close(key);
    for (const [key, file] of this.toCreate) {
      try {
        closeSync(openNewRegularFile(Buffer.from(file.path, 'latin1'), file.display, file.length));
      } catch (error) {
        this.errors.push({ path: file.path, problem: problemOf(error, file.display) });
      }
      this.toCreate.delete(key);
    }
  }

  private close(key: string): void {
    const fd = this.open.get(key);
    if (fd === undefined) {
      // Never written: a file of zeros (or of failed blobs) still has to exist at its length.
      const create = this.toCreate.get(key);
      if (create !== undefined) {
        this.toCreate.delete(key);
        try {
          closeSync(openNewRegularFile(Buffer.from(create.path, 'latin1'), create.display, create.length));
        } catch (error) {
          this.errors.push({ path: create.path, problem: problemOf(error, create.display) });
        }
      }
      return;
    }
    this.open.delete(key);
    try {
      closeSync(fd);
    } catch (error) {
      // close can be where a delayed write error surfaces (NFS, quotas): the file is not intact.
      this.errors.push({
        path: key,
        problem: problemOf(error, 'closing after writing'),
      });
    }
  }
}

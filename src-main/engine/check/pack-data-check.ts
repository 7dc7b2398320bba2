/**
 * Step 4 of a check, with --read-data: every selected pack is read once, in one backend read, and its buffer is
 * handed (transferred, not copied) to a check worker that hashes it, checks its header against the index and
 * decodes every blob (check-worker.ts). Reading runs ahead of the workers, bounded by the bytes in flight.
 *
 * A pack larger than `wholePackReadLimit` (restic never writes one: its largest pack size is 128 MiB) is read in
 * windows so memory stays bounded whatever a hostile repository holds: the main thread hashes the windows in
 * order, workers decode the blobs inside each window, a blob crossing a window boundary is read on its own, and
 * the header is read from the end as in the structure check.
 */
import { createHash } from 'node:crypto';
import { EngineError, isEngineError } from '../errors';
import type { Id } from '../ids';
import { createGarbagePacer } from '../parallel/garbage-collector';
import { ReadBufferPool, transferable } from '../parallel/read-buffer-pool';
import type { WorkerChannel } from '../parallel/worker-channel';
import { startWorkers, type WorkerSet, type WorkerSetOptions } from '../parallel/worker-set';
import type { PackedBlob } from '../repository/blob';
import type { MasterIndex } from '../repository/master-index';
import type { Repository } from '../repository/repository';
import type { CheckWorkerInit, VerifyJob, VerifyReply } from './check-protocol';
import { throwIfCancelled } from './concurrency';
import type { DamageLedger } from './damage-ledger';
import { checkPackHeader } from './pack-files-check';
import { byOffset } from './pack-layout';
import type { ProblemLog } from './problem-log';
import { maxStoredBlobLength } from './tree-loader';

export const defaultWholePackReadLimit = 192 * 1024 * 1024;
const defaultWindowBytes = 32 * 1024 * 1024;

export interface PackDataOptions {
  repository: Repository;
  log: ProblemLog;
  ledger: DamageLedger;
  signal?: AbortSignal;
  workers: WorkerSetOptions;
  wholePackReadLimit?: number;
  readWindowBytes?: number;
  maxInFlightBytes?: number;
}

export interface PackDataResult {
  packsRead: number;
  blobsChecked: number;
  threaded: boolean;
}

/**
 * Reads and verifies packs. Created before the index is loaded, so the worker threads start up while it loads;
 * `close` stops them.
 */
export class PackDataChecker {
  private readonly workers: WorkerSet;
  private readonly outstanding = new Map<WorkerChannel, number>();
  /** Jobs sent and not answered yet; settled with null when a worker dies. */
  private readonly replies = new Map<number, (reply: VerifyReply | null) => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private inFlightBytes = 0;
  private nextJob = 1;
  private fatal: EngineError | null = null;
  /** Buffers for pack reads, handed back by the workers (see read-buffer-pool.ts). */
  private readonly readBuffers: ReadBufferPool;
  private packsRead = 0;
  private blobsChecked = 0;
  private readonly maxInFlightBytes: number;
  private readonly wholePackReadLimit: number;
  private readonly windowSize: number;
  private onPackDone: (bytes: number) => void = () => undefined;

  constructor(private readonly context: PackDataOptions) {
    const init: CheckWorkerInit = { key: context.repository.key };
    this.workers = startWorkers('check', init, context.workers);
    for (const channel of this.workers.channels) {
      this.outstanding.set(channel, 0);
      channel.onMessage((message) => {
        const reply = message as VerifyReply;
        const settle = this.replies.get(reply.job);
        this.replies.delete(reply.job);
        settle?.(reply);
      });
      channel.onFailure((error) => this.stop(error));
    }
    // One restic-sized pack per worker (16 MiB and the overshoot of its last blob): measured on the benchmark,
    // a third pack read ahead bought no speed from a warm cache and cost 17 MiB more peak memory; never more
    // than 256 MiB however many workers there are (a pack bigger than the budget is still read, alone).
    this.maxInFlightBytes =
      context.maxInFlightBytes ?? Math.min(256, 20 * Math.max(1, this.workers.channels.length)) * 1024 * 1024;
    this.wholePackReadLimit = context.wholePackReadLimit ?? defaultWholePackReadLimit;
    // One spare pack buffer: a buffer handed back is taken by the next read at once. More are released (see
    // read-buffer-pool.ts).
    this.readBuffers = new ReadBufferPool(1, createGarbagePacer(256 * 1024 * 1024, 16 * 1024 * 1024));
    this.windowSize = context.readWindowBytes ?? defaultWindowBytes;
  }

  /** Verifies the packs of `toRead` (sizes from `files`; a pack not there was reported missing already). */
  async run(
    index: MasterIndex,
    files: ReadonlyMap<Id, number>,
    toRead: ReadonlySet<Id>,
    onPackDone: (bytes: number) => void,
  ): Promise<PackDataResult> {
    const { signal } = this.context;
    this.onPackDone = onPackDone;
    for (const pack of index.packs()) {
      if (this.fatal !== null || signal?.aborted) break;
      const size = files.get(pack.id);
      if (!toRead.has(pack.id) || size === undefined) continue;
      const blobs = byOffset(pack.blobs);
      if (size <= this.wholePackReadLimit) {
        await this.admit(size, () => this.verifyWholePack(pack.id, size, blobs));
      } else {
        await this.verifyInWindows(pack.id, size, blobs);
      }
    }
    await Promise.all(this.inFlight);
    if (this.fatal !== null) throw this.fatal;
    throwIfCancelled(signal);
    return { packsRead: this.packsRead, blobsChecked: this.blobsChecked, threaded: this.workers.threaded };
  }

  async close(): Promise<void> {
    await this.workers.terminate();
  }

  /** Waits until `bytes` more fit in the budget, then runs `task` in the background. */
  private async admit(bytes: number, task: () => Promise<void>): Promise<void> {
    while (this.inFlightBytes > 0 && this.inFlightBytes + bytes > this.maxInFlightBytes) {
      await Promise.race(this.inFlight);
    }
    this.inFlightBytes += bytes;
    const running: Promise<void> = task()
      .catch((error: unknown) => {
        // Problems of the data are logged inside the task; what arrives here stops the check.
        this.stop(
          isEngineError(error)
            ? error
            : new EngineError('IO_ERROR', `check failed: ${(error as Error).message}`, { cause: error }),
        );
      })
      .finally(() => {
        this.inFlightBytes -= bytes;
        this.inFlight.delete(running);
      });
    this.inFlight.add(running);
  }

  private async verifyWholePack(id: Id, size: number, blobs: PackedBlob[]): Promise<void> {
    try {
      const data = await this.read(id, { offset: 0, length: size }, blobs);
      if (data === null) return;
      const job: VerifyJob = { t: 'verify', job: 0, packId: id, data, dataOffset: 0, whole: true, blobs };
      const reply = await this.runJob(job);
      if (reply === null) return;
      this.packsRead++;
      if (reply.hash !== id) this.hashMismatch(id, reply.hash ?? '(none)');
      for (const problem of reply.headerProblems) {
        this.context.log.error({ kind: 'pack-header', ...problem, pack: id });
      }
      this.record(id, blobs, reply);
    } finally {
      this.onPackDone(size);
    }
  }

  private hashMismatch(id: Id, actual: string): void {
    this.context.log.error({
      kind: 'pack-hash',
      code: 'CORRUPT',
      message: `pack ${id}: Pack ID does not match, want ${id}, got ${actual}`,
      pack: id,
    });
  }

  private async verifyInWindows(id: Id, size: number, sorted: PackedBlob[]): Promise<void> {
    try {
      await this.verifyWindows(id, size, sorted);
    } finally {
      this.onPackDone(size);
    }
  }

  private async verifyWindows(id: Id, size: number, sorted: PackedBlob[]): Promise<void> {
    const windows = new Map<number, PackedBlob[]>();
    const crossing: PackedBlob[] = [];
    for (const blob of sorted) {
      if (blob.length > maxStoredBlobLength || blob.offset + blob.length > size) {
        this.blobsChecked++;
        this.blobFailed(id, blob, {
          code: 'CORRUPT',
          message: `${blob.type} blob ${blob.id} in pack ${id}: the index places it at ${blob.offset}+${blob.length}, outside the ${size}-byte pack`,
        });
        continue;
      }
      const start = Math.floor(blob.offset / this.windowSize) * this.windowSize;
      if (blob.offset + blob.length <= Math.min(size, start + this.windowSize)) {
        const list = windows.get(start) ?? [];
        list.push(blob);
        windows.set(start, list);
      } else {
        crossing.push(blob);
      }
    }
    const hash = createHash('sha256');
    for (let start = 0; start < size; start += this.windowSize) {
      if (this.fatal !== null || this.context.signal?.aborted) return;
      const length = Math.min(this.windowSize, size - start);
      const inside = windows.get(start) ?? [];
      // Hashing needs every window in order, so the read is awaited here; decoding runs in the background.
      const data = await this.read(id, { offset: start, length }, [...inside, ...crossing]);
      if (data === null) return;
      hash.update(data);
      if (inside.length > 0) await this.admit(length, () => this.verifyWindow(id, data, start, inside));
    }
    for (const blob of crossing) {
      await this.admit(blob.length, async () => {
        const data = await this.read(id, { offset: blob.offset, length: blob.length }, [blob]);
        if (data !== null) await this.verifyWindow(id, data, blob.offset, [blob]);
      });
    }
    const actual = hash.digest('hex');
    if (actual !== id) this.hashMismatch(id, actual);
    await checkPackHeader(this.context.repository, this.context.log, id, size, sorted);
    this.packsRead++;
  }

  private async verifyWindow(id: Id, data: Buffer, offset: number, blobs: PackedBlob[]): Promise<void> {
    const reply = await this.runJob({
      t: 'verify',
      job: 0,
      packId: id,
      data,
      dataOffset: offset,
      whole: false,
      blobs,
    });
    if (reply !== null) this.record(id, blobs, reply);
  }

  /** One backend read; null (logged, its blobs marked bad) when it fails. */
  private async read(
    id: Id,
    range: { offset: number; length: number },
    blobs: readonly PackedBlob[],
  ): Promise<Buffer | null> {
    try {
      const into = this.readBuffers.take(range.length);
      return await this.context.repository.backend.read({ type: 'data', name: id }, { ...range, into });
    } catch (error) {
      if (!isEngineError(error)) throw error;
      this.context.log.error({
        kind: 'pack-unreadable',
        code: error.code,
        message: `pack ${id}: failed to read ${range.length} bytes at ${range.offset}: ${error.message}`,
        pack: id,
      });
      for (const blob of blobs) this.context.ledger.copyBad(id, blob.type, blob.id);
      return null;
    }
  }

  private record(id: Id, blobs: readonly PackedBlob[], reply: VerifyReply): void {
    this.blobsChecked += blobs.length;
    for (const failure of reply.blobFailures) {
      const blob = blobs[failure.blob];
      if (blob !== undefined) this.blobFailed(id, blob, failure);
    }
  }

  private blobFailed(id: Id, blob: PackedBlob, problem: { code: EngineError['code']; message: string }) {
    this.context.log.error({
      kind: 'blob-damaged',
      code: problem.code,
      message: problem.message,
      pack: id,
      blob: { type: blob.type, id: blob.id },
    });
    this.context.ledger.copyBad(id, blob.type, blob.id);
  }

  /** Sends a job to the least busy worker; null when the check was stopped meanwhile. */
  private runJob(job: VerifyJob): Promise<VerifyReply | null> {
    if (this.fatal !== null) return Promise.resolve(null);
    const channel = [...this.outstanding.entries()].reduce((best, next) =>
      next[1] < best[1] ? next : best,
    )[0];
    this.outstanding.set(channel, (this.outstanding.get(channel) ?? 0) + 1);
    const message: VerifyJob = { ...job, job: this.nextJob++ };
    const { data } = message;
    const owned = transferable(data, this.readBuffers);
    return new Promise((resolve) => {
      this.replies.set(message.job, (reply) => {
        this.outstanding.set(channel, (this.outstanding.get(channel) ?? 1) - 1);
        if (reply !== null) this.readBuffers.giveBack(reply.data);
        resolve(reply);
      });
      channel.post(message, owned ? [data.buffer as ArrayBuffer] : []);
    });
  }

  /** Stops dispatching; a dead worker never answers, so every job in flight is abandoned. */
  private stop(error: EngineError): void {
    if (this.fatal !== null) return;
    this.fatal = error;
    for (const settle of this.replies.values()) settle(null);
    this.replies.clear();
  }
}

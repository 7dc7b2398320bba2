/**
 * Step 4 of a check, with --read-data: every selected pack is read once, in windows of a few megabytes cut between
 * blobs (pack-windows.ts), and each window's buffer is handed (transferred, not copied) to a check worker that
 * hashes it as the next bytes of the pack and decodes its blobs (check-worker.ts); the worker given a pack's last
 * window finishes its hash and checks its header.
 *
 * Each worker has a lane: a loop on this thread that takes the next pack, reads its windows in order and posts them
 * to that worker, reading at most `windowsAhead` windows ahead of it. So a worker always has its next window
 * waiting, and the check holds a few windows per worker — not whole 16 MiB packs (measured on the benchmark: about
 * 25 MiB less peak memory than two whole packs in flight, and no slower). Whatever size the index or the file
 * claims, nothing larger than a window (twice that for the last one, or one blob) is read at once.
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
import type { CheckWorkerInit, PackPart, VerifyJob, VerifyReply } from './check-protocol';
import { throwIfCancelled } from './concurrency';
import type { DamageLedger } from './damage-ledger';
import { checkPackHeader } from './pack-files-check';
import { byOffset } from './pack-layout';
import { type PackWindow, planPackReads } from './pack-windows';
import type { ProblemLog } from './problem-log';

/**
 * Two restic-sized blobs: small enough to hold a few per worker, large enough to keep per-read costs low (and
 * above the read buffer pool's 1 MiB floor: windows of 1 MiB mostly missed the pool and cost 20 MiB more).
 */
const defaultWindowBytes = 2 * 1024 * 1024;
/** Windows read ahead of what a worker is decoding: one is waiting when it finishes one. */
const windowsAhead = 2;

export interface PackDataOptions {
  repository: Repository;
  log: ProblemLog;
  ledger: DamageLedger;
  signal?: AbortSignal;
  workers: WorkerSetOptions;
  readWindowBytes?: number;
}

export interface PackDataResult {
  packsRead: number;
  blobsChecked: number;
  threaded: boolean;
}

interface PackToRead {
  id: Id;
  size: number;
  blobs: PackedBlob[];
}

/**
 * Reads and verifies packs. Created before the index is loaded, so the worker threads start up while it loads;
 * `close` stops them.
 */
export class PackDataChecker {
  private readonly workers: WorkerSet;
  /** Jobs sent and not answered yet; settled with null when a worker dies. */
  private readonly replies = new Map<number, (reply: VerifyReply | null) => void>();
  private nextJob = 1;
  private fatal: EngineError | null = null;
  /** Buffers for window reads, handed back by the workers (see read-buffer-pool.ts). */
  private readonly readBuffers: ReadBufferPool;
  private packsRead = 0;
  private blobsChecked = 0;
  private readonly windowBytes: number;
  private onPackDone: (bytes: number) => void = () => undefined;

  constructor(private readonly context: PackDataOptions) {
    const init: CheckWorkerInit = { key: context.repository.key };
    this.workers = startWorkers('check', init, context.workers);
    for (const channel of this.workers.channels) {
      channel.onMessage((message) => {
        const reply = message as VerifyReply;
        const settle = this.replies.get(reply.job);
        this.replies.delete(reply.job);
        settle?.(reply);
      });
      channel.onFailure((error) => this.stop(error));
    }
    this.windowBytes = context.readWindowBytes ?? defaultWindowBytes;
    // Spares for every window a lane can have out, so reads reuse buffers rather than fault in new ones; more are
    // released (see read-buffer-pool.ts).
    this.readBuffers = new ReadBufferPool(
      windowsAhead * this.workers.channels.length,
      createGarbagePacer(256 * 1024 * 1024, 16 * 1024 * 1024),
    );
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
    const packs = (function* (): Generator<PackToRead> {
      for (const pack of index.packs()) {
        const size = files.get(pack.id);
        if (toRead.has(pack.id) && size !== undefined) yield { id: pack.id, size, blobs: pack.blobs };
      }
    })();
    // One lane per worker, all taking packs from the same list (next() by hand: a for-of ending in one lane would
    // close the generator for the others).
    await Promise.all(
      this.workers.channels.map(async (channel) => {
        for (let next = packs.next(); !next.done; next = packs.next()) {
          if (this.fatal !== null || signal?.aborted) return;
          await this.verifyPack(channel, next.value);
        }
      }),
    );
    if (this.fatal !== null) throw this.fatal;
    throwIfCancelled(signal);
    return { packsRead: this.packsRead, blobsChecked: this.blobsChecked, threaded: this.workers.threaded };
  }

  async close(): Promise<void> {
    await this.workers.terminate();
  }

  private async verifyPack(channel: WorkerChannel, pack: PackToRead): Promise<void> {
    try {
      await this.verifyPackParts(channel, pack);
    } catch (error) {
      // Problems of the data are logged as they are found; what arrives here stops the check.
      this.stop(
        isEngineError(error)
          ? error
          : new EngineError('IO_ERROR', `check failed: ${(error as Error).message}`, { cause: error }),
      );
    } finally {
      this.onPackDone(pack.size);
    }
  }

  private async verifyPackParts(channel: WorkerChannel, { id, size, blobs }: PackToRead): Promise<void> {
    const sorted = byOffset(blobs);
    const plan = planPackReads(sorted, size, this.windowBytes);
    for (const blob of plan.misplaced) {
      this.blobsChecked++;
      this.blobFailed(id, blob, {
        code: 'CORRUPT',
        message: `${blob.type} blob ${blob.id} in pack ${id}: the index places it at ${blob.offset}+${blob.length}, outside the ${size}-byte pack`,
      });
    }
    if (plan.windows.length === 0) {
      // An empty file: nothing to read, but its hash and header are as wrong as those of any other.
      const empty = createHash('sha256').digest('hex');
      if (empty !== id) this.hashMismatch(id, empty);
      await checkPackHeader(this.context.repository, this.context.log, id, size, sorted);
      this.packsRead++;
      return;
    }
    const pending: Promise<void>[] = [];
    let last: VerifyReply | null = null;
    for (const [i, window] of plan.windows.entries()) {
      if (pending.length >= windowsAhead) await pending.shift();
      if (this.fatal !== null || this.context.signal?.aborted) return;
      const unread = [...plan.windows.slice(i).flatMap((w) => w.blobs), ...plan.apart];
      const data = await this.read(id, window, unread);
      // Without these bytes the pack's hash cannot be computed: the pack and everything in it not yet read is
      // reported (read logs it), and its windows sent already are only decoded.
      if (data === null) {
        await Promise.all(pending);
        return;
      }
      const part: PackPart = { first: i === 0, last: i === plan.windows.length - 1, packSize: size };
      if (part.last) part.packBlobs = sorted;
      pending.push(
        this.runJob(channel, {
          t: 'verify',
          job: 0,
          packId: id,
          data,
          dataOffset: window.start,
          part,
          blobs: window.blobs,
        }).then((reply) => {
          if (reply === null) return;
          this.record(id, window.blobs, reply);
          if (part.last) last = reply;
        }),
      );
    }
    await Promise.all(pending);
    for (const blob of plan.apart) {
      const data = await this.read(id, { start: blob.offset, end: blob.offset + blob.length }, [blob]);
      if (data === null) continue;
      const reply = await this.runJob(channel, {
        t: 'verify',
        job: 0,
        packId: id,
        data,
        dataOffset: blob.offset,
        blobs: [blob],
      });
      if (reply !== null) this.record(id, [blob], reply);
    }
    const result = last as VerifyReply | null;
    if (result === null) return; // stopped
    if (result.hash !== id) this.hashMismatch(id, result.hash ?? '(none)');
    for (const problem of result.headerProblems) {
      this.context.log.error({ kind: 'pack-header', ...problem, pack: id });
    }
    if (result.headerBefore)
      await checkPackHeader(this.context.repository, this.context.log, id, size, sorted);
    this.packsRead++;
  }

  private hashMismatch(id: Id, actual: string): void {
    this.context.log.error({
      kind: 'pack-hash',
      code: 'CORRUPT',
      message: `pack ${id}: Pack ID does not match, want ${id}, got ${actual}`,
      pack: id,
    });
  }

  /** One backend read of a window; null (logged, `blobs` marked bad) when it fails. */
  private async read(
    id: Id,
    window: Pick<PackWindow, 'start' | 'end'>,
    blobs: readonly PackedBlob[],
  ): Promise<Buffer | null> {
    const length = window.end - window.start;
    try {
      const into = this.readBuffers.take(length);
      return await this.context.repository.backend.read(
        { type: 'data', name: id },
        { offset: window.start, length, into },
      );
    } catch (error) {
      if (!isEngineError(error)) throw error;
      this.context.log.error({
        kind: 'pack-unreadable',
        code: error.code,
        message: `pack ${id}: failed to read ${length} bytes at ${window.start}: ${error.message}`,
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

  /** Sends a job to the lane's worker; null when the check was stopped meanwhile. */
  private runJob(channel: WorkerChannel, job: VerifyJob): Promise<VerifyReply | null> {
    if (this.fatal !== null) return Promise.resolve(null);
    const message: VerifyJob = { ...job, job: this.nextJob++ };
    const { data } = message;
    const owned = transferable(data, this.readBuffers);
    return new Promise((resolve) => {
      this.replies.set(message.job, (reply) => {
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

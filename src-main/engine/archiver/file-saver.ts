/**
 * Main-thread side of file saving: hands files to the chunk workers in batches (small files travel many to a
 * message), decides for each chunk whether it is new (the single place of deduplication: the repository's index,
 * blobs queued in packs, and chunks already being encoded by any worker), and queues the encoded blobs into packs.
 * Back-pressure: while more encoded bytes wait for the packer than `maxQueuedBytes`, answers are held back, which
 * stops the workers from encoding more.
 */
import { EngineError } from '../errors';
import type { Id } from '../ids';
import type { WorkerChannel } from '../parallel/worker-channel';
import {
  startWorkers,
  type WorkerSet,
  type WorkerSetOptions,
  workersWouldBeThreaded,
} from '../parallel/worker-set';
import type { EncodedBlob } from '../repository/blob';
import type { Repository } from '../repository/repository';
import type {
  ChunkWorkerInit,
  FileOutcome,
  FileTask,
  FromChunkWorker,
  ToChunkWorker,
} from './chunk-protocol';

export interface FileSaverOptions extends WorkerSetOptions {
  /** Called as chunks are read (bytes), for progress within large files. */
  onBytesRead?: (bytes: number) => void;
  /** Called when a blob was written into a pack (its stored size). */
  onBlobStored?: (blob: EncodedBlob) => void;
  maxQueuedBytes?: number;
}

export interface FileStat {
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

interface Pending {
  task: FileTask;
  resolve: (outcome: FileOutcome) => void;
  reject: (error: unknown) => void;
}

const maxFilesPerBatch = 64;
const batchBytes = 8 * 1024 * 1024;
/**
 * Work a worker may have queued beyond the file it is reading. Files stay in the shared queue until a worker has
 * room, so a large file never waits behind another large file on a busy worker while the other worker idles.
 */
const maxOutstandingBytes = 2 * batchBytes;
const maxOutstandingFiles = 2 * maxFilesPerBatch;

export class FileSaver {
  /** Started with the first file to read: a backup where nothing changed never pays for worker threads. */
  private started: WorkerSet | null = null;
  private readonly init: ChunkWorkerInit;
  private readonly queue: Pending[] = [];
  private readonly running = new Map<number, { pending: Pending; channel: WorkerChannel }>();
  private readonly outstanding = new Map<WorkerChannel, { files: number; bytes: number }>();
  /** Chunks a worker was told to store whose encoded blob has not reached the packer yet. */
  private readonly encoding = new Set<Id>();
  private heldAnswers: { channel: WorkerChannel; items: { task: number; seq: number; store: boolean }[] }[] =
    [];
  private queuedBytes = 0;
  private saving: Promise<void> = Promise.resolve();
  private nextTask = 1;
  private failure: unknown = null;
  private readonly maxQueuedBytes: number;

  constructor(
    private readonly repository: Repository,
    private readonly options: FileSaverOptions = {},
  ) {
    this.maxQueuedBytes = options.maxQueuedBytes ?? 8 * 1024 * 1024;
    this.init = {
      key: repository.key,
      polynomial: repository.config.chunkerPolynomial.toString(16),
      compress: repository.config.version >= 2,
      readBufferSize: 1024 * 1024,
      maxHeldBytes: 8 * 1024 * 1024,
    };
  }

  private get workers(): WorkerSet {
    if (this.started === null) {
      this.started = startWorkers('backup', this.init, this.options);
      for (const channel of this.started.channels) {
        this.outstanding.set(channel, { files: 0, bytes: 0 });
        channel.onMessage((message) => this.handle(channel, message as FromChunkWorker));
        channel.onFailure((error) => this.fail(error));
      }
    }
    return this.started;
  }

  get threaded(): boolean {
    return workersWouldBeThreaded(this.options);
  }

  /** Reads, chunks and stores a file; resolves with its content list (or why it could not be read). */
  save(path: Buffer, stat: FileStat): Promise<FileOutcome> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const task: FileTask = {
        task: this.nextTask++,
        path,
        size: stat.size,
        mtimeNs: String(stat.mtimeNs),
        ctimeNs: String(stat.ctimeNs),
      };
      this.queue.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  /** Files queued or being read; the archiver's scanner waits while this is high (bounded memory). */
  get backlog(): number {
    return this.queue.length + this.running.size;
  }

  /** Waits until every blob handed to the packer is queued (call before flushing the repository). */
  async drain(): Promise<void> {
    await this.saving;
    if (this.failure !== null) throw this.failure;
  }

  async close(): Promise<void> {
    await this.started?.terminate();
  }

  /** Stops: fails every queued and running file with `error` (cancellation, or a worker that died). */
  fail(error: unknown): void {
    if (this.failure !== null) return;
    this.failure = error;
    for (const pending of this.queue.splice(0)) pending.reject(error);
    for (const { pending } of this.running.values()) pending.reject(error);
    this.running.clear();
  }

  /** Hands batches to the least-loaded worker with room, until the queue is empty or every worker is full. */
  private dispatch(): void {
    if (this.failure !== null) return;
    while (this.queue.length > 0) {
      const channel = this.leastLoadedWithRoom();
      if (channel === undefined) return;
      const batch: Pending[] = [];
      let bytes = 0;
      while (batch.length < maxFilesPerBatch && bytes < batchBytes) {
        const next = this.queue.shift();
        if (next === undefined) break;
        batch.push(next);
        bytes += next.task.size;
      }
      const load = this.load(channel);
      load.files += batch.length;
      load.bytes += bytes;
      for (const pending of batch) this.running.set(pending.task.task, { pending, channel });
      this.post(channel, { t: 'files', files: batch.map((p) => p.task) });
    }
  }

  private leastLoadedWithRoom(): WorkerChannel | undefined {
    let best: WorkerChannel | undefined;
    for (const channel of this.workers.channels) {
      const load = this.load(channel);
      const hasRoom =
        load.files === 0 || (load.bytes < maxOutstandingBytes && load.files < maxOutstandingFiles);
      if (hasRoom && (best === undefined || load.bytes < this.load(best).bytes)) best = channel;
    }
    return best;
  }

  private load(channel: WorkerChannel): { files: number; bytes: number } {
    const load = this.outstanding.get(channel);
    if (load === undefined) throw new EngineError('INVALID_ARGUMENT', 'file saver: unknown worker channel');
    return load;
  }

  private post(channel: WorkerChannel, message: ToChunkWorker): void {
    channel.post(message);
  }

  private handle(channel: WorkerChannel, message: FromChunkWorker): void {
    if (this.failure !== null) return;
    switch (message.t) {
      case 'queries': {
        const items = message.items.map((query) => {
          this.options.onBytesRead?.(query.size);
          const known = this.encoding.has(query.id) || this.repository.hasBlob('data', query.id);
          if (!known) this.encoding.add(query.id);
          return { task: query.task, seq: query.seq, store: !known };
        });
        if (this.queuedBytes > this.maxQueuedBytes) this.heldAnswers.push({ channel, items });
        else this.post(channel, { t: 'answers', items });
        break;
      }
      case 'blobs':
        for (const blob of message.blobs) this.queueBlob(blob);
        break;
      case 'done':
        for (const outcome of message.files) {
          const entry = this.running.get(outcome.task);
          if (entry === undefined) continue;
          this.running.delete(outcome.task);
          const load = this.load(entry.channel);
          load.files--;
          load.bytes -= entry.pending.task.size;
          entry.pending.resolve(outcome);
        }
        this.dispatch();
        break;
      case 'fatal':
        this.fail(new EngineError('IO_ERROR', message.message));
        break;
    }
  }

  /** Packs blobs strictly in arrival order (pack writes must not interleave). */
  private queueBlob(blob: EncodedBlob): void {
    this.queuedBytes += blob.data.length;
    this.saving = this.saving.then(async () => {
      if (this.failure !== null) return;
      try {
        const stored = await this.repository.saveEncodedBlob(blob);
        if (stored) this.options.onBlobStored?.(blob);
      } catch (error) {
        this.fail(error);
        return;
      } finally {
        this.encoding.delete(blob.id);
        this.queuedBytes -= blob.data.length;
      }
      this.releaseHeldAnswers();
    });
  }

  private releaseHeldAnswers(): void {
    while (this.heldAnswers.length > 0 && this.queuedBytes <= this.maxQueuedBytes / 2) {
      const held = this.heldAnswers.shift();
      if (held) this.post(held.channel, { t: 'answers', items: held.items });
    }
  }
}

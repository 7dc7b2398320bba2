/**
 * Main-thread side of creating regular files and writing their contents, as restic's file restorer does it: the
 * blobs of a batch of files are grouped by pack (pack-ranges.ts), each pack's needed blobs are read in as few
 * ranges as possible (each byte range once, however many files or offsets use its blobs), and the ranges go to
 * restore workers that decode and write them (restore-worker.ts). A file whose blobs are all in one range is also
 * created by that worker; a file spread over several ranges is created here first. Memory is bounded by the bytes
 * of ranges in flight, never by file sizes.
 *
 * A range that cannot be read (a missing or truncated pack) is retried blob by blob, so that only the blobs that
 * are really unreadable fail; a blob that fails — unreadable, or CORRUPT when decoded — fails exactly the files
 * that use it, with a message naming the pack and the blob. A full disk (NO_SPACE) or a dead worker stops the
 * restore; cancellation stops dispatching, lets the ranges in flight finish (what was written stays), and throws
 * CANCELLED.
 */
import { EngineError, isEngineError } from '../errors';
import type { Id } from '../ids';
import { createGarbagePacer } from '../parallel/garbage-collector';
import { ReadBufferPool, transferable } from '../parallel/read-buffer-pool';
import type { WorkerChannel } from '../parallel/worker-channel';
import { startWorkers, type WorkerSet, type WorkerSetOptions } from '../parallel/worker-set';
import type { Repository } from '../repository/repository';
import { type PackRange, type PlannedBlob, packRanges, type RangeBlob, type RangeFile } from './pack-ranges';
import { createRegularFile } from './restore-entries';
import type {
  BlobTarget,
  CodedProblem,
  FileToCreate,
  FromRestoreWorker,
  JobBlob,
  RestoreWorkerInit,
  ToRestoreWorker,
  WirePath,
} from './restore-protocol';
import { throwIfCancelled } from './tree-walker';

/** Bytes of the crypto container around every blob (IV + MAC). */
const cryptoOverhead = 32;

export interface PlannedContent {
  blobs: PlannedBlob[];
  /** The file's length: the sum of its blobs' plaintext lengths. */
  length: number;
}

export interface ContentWriterOptions extends WorkerSetOptions {
  signal?: AbortSignal;
  /** Plaintext bytes of a file that are in place (written, or a hole for a blob of zeros). */
  onBytes?: (bytes: number) => void;
  /** Bytes of pack ranges read but not yet decoded and written (default: 16 MiB per worker). */
  maxInFlightBytes?: number;
  /** Needed blobs further apart than this in a pack are read in separate ranges. */
  maxGapBytes?: number;
  /** Longest range read at once. */
  maxRangeBytes?: number;
}

/** Called once per file: without a problem when all of its content is in place. */
export type ContentDone = (problem?: CodedProblem) => void;

interface QueuedFile extends RangeFile {
  path: Buffer;
  /** `path` as sent to workers. */
  wirePath: WirePath;
  display: string;
  content: PlannedContent;
  done: ContentDone;
  remaining: number;
  /** Whether the file exists yet (created by the main thread, or handed to a worker to create). */
  created: boolean;
  problem?: CodedProblem;
}

export class ContentWriter {
  private readonly workers: WorkerSet;
  private readonly outstanding = new Map<WorkerChannel, number>();
  /** Jobs sent and not answered yet; settled with null when the writer stops. */
  private readonly replies = new Map<number, (reply: FromRestoreWorker | null) => void>();
  private queue: QueuedFile[] = [];
  /** Ranges being read or written, of all running flushes, and their bytes (bounded by maxInFlightBytes). */
  private readonly inFlight = new Set<Promise<void>>();
  private inFlightBytes = 0;
  private queuedContentBytes = 0;
  private nextJob = 1;
  /** A problem that stops the restore (NO_SPACE, a dead worker); set once. */
  private fatal: EngineError | null = null;
  /** Buffers for range reads, handed back by the workers (see read-buffer-pool.ts). */
  private readonly readBuffers: ReadBufferPool;
  private readonly maxInFlightBytes: number;
  private readonly maxGapBytes: number;
  private readonly maxRangeBytes: number;

  constructor(
    private readonly repository: Repository,
    private readonly options: ContentWriterOptions = {},
  ) {
    const init: RestoreWorkerInit = { key: repository.key };
    this.workers = startWorkers('restore', init, options);
    for (const channel of this.workers.channels) {
      this.outstanding.set(channel, 0);
      channel.onMessage((message) => {
        const reply = message as FromRestoreWorker;
        const settle = this.replies.get(reply.job);
        this.replies.delete(reply.job);
        settle?.(reply);
      });
      channel.onFailure((error) => this.stop(error));
    }
    // Two ranges per worker: one being decoded, one read and waiting. Measured on the benchmark, four times as
    // much in flight (32 MiB ranges) bought no speed and cost ~30 MiB more peak memory.
    this.maxInFlightBytes = options.maxInFlightBytes ?? 16 * 1024 * 1024 * this.workers.channels.length;
    this.maxGapBytes = options.maxGapBytes ?? 512 * 1024;
    this.maxRangeBytes = options.maxRangeBytes ?? 8 * 1024 * 1024;
    // Two spare range buffers: one handed back is taken by the next read at once, and replies often come back in
    // pairs. More are released (see read-buffer-pool.ts).
    this.readBuffers = new ReadBufferPool(2, createGarbagePacer(256 * 1024 * 1024, 16 * 1024 * 1024));
  }

  /** True when workers are threads (false: one inline worker in this thread). */
  get threaded(): boolean {
    return this.workers.threaded;
  }

  get workerCount(): number {
    return this.workers.channels.length;
  }

  /** Files waiting for `flush` (the restorer bounds its batches with this and `queuedBytes`). */
  get queuedFiles(): number {
    return this.queue.length;
  }

  /** Content bytes of the queued files. */
  get queuedBytes(): number {
    return this.queuedContentBytes;
  }

  /** Where a content list's blobs are, and the file's length. NOT_FOUND / CORRUPT naming the blob. */
  plan(content: readonly Id[]): PlannedContent {
    const blobs: PlannedBlob[] = [];
    let length = 0;
    for (const id of content) {
      const location = this.repository.index.lookup('data', id)[0];
      if (location === undefined) throw new EngineError('NOT_FOUND', `data blob ${id} is not in the index`);
      const plainLength = location.uncompressedLength ?? location.length - cryptoOverhead;
      if (plainLength < 0) {
        throw new EngineError(
          'CORRUPT',
          `data blob ${id} in pack ${location.packId}: the index gives it ${location.length} bytes, less than the encryption overhead`,
        );
      }
      blobs.push({ location, plainLength });
      length += plainLength;
    }
    return { blobs, length };
  }

  /**
   * Queues a regular file for restoring: it is created (exclusively, at its full length — see
   * restore-entries.ts) and filled by `flush`; `done` is called once it is complete or has failed. A file without
   * content is created right away.
   */
  add(path: Buffer, display: string, content: PlannedContent, done: ContentDone): void {
    const file: QueuedFile = {
      path,
      wirePath: path.toString('latin1'),
      display,
      content,
      done,
      remaining: content.blobs.length,
      created: false,
      rangeCount: 0,
    };
    if (content.blobs.length === 0) {
      this.createInMain(file);
      done(file.problem);
      return;
    }
    this.queue.push(file);
    this.queuedContentBytes += content.length;
  }

  /**
   * Writes every queued file's content. Throws NO_SPACE / IO_ERROR (dead worker) / CANCELLED. Several flushes may
   * run at once (the restorer walks and plans the next batch while one is written): they share the bound on bytes
   * in flight, and each resolves when its own files are done.
   */
  async flush(): Promise<void> {
    const files = this.queue;
    this.queue = [];
    this.queuedContentBytes = 0;
    const ranges = packRanges(files, { maxGapBytes: this.maxGapBytes, maxRangeBytes: this.maxRangeBytes });
    // A file whose blobs are all in one range is created by the worker that writes it; the others (large files,
    // spread over packs) are created here before any of their ranges is sent.
    for (const file of files) if (file.rangeCount > 1) this.createInMain(file);
    const mine: Promise<void>[] = [];
    for (const range of ranges) {
      if (this.fatal !== null || this.options.signal?.aborted) break;
      while (this.inFlightBytes > 0 && this.inFlightBytes + range.length > this.maxInFlightBytes) {
        await Promise.race(this.inFlight);
      }
      this.inFlightBytes += range.length;
      const running: Promise<void> = this.restoreRange(range).finally(() => {
        this.inFlightBytes -= range.length;
        this.inFlight.delete(running);
      });
      this.inFlight.add(running);
      mine.push(running);
    }
    await Promise.all(mine);
    if (this.fatal !== null) throw this.fatal;
    throwIfCancelled(this.options.signal);
  }

  async close(): Promise<void> {
    await this.workers.terminate();
  }

  /** Reads one range and has a worker decode and write it; an unreadable range is retried blob by blob. */
  private async restoreRange(range: PackRange<QueuedFile>): Promise<void> {
    let data: Buffer;
    try {
      data = await this.repository.backend.read(
        { type: 'data', name: range.packId },
        { offset: range.offset, length: range.length, into: this.readBuffers.take(range.length) },
      );
    } catch (error) {
      if (!isEngineError(error)) throw error;
      if (range.blobs.length > 1) {
        // The range's files now span several jobs: they must exist before the first of them.
        for (const blob of range.blobs) for (const { file } of blob.targets) this.createInMain(file);
        for (const blob of range.blobs) {
          if (this.fatal !== null) return;
          await this.restoreRange({
            packId: range.packId,
            offset: blob.location.offset,
            length: blob.location.length,
            blobs: [blob],
          });
        }
        return;
      }
      for (const blob of range.blobs) {
        this.blobFailed(blob, {
          code: error.code,
          message: `data blob ${blob.location.id} in pack ${range.packId}: ${error.message}`,
        });
      }
      return;
    }
    const reply = await this.runJob(range, data);
    if (reply === null) return;
    // File errors first: they belong to files of this job, which must not be reported intact below.
    for (const { path, problem } of reply.fileErrors) {
      for (const blob of range.blobs) {
        for (const target of blob.targets) if (target.file.wirePath === path) target.file.problem ??= problem;
      }
    }
    reply.blobs.forEach((outcome, index) => {
      const blob = range.blobs[index];
      if (blob === undefined) return;
      if (outcome.error) {
        this.blobFailed(blob, outcome.error);
        return;
      }
      const failedTargets = new Map<number, CodedProblem>();
      for (const { target, problem } of outcome.writeErrors ?? []) {
        failedTargets.set(target, problem);
        if (problem.code === 'NO_SPACE') this.stop(new EngineError('NO_SPACE', problem.message));
      }
      blob.targets.forEach((target, targetIndex) => {
        const problem = failedTargets.get(targetIndex);
        if (problem === undefined) this.options.onBytes?.(blob.plainLength);
        this.targetDone(target.file, problem);
      });
    });
  }

  /** Sends one job to the least busy worker; null when the writer was stopped meanwhile. */
  private runJob(range: PackRange<QueuedFile>, data: Buffer): Promise<FromRestoreWorker | null> {
    if (this.fatal !== null) return Promise.resolve(null);
    const channel = [...this.outstanding.entries()].reduce((best, next) =>
      next[1] < best[1] ? next : best,
    )[0];
    this.outstanding.set(channel, (this.outstanding.get(channel) ?? 0) + 1);
    const job = this.nextJob++;
    const creates: FileToCreate[] = [];
    const blobs: JobBlob[] = range.blobs.map((blob) => ({
      id: blob.location.id,
      start: blob.location.offset - range.offset,
      length: blob.location.length,
      uncompressedLength: blob.location.uncompressedLength,
      targets: blob.targets.map((target): BlobTarget => {
        const { file } = target;
        if (!file.created) {
          file.created = true;
          creates.push({ path: file.wirePath, display: file.display, length: file.content.length });
        }
        return { path: file.wirePath, offset: target.offset };
      }),
    }));
    const owned = transferable(data, this.readBuffers);
    const message: ToRestoreWorker = { t: 'job', job, packId: range.packId, data, creates, blobs };
    return new Promise((resolve) => {
      this.replies.set(job, (reply) => {
        this.outstanding.set(channel, (this.outstanding.get(channel) ?? 1) - 1);
        if (reply !== null) this.readBuffers.giveBack(reply.data);
        resolve(reply);
      });
      channel.post(message, owned ? [data.buffer as ArrayBuffer] : []);
    });
  }

  /** Creates a file here (once); a failure becomes the file's problem and its writes fail on their own. */
  private createInMain(file: QueuedFile): void {
    if (file.created) return;
    file.created = true;
    try {
      createRegularFile(file.path, file.display, file.content.length);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      file.problem ??= { code: error.code, message: error.message };
    }
  }

  private blobFailed(blob: RangeBlob<QueuedFile>, problem: CodedProblem): void {
    for (const target of blob.targets) this.targetDone(target.file, problem);
  }

  private targetDone(file: QueuedFile, problem: CodedProblem | undefined): void {
    if (problem !== undefined) file.problem ??= problem;
    file.remaining--;
    if (file.remaining === 0) file.done(file.problem);
  }

  /**
   * Stops dispatching. A full disk lets the jobs in flight finish (they fail on their own); a dead worker will
   * never answer, so its jobs — all jobs, as we cannot tell which worker died — are abandoned: their files are
   * never reported done, and flush throws.
   */
  private stop(error: EngineError): void {
    if (this.fatal !== null) return;
    this.fatal = error;
    if (error.code === 'NO_SPACE') return;
    for (const settle of this.replies.values()) settle(null);
    this.replies.clear();
  }
}

/**
 * Worker side of the archiver: reads files with a fixed buffer (bounded memory: never a whole file), cuts them
 * with restic's chunker, hashes the chunks, asks the main thread which are new, and compresses + encrypts only
 * those. See chunk-protocol.ts for the message flow.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { Chunker } from '../chunker/chunker';
import { parseChunkerPolynomial } from '../chunker/chunker-polynomial';
import { idOf } from '../ids';
import { createGarbagePacer } from '../parallel/garbage-collector';
import type { WorkerHandler } from '../parallel/worker-channel';
import type { EncodedBlob } from '../repository/blob';
import { encodeBlob } from '../repository/blob-codec';
import { ChunkAssembler, ChunkBufferPool, chunkFootprint } from './chunk-buffers';
import type {
  ChunkQuery,
  ChunkWorkerInit,
  FileOutcome,
  FileTask,
  FromChunkWorker,
  ToChunkWorker,
} from './chunk-protocol';

interface FileState {
  outcome: FileOutcome;
  hashingDone: boolean;
  unanswered: number;
}

/** Blobs smaller than this are copied to the main thread; larger ones are transferred without a copy. */
const transferThreshold = 64 * 1024;

export function createChunkWorker(
  rawInit: unknown,
  post: (message: FromChunkWorker, transfer?: ArrayBuffer[]) => void,
): WorkerHandler {
  const init = rawInit as ChunkWorkerInit;
  const chunker = new Chunker(parseChunkerPolynomial(init.polynomial));
  const readBuffer = Buffer.allocUnsafeSlow(init.readBufferSize);
  const held = new Map<string, { id: string; data: Buffer }>();
  const pool = new ChunkBufferPool();
  const assembler = new ChunkAssembler(pool);
  const pacer = createGarbagePacer();
  const files = new Map<number, FileState>();
  const queue: FileTask[] = [];
  let heldBytes = 0;
  let queries: ChunkQuery[] = [];
  let finished: FileOutcome[] = [];
  let running = false;
  let resumeReading: (() => void) | null = null;

  const flushQueries = () => {
    if (queries.length > 0) post({ t: 'queries', items: queries });
    queries = [];
  };
  const flushFinished = () => {
    if (finished.length > 0) post({ t: 'done', files: finished });
    finished = [];
  };
  const settleIfComplete = (state: FileState) => {
    if (state.hashingDone && state.unanswered === 0) {
      finished.push(state.outcome);
      files.delete(state.outcome.task);
    }
  };

  const emitChunk = (state: FileState, seq: number, data: Buffer) => {
    const id = idOf(data);
    state.outcome.content?.push(id);
    state.unanswered++;
    held.set(`${state.outcome.task}:${seq}`, { id, data });
    heldBytes += chunkFootprint(data);
    queries.push({ task: state.outcome.task, seq, id, size: data.length });
  };

  const waitForAnswers = () =>
    new Promise<void>((resolve) => {
      resumeReading = resolve;
    });

  // Reads are synchronous: this thread exists to do this work, and sync reads do not queue on libuv's shared
  // thread pool (which the main thread needs for its lstat calls). Between reads the thread yields, so answers
  // from the main thread are handled while a large file is read.
  const readFile = async (task: FileTask, state: FileState) => {
    const fd = openForBackup(Buffer.from(task.path));
    try {
      const before = fstatSync(fd, { bigint: true });
      if (!before.isFile())
        throw Object.assign(new Error('is no longer a regular file'), { code: 'ECHANGED' });
      // Cut offsets are absolute; `base` is the file offset of readBuffer[0].
      let base = 0;
      let seq = 0;
      for (;;) {
        const bytesRead = readSync(fd, readBuffer, 0, init.readBufferSize, null);
        if (bytesRead === 0) break;
        const data = readBuffer.subarray(0, bytesRead);
        let consumed = 0;
        for (const cut of chunker.push(data)) {
          const end = cut - base;
          emitChunk(state, seq++, assembler.take(data.subarray(consumed, end)));
          consumed = end;
        }
        assembler.append(data.subarray(consumed));
        base += bytesRead;
        state.outcome.size += bytesRead;
        if (heldBytes > init.maxHeldBytes) {
          flushQueries();
          await waitForAnswers();
        } else if (bytesRead === init.readBufferSize) {
          await yieldToMessages();
        }
      }
      chunker.finish();
      if (assembler.size > 0) emitChunk(state, seq++, assembler.take(readBuffer.subarray(0, 0)));
      const after = fstatSync(fd, { bigint: true });
      const changed =
        after.size !== before.size ||
        after.mtimeNs !== before.mtimeNs ||
        after.ctimeNs !== before.ctimeNs ||
        String(before.mtimeNs) !== task.mtimeNs ||
        String(before.ctimeNs) !== task.ctimeNs ||
        Number(before.size) !== task.size ||
        BigInt(state.outcome.size) !== after.size;
      if (changed)
        state.outcome.warnings.push(
          'the file changed while it was being read; the snapshot has the bytes read',
        );
    } finally {
      closeSync(fd);
    }
  };

  const processFile = async (task: FileTask) => {
    const state: FileState = {
      outcome: { task: task.task, content: [], size: 0, warnings: [] },
      hashingDone: false,
      unanswered: 0,
    };
    files.set(task.task, state);
    try {
      await readFile(task, state);
    } catch (error) {
      chunker.finish(); // reset for the next file
      assembler.reset();
      const err = error as NodeJS.ErrnoException;
      state.outcome.content = null;
      state.outcome.error = { code: err.code ?? 'IO_ERROR', message: err.message };
    }
    state.hashingDone = true;
    settleIfComplete(state);
  };

  const processQueue = async () => {
    if (running) return;
    running = true;
    try {
      for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
        await processFile(task);
        // Ask about a batch of small files at once, but never sit on queries while idle.
        if (queue.length === 0 || queries.length >= 64) {
          flushQueries();
          await yieldToMessages();
        }
      }
      flushQueries();
      flushFinished();
    } catch (error) {
      post({ t: 'fatal', message: `chunk worker: ${(error as Error).message}` });
    } finally {
      running = false;
    }
  };

  const handleAnswers = (items: { task: number; seq: number; store: boolean }[]) => {
    const blobs: EncodedBlob[] = [];
    for (const item of items) {
      const key = `${item.task}:${item.seq}`;
      const chunk = held.get(key);
      if (chunk === undefined) continue;
      held.delete(key);
      heldBytes -= chunkFootprint(chunk.data);
      // A stored chunk leaves behind itself, its compressed form and the cipher's intermediate buffers.
      pacer.note(chunk.data.length * (item.store ? 3 : 1));
      if (item.store)
        blobs.push(encodeBlob(init.key, 'data', chunk.data, { compress: init.compress, id: chunk.id }));
      pool.give(chunk.data); // encodeBlob keeps nothing of it
      const state = files.get(item.task);
      if (state) {
        state.unanswered--;
        settleIfComplete(state);
      }
    }
    if (blobs.length > 0) {
      const transfer: ArrayBuffer[] = [];
      for (const blob of blobs) {
        if (blob.data.length >= transferThreshold) {
          blob.data = exclusiveCopy(blob.data);
          transfer.push(blob.data.buffer as ArrayBuffer);
        }
      }
      post({ t: 'blobs', blobs }, transfer);
    }
    flushFinished();
    if (resumeReading !== null && heldBytes <= init.maxHeldBytes / 2) {
      const resume = resumeReading;
      resumeReading = null;
      resume();
    }
  };

  return {
    onMessage(raw) {
      const message = raw as ToChunkWorker;
      if (message.t === 'files') {
        queue.push(...message.files);
        void processQueue();
      } else if (message.t === 'answers') {
        handleAnswers(message.items);
      }
    },
  };
}

/** Opens without following symlinks and, where permitted, without updating atime (reading is not "using"). */
function openForBackup(path: Buffer): number {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW;
  try {
    return openSync(path, flags | constants.O_NOATIME);
  } catch (error) {
    // O_NOATIME needs ownership or CAP_FOWNER; without them open normally.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    return openSync(path, flags);
  }
}

function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A buffer that owns its whole ArrayBuffer, so transferring it detaches nothing else. */
function exclusiveCopy(data: Uint8Array): Uint8Array {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return data;
  const copy = new Uint8Array(new ArrayBuffer(data.byteLength));
  copy.set(data);
  return copy;
}

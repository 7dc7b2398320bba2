/**
 * A two-way message channel to one worker, and the two ways to run one: a real worker thread (the built
 * `engine-worker.js`), or inline in this thread (tests, `workers: 0`). Both run the same handler code with the
 * same message semantics (asynchronous delivery, structured clone, transferred buffers), so what the inline form
 * proves in unit tests holds for threads.
 */
import { Worker } from 'node:worker_threads';
import { EngineError } from '../errors';
import { heapFlagsForWorkers } from './garbage-collector';
import { type WorkerRole, workerRoles } from './worker-roles';

export interface WorkerChannel {
  post(message: unknown, transfer?: ArrayBuffer[]): void;
  /** Messages from the worker. */
  onMessage(listener: (message: unknown) => void): void;
  /** A worker that dies (crash, exception outside a handler) reports here once. */
  onFailure(listener: (error: EngineError) => void): void;
  terminate(): Promise<void>;
}

/** What a worker runs: created once per worker with its role's init data; receives every message posted to it. */
export interface WorkerHandler {
  onMessage(message: unknown): void;
}
export type WorkerHandlerFactory = (
  init: unknown,
  post: (message: unknown, transfer?: ArrayBuffer[]) => void,
) => WorkerHandler;

/** Young-generation size of a worker thread (MB). */
const workerYoungGenerationMb = 6;

export function startThreadWorker(script: string, role: WorkerRole, init: unknown): WorkerChannel {
  // A small young generation: a worker's live heap is a few MB, but V8 would size its nursery for throughput
  // (tens of MB per thread, resident once touched). Its buffers live outside the heap and are paced separately.
  const worker = new Worker(script, {
    // Setting up the worker's isolate resets one of the process's heap flags; the worker applies them again.
    workerData: { role, init, heapFlags: heapFlagsForWorkers() },
    resourceLimits: { maxYoungGenerationSizeMb: workerYoungGenerationMb },
  });
  let failureListener: ((error: EngineError) => void) | undefined;
  let failed = false;
  const fail = (error: EngineError) => {
    if (failed) return;
    failed = true;
    failureListener?.(error);
  };
  worker.on('error', (error) =>
    fail(new EngineError('IO_ERROR', `engine worker failed: ${error.message}`, { cause: error })),
  );
  worker.on('exit', (code) => {
    if (code !== 0) fail(new EngineError('IO_ERROR', `engine worker exited with code ${code}`));
  });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (listener) => worker.on('message', listener),
    onFailure: (listener) => {
      failureListener = listener;
    },
    terminate: async () => {
      failed = true; // a requested stop is not a failure
      await worker.terminate();
    },
  };
}

/** Runs the role's handler in this thread; messages still cross asynchronously and by structured clone. */
export function startInlineWorker(role: WorkerRole, init: unknown): WorkerChannel {
  let toMain: ((message: unknown) => void) | undefined;
  let failureListener: ((error: EngineError) => void) | undefined;
  let stopped = false;
  const deliver = (target: (message: unknown) => void, message: unknown, transfer?: ArrayBuffer[]) => {
    const copy = structuredClone(message, { transfer: transfer ?? [] });
    setImmediate(() => {
      if (!stopped) target(copy);
    });
  };
  const handler = workerRoles[role](structuredClone(init), (message, transfer) => {
    if (toMain) deliver(toMain, message, transfer);
  });
  const toWorker = (message: unknown) => {
    try {
      handler.onMessage(message);
    } catch (error) {
      failureListener?.(
        new EngineError('IO_ERROR', `engine worker failed: ${(error as Error).message}`, { cause: error }),
      );
    }
  };
  return {
    post: (message, transfer) => deliver(toWorker, message, transfer),
    onMessage: (listener) => {
      toMain = listener;
    },
    onFailure: (listener) => {
      failureListener = listener;
    },
    terminate: async () => {
      stopped = true;
    },
  };
}

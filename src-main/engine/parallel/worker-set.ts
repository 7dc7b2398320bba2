/**
 * Starts the workers of one engine run (a backup, a restore): `count` worker threads when the built worker script
 * is available, otherwise — or with `count: 0` — one inline worker in this thread. The caller decides how to
 * spread work over the channels; this file only starts and stops them.
 */
import { availableParallelism } from 'node:os';
import { startInlineWorker, startThreadWorker, type WorkerChannel } from './worker-channel';
import type { WorkerRole } from './worker-roles';
import { findEngineWorkerScript } from './worker-script';

export interface WorkerSetOptions {
  /** Worker threads to start; default = the number of CPUs. 0 = run inline (no threads). */
  count?: number;
  /** Override the worker script (tests of a specific build). */
  script?: string;
}

export interface WorkerSet {
  readonly channels: readonly WorkerChannel[];
  /** True when the work runs in threads (false: inline in the calling thread). */
  readonly threaded: boolean;
  terminate(): Promise<void>;
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

function workerScript(options: WorkerSetOptions): string | null {
  const count = options.count ?? defaultWorkerCount();
  return count > 0 ? (options.script ?? findEngineWorkerScript()) : null;
}

/** Whether startWorkers with these options would start threads (without starting anything). */
export function workersWouldBeThreaded(options: WorkerSetOptions = {}): boolean {
  return workerScript(options) !== null;
}

export function startWorkers(role: WorkerRole, init: unknown, options: WorkerSetOptions = {}): WorkerSet {
  const count = options.count ?? defaultWorkerCount();
  const script = workerScript(options);
  const channels =
    script === null
      ? [startInlineWorker(role, init)]
      : Array.from({ length: count }, () => startThreadWorker(script, role, init));
  return {
    channels,
    threaded: script !== null,
    async terminate() {
      await Promise.all(channels.map((channel) => channel.terminate()));
    },
  };
}

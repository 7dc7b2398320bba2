/**
 * Entry of an engine worker thread (built to out/main/engine-worker.js). Runs one role's handler for the life of
 * the thread; the role and its init data come from the main thread through `workerData`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { applyV8Flags } from './garbage-collector';
import { isWorkerRole, workerRoles } from './worker-roles';

const port = parentPort;
const data = workerData as { role?: unknown; init?: unknown; heapFlags?: unknown } | null;
if (port === null || data === null || !isWorkerRole(data.role)) {
  throw new Error('engine-worker.js must be started by the engine as a worker thread with a known role');
}
// First, before this thread allocates: setting up its isolate reset a heap flag of the process that the main
// thread relies on (see garbage-collector.ts).
if (Array.isArray(data.heapFlags)) applyV8Flags(data.heapFlags.filter((f) => typeof f === 'string'));
const handler = workerRoles[data.role](data.init, (message, transfer) =>
  port.postMessage(message, transfer ?? []),
);
port.on('message', (message: unknown) => handler.onMessage(message));

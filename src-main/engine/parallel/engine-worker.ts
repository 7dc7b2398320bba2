/**
 * Entry of an engine worker thread (built to out/main/engine-worker.js). Runs one role's handler for the life of
 * the thread; the role and its init data come from the main thread through `workerData`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isWorkerRole, workerRoles } from './worker-roles';

const port = parentPort;
const data = workerData as { role?: unknown; init?: unknown } | null;
if (port === null || data === null || !isWorkerRole(data.role)) {
  throw new Error('engine-worker.js must be started by the engine as a worker thread with a known role');
}
const handler = workerRoles[data.role](data.init, (message, transfer) =>
  port.postMessage(message, transfer ?? []),
);
port.on('message', (message: unknown) => handler.onMessage(message));

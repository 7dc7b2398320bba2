/**
 * Shared by the helper server's tests: a fake handler map (the real handlers live in protocol-handlers.ts), a log
 * that keeps its lines, and raw vscode-jsonrpc clients (the helper room may not import helper-client).
 */
import net from 'node:net';
import { PassThrough } from 'node:stream';
import {
  createMessageConnection,
  type MessageConnection,
  SocketMessageReader,
  SocketMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { emptyHelperSettings, type SessionSummary } from '../../helper-protocol/session-model';
import type { SnapshotLocationState } from '../../helper-protocol/system-state-model';
import { fakeRestoreHandlers } from '../restore/testing/fake-restore-handlers';
import type { HelperHandlers, RequestContext } from './handler-map';
import type { HelperServer } from './helper-server';
import type { HelperServerLog } from './helper-server-error';
import type { PeerCredentials } from './peer-credentials';

export interface MemoryLog extends HelperServerLog {
  lines: string[];
}

export function memoryLog(): MemoryLog {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info: ${message}`),
    warn: (message) => lines.push(`warn: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
  };
}

export const sessionId = '20250101-120000-abcdef';

export function fakeSession(id = sessionId): SessionSummary {
  return {
    id,
    source: 'files',
    paths: ['/home'],
    excludes: [],
    repository: '/backup/repo',
    trigger: 'manual',
    status: 'in-process',
    phase: 'backup',
    attempt: 1,
    maxAttempts: 3,
    createdAt: '2025-01-01T12:00:00.000Z',
    startedAt: '2025-01-01T12:00:01.000Z',
    endedAt: null,
    nextAttemptAt: null,
    failure: null,
    snapshotId: null,
    stats: null,
    interruptions: 0,
    errors: 0,
  };
}

const fakeLocationState: SnapshotLocationState = {
  current: '/',
  source: 'default',
  default: '/',
  provider: { kind: 'temp-copy', reason: 'fake' },
  drives: [],
};

/** What the fake handlers saw, for assertions. */
export interface FakeHandlerCalls {
  waitContexts: RequestContext[];
  waitCancelled: number;
}

/**
 * Handlers answering from fixtures. `session/wait` holds until its token is cancelled and then gives up with a
 * plain Error (the server must turn that into CANCELLED); `session/show` of an unknown id throws a coded error;
 * `session/cancel` throws an uncoded one (an internal error, e.g. a bug).
 */
export function fakeHandlers(): { handlers: HelperHandlers; calls: FakeHandlerCalls } {
  const calls: FakeHandlerCalls = { waitContexts: [], waitCancelled: 0 };
  const handlers: HelperHandlers = {
    'session/start': async () => ({ session: fakeSession(), created: true }),
    'session/list': async (params) => ({ sessions: [fakeSession()].slice(0, params.limit ?? 10) }),
    'session/show': async ({ id }) => {
      if (id !== sessionId) throw Object.assign(new Error(`no session ${id}`), { code: 'SESSION_NOT_FOUND' });
      return { session: { ...fakeSession(), attempts: [], transitions: [] } };
    },
    'session/log': async () => ({ entries: [] }),
    'session/cancel': async () => {
      throw new Error('the runner exploded at /secret/path');
    },
    'session/wait': (_params, context) => {
      calls.waitContexts.push(context);
      return new Promise((_resolve, reject) => {
        context.token.onCancellationRequested(() => {
          calls.waitCancelled++;
          reject(new Error('wait abandoned'));
        });
      });
    },
    'schedule/get': async () => ({ schedules: [] }),
    'schedule/set': async (params) => ({
      schedules: [
        {
          source: params.source,
          spec: params.spec,
          paths: params.paths ?? [],
          excludes: params.excludes ?? [],
          nextRunAt: null,
          lastRunAt: null,
          lastSessionId: null,
        },
      ],
    }),
    'settings/get': async () => ({
      settings: emptyHelperSettings(),
    }),
    'settings/set': async (params) => ({
      settings: {
        ...emptyHelperSettings(),
        repository: params.repository ?? null,
      },
    }),
    'repository/hostKey': async () => ({
      host: '127.0.0.1',
      port: 22,
      algorithm: 'ssh-ed25519',
      fingerprint: `SHA256:${'A'.repeat(43)}`,
      status: 'unknown',
      trustedFingerprint: null,
    }),
    'repository/trustHostKey': async (params) => ({
      settings: {
        ...emptyHelperSettings(),
        trustedHostKeys: [params],
      },
    }),
    'system-state/components': async () => ({ components: [], estimate: { bytes: 0, files: 0 } }),
    'system-state/preflight': async (params) => ({
      checks: [],
      overall: 'pass',
      location: params.location ?? '/',
      locationSource: params.location === undefined ? 'default' : 'override',
      freeSpace: null,
    }),
    'snapshot-location/get': async () => fakeLocationState,
    'snapshot-location/set': async () => fakeLocationState,
    'diagnostics/report': async () => ({
      report: {
        generatedAt: '2026-11-25T02:00:00.000Z',
        product: 'Backup Manager',
        machine: { hostname: 'fake', platform: 'linux', release: '6.1.0', arch: 'x64' },
        snapshot: { provider: 'temp-copy', providerReason: 'fake', location: '/', locationSource: 'default' },
        overall: 'pass',
        checks: [],
        components: [],
      },
      text: 'Backup Manager — diagnostic report',
    }),
    ...fakeRestoreHandlers(),
  };
  return { handlers, calls };
}

/** A client connected to `server` over an in-memory duplex pair (two PassThrough streams). */
export function connectInMemory(server: HelperServer, peer: PeerCredentials): MessageConnection {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  server.serveConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient), peer);
  const client = createMessageConnection(
    new StreamMessageReader(toClient),
    new StreamMessageWriter(toServer),
  );
  client.listen();
  return client;
}

/** A client connected to the Unix socket at `socketPath`. */
export async function connectToSocket(
  socketPath: string,
): Promise<{ client: MessageConnection; socket: net.Socket }> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const connecting = net.connect(socketPath, () => {
      connecting.off('error', reject);
      resolve(connecting);
    });
    connecting.once('error', reject);
  });
  const client = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
  client.listen();
  return { client, socket };
}

/** Resolves once `condition` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** This process as a peer (the in-memory tests have no socket to ask). */
export function selfPeer(): PeerCredentials {
  return { pid: process.pid, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

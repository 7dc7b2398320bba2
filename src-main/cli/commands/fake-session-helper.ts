/**
 * A stand-in helper for the session and schedule command tests: the helper protocol over a real Unix socket with
 * vscode-jsonrpc (the cli room may not import the real server), sessions kept in memory and driven by the test —
 * it decides what happens after a start, changes sessions, sends progress and appends log entries.
 */
import { chmod } from 'node:fs/promises';
import net from 'node:net';
import {
  createMessageConnection,
  type MessageConnection,
  ResponseError,
  SocketMessageReader,
  SocketMessageWriter,
} from 'vscode-jsonrpc/node';
import type { z } from 'zod';
import {
  HelperErrorCodes,
  helperProtocolVersion,
  InitializeRequest,
  ScheduleGetRequest,
  ScheduleSetRequest,
  SessionCancelRequest,
  SessionChangedNotification,
  SessionListRequest,
  SessionLogRequest,
  SessionProgressNotification,
  SessionShowRequest,
  SessionStartRequest,
  SessionWaitRequest,
  type sessionStartParamsSchema,
} from '../../helper-protocol/protocol';
import {
  isTerminalStatus,
  type LogLevel,
  logLevels,
  type ScheduleState,
  type SessionDetail,
  type SessionLogEntry,
  type SessionProgress,
  type SessionSummary,
} from '../../helper-protocol/session-model';

type StartParams = z.infer<typeof sessionStartParamsSchema>;

export interface FakeSessionHelper {
  /** Every request after initialize, in order. */
  requests: { method: string; params: unknown }[];
  /** How many session/wait requests the client cancelled. */
  waitsCancelled: number;
  schedules: ScheduleState[];
  /** Called after a start created a session (answered first, as the real helper journals then answers). */
  onStart: (session: SessionDetail, params: StartParams) => void;
  add(session: SessionDetail): void;
  /** Changes a session and announces it (session/changed); a terminal status ends the waits on it. */
  update(id: string, change: Partial<SessionSummary>): void;
  progress(progress: SessionProgress): void;
  log(id: string, level: LogLevel, message: string): void;
  stop(): Promise<void>;
}

let idCounter = 0;

export function fakeSession(change: Partial<SessionDetail> = {}): SessionDetail {
  idCounter++;
  return {
    id: `20261125-023000-${idCounter.toString(16).padStart(6, '0')}`,
    source: 'system-state',
    paths: [],
    excludes: [],
    repository: '/srv/repo',
    trigger: 'manual',
    status: 'in-process',
    phase: 'queued',
    attempt: 1,
    maxAttempts: 3,
    createdAt: '2026-11-25T02:30:00.000Z',
    startedAt: '2026-11-25T02:30:01.000Z',
    endedAt: null,
    nextAttemptAt: null,
    failure: null,
    snapshotId: null,
    stats: null,
    interruptions: 0,
    errors: 0,
    attempts: [],
    transitions: [],
    ...change,
  };
}

function summaryOf(detail: SessionDetail): SessionSummary {
  const { attempts: _attempts, transitions: _transitions, ...summary } = detail;
  return summary;
}

function notFound(id: string) {
  return new ResponseError(HelperErrorCodes.SessionNotFound, `no session ${id}`, {
    code: 'SESSION_NOT_FOUND',
  });
}

export async function startFakeSessionHelper(socketPath: string): Promise<FakeSessionHelper> {
  const connections = new Set<MessageConnection>();
  const sessions = new Map<string, SessionDetail>();
  const logs = new Map<string, SessionLogEntry[]>();
  const waiters = new Map<string, Set<(session: SessionSummary) => void>>();
  let logSeq = 0;

  const broadcast = (send: (connection: MessageConnection) => Promise<void>) => {
    // A client that is just leaving misses the notification, as it would with the real helper.
    for (const connection of connections) send(connection).catch(() => undefined);
  };

  const fake: FakeSessionHelper = {
    requests: [],
    waitsCancelled: 0,
    schedules: [
      {
        source: 'system-state',
        spec: { kind: 'daily', time: '02:30' },
        paths: [],
        excludes: [],
        nextRunAt: '2026-11-26T02:30:00.000Z',
        lastRunAt: '2026-11-25T02:30:00.000Z',
        lastSessionId: '20261125-023000-00abcd',
      },
      {
        source: 'files',
        spec: { kind: 'off' },
        paths: [],
        excludes: [],
        nextRunAt: null,
        lastRunAt: null,
        lastSessionId: null,
      },
    ],
    onStart: () => undefined,
    add(session) {
      sessions.set(session.id, session);
    },
    update(id, change) {
      const current = sessions.get(id);
      if (current === undefined) throw new Error(`fake helper: no session ${id}`);
      const next = { ...current, ...change };
      sessions.set(id, next);
      const summary = summaryOf(next);
      broadcast((c) => c.sendNotification(SessionChangedNotification.type, { session: summary }));
      if (isTerminalStatus(next.status)) {
        for (const resolve of waiters.get(id) ?? []) resolve(summary);
        waiters.delete(id);
      }
    },
    progress(progress) {
      broadcast((c) => c.sendNotification(SessionProgressNotification.type, progress));
    },
    log(id, level, message) {
      const entries = logs.get(id) ?? [];
      entries.push({ seq: ++logSeq, at: '2026-11-25T02:30:05.000Z', attempt: 1, level, message });
      logs.set(id, entries);
    },
    async stop() {
      for (const connection of connections) connection.dispose();
      connections.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const serve = (connection: MessageConnection) => {
    const record = (method: string, params: unknown) => fake.requests.push({ method, params });
    connection.onRequest(InitializeRequest.type, () => ({
      protocolVersion: helperProtocolVersion,
      helperVersion: '0.9.0',
      pid: process.pid,
      testMode: true,
    }));
    connection.onRequest(SessionStartRequest.type, (params) => {
      record(SessionStartRequest.method, params);
      const session = fakeSession({
        source: params.source,
        paths: params.paths ?? [],
        repository: params.repository ?? '/srv/repo',
      });
      sessions.set(session.id, session);
      setTimeout(() => fake.onStart(session, params), 5);
      return { session: summaryOf(session), created: true };
    });
    connection.onRequest(SessionListRequest.type, (params) => {
      record(SessionListRequest.method, params);
      return { sessions: [...sessions.values()].reverse().map(summaryOf) };
    });
    connection.onRequest(SessionShowRequest.type, (params) => {
      record(SessionShowRequest.method, params);
      const session = sessions.get(params.id);
      return session === undefined ? notFound(params.id) : { session };
    });
    connection.onRequest(SessionLogRequest.type, (params) => {
      record(SessionLogRequest.method, params);
      if (!sessions.has(params.id)) return notFound(params.id);
      const min = logLevels.indexOf(params.minLevel ?? 'debug');
      const entries = (logs.get(params.id) ?? []).filter(
        (e) => e.seq > (params.afterSeq ?? 0) && logLevels.indexOf(e.level) >= min,
      );
      return { entries: entries.slice(0, params.limit ?? 1000) };
    });
    connection.onRequest(SessionCancelRequest.type, (params) => {
      record(SessionCancelRequest.method, params);
      const session = sessions.get(params.id);
      return session === undefined ? notFound(params.id) : { session: summaryOf(session) };
    });
    connection.onRequest(SessionWaitRequest.type, (params, token) => {
      record(SessionWaitRequest.method, params);
      const session = sessions.get(params.id);
      if (session === undefined) return notFound(params.id);
      if (isTerminalStatus(session.status)) return { session: summaryOf(session) };
      return new Promise<{ session: SessionSummary } | ResponseError<{ code: string }>>((resolve) => {
        const resolveEnded = (ended: SessionSummary) => resolve({ session: ended });
        const set = waiters.get(params.id) ?? new Set();
        set.add(resolveEnded);
        waiters.set(params.id, set);
        token.onCancellationRequested(() => {
          fake.waitsCancelled++;
          set.delete(resolveEnded);
          resolve(new ResponseError(-32800, 'session/wait was cancelled', { code: 'CANCELLED' }));
        });
      });
    });
    connection.onRequest(ScheduleGetRequest.type, (params) => {
      record(ScheduleGetRequest.method, params);
      return { schedules: fake.schedules };
    });
    connection.onRequest(ScheduleSetRequest.type, (params) => {
      record(ScheduleSetRequest.method, params);
      fake.schedules = fake.schedules.map((s) =>
        s.source === params.source
          ? {
              ...s,
              spec: params.spec,
              paths: params.paths ?? s.paths,
              excludes: params.excludes ?? s.excludes,
            }
          : s,
      );
      return { schedules: fake.schedules };
    });
    connection.listen();
  };

  const server = net.createServer((socket) => {
    const connection = createMessageConnection(
      new SocketMessageReader(socket),
      new SocketMessageWriter(socket),
    );
    connections.add(connection);
    connection.onClose(() => {
      connections.delete(connection);
      connection.dispose();
    });
    serve(connection);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  // As the real helper's socket: not writable by everyone (the client refuses such a socket).
  await chmod(socketPath, 0o660);
  return fake;
}

import { afterEach, describe, expect, it } from 'vitest';
import {
  CancellationTokenSource,
  ErrorCodes,
  type MessageConnection,
  ResponseError,
} from 'vscode-jsonrpc/node';
import {
  HelperErrorCodes,
  helperProtocolVersion,
  InitializeRequest,
  SessionCancelRequest,
  SessionChangedNotification,
  SessionListRequest,
  SessionShowRequest,
  SessionStartRequest,
  SessionWaitRequest,
} from '../../helper-protocol/protocol';
import { createHelperServer, type HelperServer } from './helper-server';
import {
  connectInMemory,
  fakeHandlers,
  fakeSession,
  type MemoryLog,
  memoryLog,
  selfPeer,
  sessionId,
  waitFor,
} from './helper-server-test-support';

let server: HelperServer;
let log: MemoryLog;
let calls: ReturnType<typeof fakeHandlers>['calls'];
const clients: MessageConnection[] = [];

function startServer(): void {
  const fake = fakeHandlers();
  calls = fake.calls;
  log = memoryLog();
  server = createHelperServer({
    handlers: fake.handlers,
    helperVersion: '9.8.7',
    testMode: true,
    policy: { helperUid: 0, groupId: null, testMode: true },
    log,
  });
}

function connect(): MessageConnection {
  const client = connectInMemory(server, selfPeer());
  clients.push(client);
  return client;
}

async function initialized(): Promise<MessageConnection> {
  const client = connect();
  await client.sendRequest(InitializeRequest.type, {
    protocolVersion: helperProtocolVersion,
    client: 'test',
  });
  return client;
}

/** The ResponseError a request fails with (the test fails if it succeeds). */
async function failureOf(promise: Promise<unknown>): Promise<ResponseError<{ code: string }>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ResponseError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await server.close();
});

describe('initialize', () => {
  it('answers with the protocol version, the helper version, its pid and the test mode', async () => {
    startServer();
    const result = await connect().sendRequest(InitializeRequest.type, {
      protocolVersion: helperProtocolVersion,
      client: 'backup-manager-app 0.1.0',
    });
    expect(result).toEqual({
      protocolVersion: helperProtocolVersion,
      helperVersion: '9.8.7',
      pid: process.pid,
      testMode: true,
    });
    expect(log.lines.some((line) => line.includes('initialized by backup-manager-app 0.1.0'))).toBe(true);
  });

  it('refuses another protocol version and stays usable for a correct initialize', async () => {
    startServer();
    const client = connect();
    const error = await failureOf(
      client.sendRequest(InitializeRequest.type, {
        protocolVersion: helperProtocolVersion + 1,
        client: 'new',
      }),
    );
    expect(error.code).toBe(HelperErrorCodes.ProtocolVersionMismatch);
    expect(error.data).toEqual({ code: 'PROTOCOL_MISMATCH' });
    expect(error.message).toBe(
      `helper speaks protocol ${helperProtocolVersion}, client ${helperProtocolVersion + 1}: install matching versions`,
    );
    const notYet = await failureOf(client.sendRequest(SessionListRequest.type, {}));
    expect(notYet.data).toEqual({ code: 'NOT_INITIALIZED' });
    await client.sendRequest(InitializeRequest.type, {
      protocolVersion: helperProtocolVersion,
      client: 'old',
    });
    expect(await client.sendRequest(SessionListRequest.type, {})).toEqual({ sessions: [fakeSession()] });
  });

  it('refuses every request before initialize', async () => {
    startServer();
    const error = await failureOf(connect().sendRequest(SessionShowRequest.type, { id: sessionId }));
    expect(error.code).toBe(HelperErrorCodes.NotInitialized);
    expect(error.data).toEqual({ code: 'NOT_INITIALIZED' });
  });
});

describe('params validation', () => {
  it('refuses malformed params with INVALID_PARAMS naming the issues, and keeps serving', async () => {
    startServer();
    const client = await initialized();
    const wrongId = await failureOf(client.sendRequest('session/show', { id: '../../etc/passwd' }));
    expect(wrongId.code).toBe(ErrorCodes.InvalidParams);
    expect(wrongId.data).toEqual({ code: 'INVALID_PARAMS' });
    expect(wrongId.message).toContain('invalid params for session/show: id: not a session id');

    const extraKey = await failureOf(client.sendRequest('settings/set', { repository: '/r', owner: 'me' }));
    expect(extraKey.data).toEqual({ code: 'INVALID_PARAMS' });
    expect(extraKey.message).toContain('owner');

    const relative = await failureOf(
      client.sendRequest(SessionStartRequest.type, { source: 'files', paths: ['home'] }),
    );
    expect(relative.data).toEqual({ code: 'INVALID_PARAMS' });
    expect(relative.message).toContain('paths.0: must be an absolute path');

    const outOfRange = await failureOf(client.sendRequest(SessionListRequest.type, { limit: 0 }));
    expect(outOfRange.data).toEqual({ code: 'INVALID_PARAMS' });

    const missing = await failureOf(client.sendRequest('session/wait'));
    expect(missing.data).toEqual({ code: 'INVALID_PARAMS' });

    const positional = await failureOf(client.sendRequest('session/show', [{ id: sessionId }]));
    expect(positional.data).toEqual({ code: 'INVALID_PARAMS' });

    expect(await client.sendRequest(SessionListRequest.type, { limit: 1 })).toEqual({
      sessions: [fakeSession()],
    });
  });

  it('answers unknown methods METHOD_NOT_FOUND, and keeps serving', async () => {
    startServer();
    const client = await initialized();
    const error = await failureOf(client.sendRequest('session/delete-everything', { id: sessionId }));
    expect(error.code).toBe(ErrorCodes.MethodNotFound);
    expect(error.data).toEqual({ code: 'METHOD_NOT_FOUND' });
    const inherited = await failureOf(client.sendRequest('constructor', {}));
    expect(inherited.data).toEqual({ code: 'METHOD_NOT_FOUND' });
    expect((await client.sendRequest(SessionListRequest.type, {})).sessions).toHaveLength(1);
  });

  it('ignores unknown notifications with a log line', async () => {
    startServer();
    const client = await initialized();
    await client.sendNotification('session/explode', { now: true });
    expect((await client.sendRequest(SessionListRequest.type, {})).sessions).toHaveLength(1);
    expect(log.lines.some((line) => line.includes('ignoring unknown notification "session/explode"'))).toBe(
      true,
    );
  });
});

describe('handler errors', () => {
  it('passes a coded error on with its code and message', async () => {
    startServer();
    const client = await initialized();
    const error = await failureOf(
      client.sendRequest(SessionShowRequest.type, { id: '20250101-120000-000000' }),
    );
    expect(error.code).toBe(HelperErrorCodes.SessionNotFound);
    expect(error.data).toEqual({ code: 'SESSION_NOT_FOUND' });
    expect(error.message).toBe('no session 20250101-120000-000000');
  });

  it('turns an uncoded error into INTERNAL_ERROR, logged but not sent', async () => {
    startServer();
    const client = await initialized();
    const error = await failureOf(client.sendRequest(SessionCancelRequest.type, { id: sessionId }));
    expect(error.code).toBe(HelperErrorCodes.Internal);
    expect(error.data).toEqual({ code: 'INTERNAL_ERROR' });
    expect(error.message).not.toContain('/secret/path');
    expect(error.message).not.toContain('    at ');
    const logged = log.lines.find((line) => line.includes('session/cancel failed with an internal error'));
    expect(logged).toContain('the runner exploded at /secret/path');
    expect(logged).toContain('    at ');
  });
});

describe('cancellation', () => {
  it("reaches a long handler through the client's cancellation token", async () => {
    startServer();
    const client = await initialized();
    const source = new CancellationTokenSource();
    const waiting = failureOf(client.sendRequest(SessionWaitRequest.type, { id: sessionId }, source.token));
    await waitFor(() => calls.waitContexts.length === 1, 'the wait handler to start');
    const context = calls.waitContexts[0];
    expect(context?.token.isCancellationRequested).toBe(false);
    expect(context?.connection.peer).toEqual(selfPeer());
    expect(context?.connection.clientName).toBe('test');
    source.cancel();
    const error = await waiting;
    expect(error.data).toEqual({ code: 'CANCELLED' });
    expect(calls.waitCancelled).toBe(1);
  });

  it('reaches a handler whose request was cancelled before it was dispatched', async () => {
    startServer();
    const client = await initialized();
    const source = new CancellationTokenSource();
    const waiting = failureOf(client.sendRequest(SessionWaitRequest.type, { id: sessionId }, source.token));
    source.cancel();
    expect((await waiting).data).toEqual({ code: 'CANCELLED' });
    expect(calls.waitCancelled).toBe(1);
  });

  it('cancels running handlers when their connection closes', async () => {
    startServer();
    const client = await initialized();
    const waiting = client.sendRequest(SessionWaitRequest.type, { id: sessionId });
    waiting.catch(() => 'rejected when the client is disposed below; the test checks the handler side');
    await waitFor(() => calls.waitContexts.length === 1, 'the wait handler to start');
    expect(server.connectionCount()).toBe(1);
    await server.close();
    expect(calls.waitContexts[0]?.token.isCancellationRequested).toBe(true);
    expect(calls.waitCancelled).toBe(1);
    expect(server.connectionCount()).toBe(0);
  });
});

describe('broadcast', () => {
  it('notifies every initialized connection, and only those', async () => {
    startServer();
    const first = await initialized();
    const second = await initialized();
    const stranger = connect();
    const received: string[] = [];
    first.onNotification(SessionChangedNotification.type, (params) => {
      received.push(`first ${params.session.id}`);
    });
    second.onNotification(SessionChangedNotification.type, (params) => {
      received.push(`second ${params.session.id}`);
    });
    stranger.onNotification(SessionChangedNotification.type, () => {
      received.push('stranger');
    });
    server.broadcast(SessionChangedNotification.type, { session: fakeSession() });
    await waitFor(() => received.length === 2, 'both notifications');
    // A round trip on the uninitialized connection: its notification would have been written before this answer.
    await failureOf(stranger.sendRequest(SessionListRequest.type, {}));
    expect(received.sort()).toEqual([`first ${sessionId}`, `second ${sessionId}`]);
  });
});

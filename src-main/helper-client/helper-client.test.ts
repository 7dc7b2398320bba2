import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CancellationTokenSource,
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import {
  helperProtocolVersion,
  InitializeRequest,
  SessionChangedNotification,
  SessionListRequest,
  SessionShowRequest,
  SessionWaitRequest,
} from '../helper-protocol/protocol';
import type { SessionSummary } from '../helper-protocol/session-model';
import {
  type FakeHelper,
  type FakeHelperBehaviour,
  startFakeHelper,
  waitFor,
} from './fake-helper-test-support';
import { HelperClient } from './helper-client';
import { isHelperClientError, isHelperRequestError } from './helper-client-errors';

const isRoot = process.getuid?.() === 0;
const sessionId = '20250101-120000-abcdef';

let dir: string;
let socketPath: string;
let helper: FakeHelper | undefined;
const clients: HelperClient[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'helper-client-'));
  socketPath = path.join(dir, 'helper.sock');
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await helper?.stop();
  helper = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function connect(timeoutMs?: number): Promise<HelperClient> {
  const client = await HelperClient.connect({ socketPath, clientName: 'client test', timeoutMs });
  clients.push(client);
  return client;
}

async function connectFailure(behaviour?: FakeHelperBehaviour, timeoutMs?: number): Promise<string> {
  if (behaviour !== undefined) helper = await startFakeHelper(socketPath, behaviour);
  try {
    await connect(timeoutMs);
    return 'connected';
  } catch (error) {
    if (isHelperClientError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
}

async function requestFailure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'succeeded';
  } catch (error) {
    if (isHelperRequestError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
}

describe.runIf(isRoot)('HelperClient over a Unix socket', () => {
  it('checks the socket, initializes and sends requests', async () => {
    helper = await startFakeHelper(socketPath, 'serve', '2.0.0');
    const client = await connect();
    expect(client.info).toEqual({
      protocolVersion: helperProtocolVersion,
      helperVersion: '2.0.0',
      pid: process.pid,
      testMode: true,
    });
    expect(helper.initializedBy).toEqual(['client test']);
    expect(await client.request(SessionListRequest.type, {})).toEqual({ sessions: [] });
  });

  it("fails a request with the helper's code", async () => {
    helper = await startFakeHelper(socketPath);
    const client = await connect();
    const failure = await requestFailure(client.request(SessionShowRequest.type, { id: sessionId }));
    expect(failure).toBe(`SESSION_NOT_FOUND: no session ${sessionId}`);
  });

  it('cancels a long request through its token', async () => {
    helper = await startFakeHelper(socketPath);
    const client = await connect();
    const source = new CancellationTokenSource();
    const waiting = requestFailure(client.request(SessionWaitRequest.type, { id: sessionId }, source.token));
    source.cancel();
    expect(await waiting).toBe('CANCELLED: session/wait was cancelled');
  });

  it('delivers notifications to every handler until each is disposed', async () => {
    helper = await startFakeHelper(socketPath);
    const client = await connect();
    const seen: string[] = [];
    const first = client.onNotification(SessionChangedNotification.type, ({ session }) => {
      seen.push(`first ${session.id}`);
    });
    client.onNotification(SessionChangedNotification.type, ({ session }) => {
      seen.push(`second ${session.id}`);
    });
    const session = { id: sessionId } as SessionSummary;
    await helper.notify(SessionChangedNotification.type, { session });
    await waitFor(() => seen.length === 2, 'two handlers');
    first.dispose();
    await helper.notify(SessionChangedNotification.type, { session });
    await waitFor(() => seen.length === 3, 'the remaining handler');
    expect(seen).toEqual([`first ${sessionId}`, `second ${sessionId}`, `second ${sessionId}`]);
  });

  it('fails pending requests with HELPER_DISCONNECTED and tells onClose when the helper goes away', async () => {
    helper = await startFakeHelper(socketPath);
    const client = await connect();
    let closed = 0;
    client.onClose(() => closed++);
    const pending = requestFailure(client.request(SessionWaitRequest.type, { id: sessionId }));
    await helper.stop();
    helper = undefined;
    expect(await pending).toMatch(/^HELPER_DISCONNECTED: /);
    await waitFor(() => closed === 1, 'onClose');
    expect(client.isClosed).toBe(true);
    expect(await requestFailure(client.request(SessionListRequest.type, {}))).toMatch(
      /^HELPER_DISCONNECTED: /,
    );
  });

  it('reports each way connecting can fail with its code', async () => {
    expect(await connectFailure()).toBe(`HELPER_NOT_INSTALLED: no helper socket at ${socketPath}`);
    expect(await connectFailure('mismatch')).toBe(
      `PROTOCOL_MISMATCH: helper speaks protocol ${helperProtocolVersion + 1}, client ${helperProtocolVersion}: install matching versions`,
    );
    await helper?.stop();
    expect(await connectFailure('refuse-peer')).toMatch(
      /^HELPER_ACCESS_DENIED: the helper closed the connection/,
    );
    await helper?.stop();
    expect(await connectFailure('silent', 200)).toBe(
      'HELPER_UNREACHABLE: the helper did not answer within 200 ms',
    );
  });

  it("reports a dead helper's socket as HELPER_UNREACHABLE", async () => {
    const listenThenDie = `require('node:net').createServer().listen(process.argv[1], () => process.kill(process.pid, 'SIGKILL'))`;
    await new Promise<void>((resolve) => {
      spawn(process.execPath, ['-e', listenThenDie, socketPath]).on('close', () => resolve());
    });
    expect(await connectFailure()).toBe(`HELPER_UNREACHABLE: the helper is not running (${socketPath})`);
  });
});

describe('HelperClient over in-memory streams', () => {
  it('initializes and requests through fromStreams', async () => {
    const toHelper = new PassThrough();
    const toClient = new PassThrough();
    const fake = createMessageConnection(
      new StreamMessageReader(toHelper),
      new StreamMessageWriter(toClient),
    );
    fake.onRequest(InitializeRequest.type, (params) => ({
      protocolVersion: params.protocolVersion,
      helperVersion: 'memory',
      pid: 1,
      testMode: false,
    }));
    fake.onRequest(SessionListRequest.type, (params) => ({
      sessions: Array.from({ length: params.limit ?? 0 }, () => ({ id: sessionId }) as SessionSummary),
    }));
    fake.listen();
    const client = await HelperClient.fromStreams(
      new StreamMessageReader(toClient),
      new StreamMessageWriter(toHelper),
      {
        clientName: 'memory test',
      },
    );
    try {
      expect(client.info.helperVersion).toBe('memory');
      expect((await client.request(SessionListRequest.type, { limit: 2 })).sessions).toHaveLength(2);
    } finally {
      client.close();
      fake.dispose();
    }
  });
});

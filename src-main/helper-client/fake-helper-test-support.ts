/**
 * A stand-in helper for the client's tests, speaking the protocol over a real Unix socket with vscode-jsonrpc
 * (the helper-client room may not import the real server). It behaves as told: answers, refuses the protocol
 * version, refuses the peer (closes at once), or never answers.
 */
import { chmod } from 'node:fs/promises';
import net from 'node:net';
import {
  createMessageConnection,
  type MessageConnection,
  type NotificationType,
  type RequestParam,
  ResponseError,
  SocketMessageReader,
  SocketMessageWriter,
} from 'vscode-jsonrpc/node';
import {
  HelperErrorCodes,
  helperProtocolVersion,
  InitializeRequest,
  SessionListRequest,
  SessionShowRequest,
  SessionWaitRequest,
} from '../helper-protocol/protocol';

export type FakeHelperBehaviour = 'serve' | 'mismatch' | 'refuse-peer' | 'silent';

export interface FakeHelper {
  /** When each connection was accepted (Date.now()), to measure reconnect delays. */
  acceptedAt: number[];
  /** Initialize requests seen, with the client name each announced. */
  initializedBy: string[];
  notify<P>(type: NotificationType<P>, params: RequestParam<P>): Promise<void>;
  /** Drops every connection and stops listening (Node removes the socket file). */
  stop(): Promise<void>;
}

export async function startFakeHelper(
  socketPath: string,
  behaviour: FakeHelperBehaviour = 'serve',
  helperVersion = '0.1.0',
): Promise<FakeHelper> {
  const connections = new Set<MessageConnection>();
  const initializedBy: string[] = [];
  const acceptedAt: number[] = [];
  const server = net.createServer((socket) => {
    acceptedAt.push(Date.now());
    if (behaviour === 'refuse-peer') {
      socket.destroy();
      return;
    }
    const connection = createMessageConnection(
      new SocketMessageReader(socket),
      new SocketMessageWriter(socket),
    );
    connections.add(connection);
    connection.onClose(() => {
      connections.delete(connection);
      connection.dispose();
    });
    connection.onRequest(InitializeRequest.type, (params) => {
      initializedBy.push(params.client);
      if (behaviour === 'silent') return new Promise(() => undefined);
      if (behaviour === 'mismatch') {
        return new ResponseError(
          HelperErrorCodes.ProtocolVersionMismatch,
          `helper speaks protocol ${helperProtocolVersion + 1}, client ${params.protocolVersion}: install matching versions`,
          { code: 'PROTOCOL_MISMATCH' },
        );
      }
      return { protocolVersion: helperProtocolVersion, helperVersion, pid: process.pid, testMode: true };
    });
    connection.onRequest(SessionListRequest.type, () => ({ sessions: [] }));
    connection.onRequest(SessionShowRequest.type, (params) => {
      return new ResponseError(HelperErrorCodes.SessionNotFound, `no session ${params.id}`, {
        code: 'SESSION_NOT_FOUND',
      });
    });
    connection.onRequest(SessionWaitRequest.type, (_params, token) => {
      return new Promise<ResponseError<{ code: string }>>((resolve) => {
        // A request cancelled before dispatch gets a frozen token whose event never fires: check it first.
        if (token.isCancellationRequested)
          resolve(new ResponseError(-32800, 'session/wait was cancelled', { code: 'CANCELLED' }));
        token.onCancellationRequested(() =>
          resolve(new ResponseError(-32800, 'session/wait was cancelled', { code: 'CANCELLED' })),
        );
      });
    });
    connection.listen();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o660);
  return {
    acceptedAt,
    initializedBy,
    async notify(type, params) {
      await Promise.all([...connections].map((connection) => connection.sendNotification(type, params)));
    },
    async stop() {
      for (const connection of connections) connection.dispose();
      connections.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves once `condition` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The helper's JSON-RPC server: one vscode-jsonrpc message connection per client, every request going through
 * one dispatch function that
 * 1. answers unknown methods MethodNotFound (the protocol's `helperRequests` is the whole surface);
 * 2. refuses everything before a successful `initialize` (NOT_INITIALIZED);
 * 3. validates params with the method's zod schema (jsonrpc validates nothing; this process runs as root);
 * 4. calls the handler with a token cancelled by the client or by the connection closing;
 * 5. turns whatever the handler threw into a ResponseError with a string code (response-errors.ts).
 * A client that breaks the wire format (bad headers, invalid JSON) loses its own connection; the helper keeps
 * serving everyone else. On real sockets (`attach`) each peer's credentials are checked before anything is read.
 */
import type net from 'node:net';
import {
  CancellationTokenSource,
  createMessageConnection,
  type Disposable,
  type Logger,
  type MessageConnection,
  type MessageReader,
  type MessageWriter,
  type NotificationType,
  type RequestParam,
  SocketMessageReader,
  SocketMessageWriter,
} from 'vscode-jsonrpc/node';
import type { z } from 'zod';
import {
  helperProtocolVersion,
  helperRequests,
  type InitializeResult,
  type initializeParamsSchema,
} from '../../helper-protocol/protocol';
import type { ConnectionInfo, HelperHandlers, RequestContext } from './handler-map';
import type { HelperServerLog } from './helper-server-error';
import {
  authorizePeer,
  needsSupplementaryGroups,
  type PeerIdentity,
  type PeerPolicy,
} from './peer-authorization';
import {
  loadPeerCredentialsAddon,
  type PeerCredentials,
  peerOf,
  supplementaryGroupsOf,
} from './peer-credentials';
import { helperError, toResponseError } from './response-errors';

export interface HelperServerOptions {
  handlers: HelperHandlers;
  helperVersion: string;
  testMode: boolean;
  policy: PeerPolicy;
  log: HelperServerLog;
  /** Who is connected to an accepted socket; default: SO_PEERCRED and /proc (peer-credentials.ts). */
  identifyPeer?: (socket: net.Socket, policy: PeerPolicy) => Promise<PeerIdentity>;
}

export interface HelperServer {
  /** Serves one client over an already connected reader/writer pair (sockets go through `attach`). */
  serveConnection(reader: MessageReader, writer: MessageWriter, peer: PeerCredentials): Disposable;
  /**
   * Serves every connection `server` accepts from an authorized peer; refuses (closes) the others. Throws
   * PEER_CREDENTIALS_UNAVAILABLE at once when the addon that identifies peers is missing, rather than start a
   * helper that would refuse everyone.
   */
  attach(server: net.Server): void;
  /** Sends a notification to every initialized client (session/progress, session/changed). */
  broadcast<P>(type: NotificationType<P>, params: RequestParam<P>): void;
  /** Clients connected right now (initialized or not). */
  connectionCount(): number;
  /** Closes every connection and every attached server. */
  close(): Promise<void>;
}

interface ServedConnection {
  info: ConnectionInfo;
  connection: MessageConnection;
  initialized: boolean;
  /** Cancelled when the connection closes: handlers still running for it stop waiting. */
  closed: CancellationTokenSource;
  /** Disposes the connection (and its socket) once, and forgets it. */
  end(why: string): void;
}

type AnyHandler = (params: unknown, context: RequestContext) => Promise<unknown>;

/** Each method's params schema; a Map so no name reaches an inherited property. */
const paramsSchemas = new Map<string, z.ZodType>(
  helperRequests.map((request) => [request.method, request.params]),
);

export function createHelperServer(options: HelperServerOptions): HelperServer {
  const { log } = options;
  const identifyPeer = options.identifyPeer ?? identifyPeerOfSocket;
  const connections = new Set<ServedConnection>();
  const servers = new Set<net.Server>();
  let nextId = 1;
  let closing = false;

  function serveConnection(reader: MessageReader, writer: MessageWriter, peer: PeerCredentials): Disposable {
    const id = nextId++;
    const label = `connection ${id} (uid ${peer.uid}, pid ${peer.pid})`;
    const connection = createMessageConnection(reader, writer, jsonrpcLogger(log, label));
    let ended = false;
    const served: ServedConnection = {
      info: { id, peer, clientName: '' },
      connection,
      initialized: false,
      closed: new CancellationTokenSource(),
      end(why) {
        if (ended) return;
        ended = true;
        connections.delete(served);
        served.closed.cancel();
        connection.dispose();
        served.closed.dispose();
        log.info(`${label} ${why}`);
      },
    };
    const end = (why: string) => served.end(why);
    // Requests without a typed registration all arrive here with their raw params (never spread into arguments),
    // so the schema sees exactly what came over the wire.
    connection.onRequest((method, params, token) => dispatch(served, method, params, token));
    connection.onUnhandledNotification((message) => {
      log.warn(`${label}: ignoring unknown notification ${JSON.stringify(message.method)}`);
    });
    connection.onError(([error]) => {
      log.warn(`${label}: ${error.message}; closing it`);
      end('closed after a transport error');
    });
    connection.onClose(() => end('closed'));
    connections.add(served);
    connection.listen();
    log.info(`${label} opened`);
    return { dispose: () => end('closed by the helper') };
  }

  async function dispatch(
    served: ServedConnection,
    method: string,
    rawParams: unknown,
    token: RequestContext['token'],
  ): Promise<unknown> {
    const schema = paramsSchemas.get(method);
    if (schema === undefined)
      throw helperError('METHOD_NOT_FOUND', `the helper has no method ${JSON.stringify(method)}`);
    if (method !== 'initialize' && !served.initialized) {
      throw helperError('NOT_INITIALIZED', `${method} before initialize: send initialize first`);
    }
    const parsed = schema.safeParse(rawParams);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'params'}: ${issue.message}`,
      );
      throw helperError('INVALID_PARAMS', `invalid params for ${method}: ${issues.join('; ')}`);
    }
    // The schema just checked is initialize's own, so the data has its shape.
    if (method === 'initialize')
      return initialize(served, parsed.data as z.infer<typeof initializeParamsSchema>);
    const handler = (options.handlers as unknown as Record<string, AnyHandler>)[method];
    if (handler === undefined)
      throw helperError('METHOD_NOT_FOUND', `the helper does not implement ${method}`);
    const source = new CancellationTokenSource();
    // Read the token before any cancel: a source cancelled first hands out a frozen token whose
    // onCancellationRequested never fires, and a handler subscribing to it would wait forever.
    const handlerToken = source.token;
    const subscriptions = [
      token.onCancellationRequested(() => source.cancel()),
      served.closed.token.onCancellationRequested(() => source.cancel()),
    ];
    if (token.isCancellationRequested || served.closed.token.isCancellationRequested) source.cancel();
    try {
      return await handler(parsed.data, { token: handlerToken, connection: served.info });
    } catch (error) {
      throw toResponseError(error, method, handlerToken.isCancellationRequested, log);
    } finally {
      for (const subscription of subscriptions) subscription.dispose();
      source.dispose();
    }
  }

  function initialize(
    served: ServedConnection,
    params: z.infer<typeof initializeParamsSchema>,
  ): InitializeResult {
    if (params.protocolVersion !== helperProtocolVersion) {
      // The connection stays usable: a client that speaks several versions may initialize again.
      throw helperError(
        'PROTOCOL_MISMATCH',
        `helper speaks protocol ${helperProtocolVersion}, client ${params.protocolVersion}: install matching versions`,
      );
    }
    served.initialized = true;
    served.info.clientName = params.client;
    log.info(`connection ${served.info.id} initialized by ${params.client}`);
    return {
      protocolVersion: helperProtocolVersion,
      helperVersion: options.helperVersion,
      pid: process.pid,
      testMode: options.testMode,
    };
  }

  async function accept(socket: net.Socket): Promise<void> {
    // Until the peer is authorized nothing reads the socket (it stays paused). This listener stays for the
    // socket's life: an 'error' event without one would crash the helper (the jsonrpc reader's comes and goes).
    socket.on('error', (error) => log.warn(`client socket error: ${error.message}`));
    let peer: PeerIdentity;
    try {
      peer = await identifyPeer(socket, options.policy);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log.warn(`refused a connection whose peer could not be identified: ${reason}`);
      socket.destroy();
      return;
    }
    if (closing) {
      socket.destroy();
      return;
    }
    const decision = authorizePeer(peer, options.policy);
    if (!decision.allowed) {
      log.warn(
        `refused a connection from uid ${peer.uid} (pid ${peer.pid}, gid ${peer.gid}): ${decision.reason}`,
      );
      socket.destroy();
      return;
    }
    if (socket.destroyed) return;
    serveConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket), peer);
  }

  const onConnection = (socket: net.Socket) => {
    accept(socket).catch((error: unknown) => {
      // accept handles its own failures; this is a bug guard, and the socket must not stay open unserved.
      log.error(`accepting a connection failed: ${error instanceof Error ? error.message : String(error)}`);
      socket.destroy();
    });
  };
  const onServerError = (error: Error) => log.error(`helper socket error: ${error.message}`);

  return {
    serveConnection,
    attach(server) {
      if (options.identifyPeer === undefined) loadPeerCredentialsAddon();
      servers.add(server);
      server.on('connection', onConnection);
      server.on('error', onServerError);
    },
    broadcast(type, params) {
      for (const served of connections) {
        if (!served.initialized) continue;
        served.connection.sendNotification(type, params).catch((error: unknown) => {
          // The client is going away; its connection is ended by onClose/onError. Nothing to retry.
          log.warn(`connection ${served.info.id}: notification ${type.method} not sent: ${String(error)}`);
        });
      }
    },
    connectionCount: () => connections.size,
    async close() {
      closing = true;
      for (const served of [...connections]) served.end('closed by the helper');
      await Promise.all(
        [...servers].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.off('connection', onConnection);
              server.close(() => resolve());
            }),
        ),
      );
      servers.clear();
    },
  };
}

async function identifyPeerOfSocket(socket: net.Socket, policy: PeerPolicy): Promise<PeerIdentity> {
  const credentials = peerOf(socket);
  const groups = needsSupplementaryGroups(credentials, policy)
    ? await supplementaryGroupsOf(credentials.pid, credentials.uid)
    : [];
  return { ...credentials, groups };
}

/** vscode-jsonrpc's own complaints (e.g. a message that is neither request nor notification) go to the log. */
function jsonrpcLogger(log: HelperServerLog, label: string): Logger {
  return {
    error: (message) => log.warn(`${label}: ${message}`),
    warn: (message) => log.warn(`${label}: ${message}`),
    info: (message) => log.info(`${label}: ${message}`),
    log: (message) => log.info(`${label}: ${message}`),
  };
}

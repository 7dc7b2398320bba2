/**
 * One connection from the unprivileged side (Electron main, the CLI) to the helper: checks the socket's owner
 * before trusting it, connects, agrees on the protocol version with `initialize`, then offers typed requests and
 * notifications. Failures carry codes: connecting throws HelperClientError (the helper status the user sees is
 * derived from it, helper-status.ts), a request throws HelperRequestError with the helper's string code.
 * Reconnecting is not done here: HelperConnection (helper-connection.ts) keeps a client alive.
 */
import net from 'node:net';
import {
  type CancellationToken,
  createMessageConnection,
  type Disposable,
  ErrorCodes,
  type MessageConnection,
  type MessageReader,
  type MessageWriter,
  type NotificationType,
  type RequestParam,
  type RequestType,
  ResponseError,
  SocketMessageReader,
  SocketMessageWriter,
} from 'vscode-jsonrpc/node';
import {
  type HelperErrorData,
  helperProtocolVersion,
  InitializeRequest,
  type InitializeResult,
} from '../helper-protocol/protocol';
import { HelperClientError, HelperRequestError } from './helper-client-errors';
import { explainMissingSocket } from './helper-installation';
import { verifySocketOwnership } from './socket-ownership';

export interface HelperClientOptions {
  /** Names this client in the helper's log, e.g. "backup-manager-app 0.1.0". */
  clientName: string;
  /** How long connecting plus `initialize` may take. Default 5 s. */
  timeoutMs?: number;
  /** The protocol version to announce; only tests speak another one than this build's. */
  protocolVersion?: number;
}

export interface HelperConnectOptions extends HelperClientOptions {
  socketPath: string;
  /** The helper runs as the current user (development, tests): the socket is expected to be theirs, not root's. */
  testMode?: boolean;
}

const defaultTimeoutMs = 5000;

export class HelperClient {
  /** Notification handlers by method: jsonrpc keeps one handler per method, this keeps any number. */
  private readonly notificationHandlers = new Map<string, Set<(params: unknown) => void>>();
  private closed = false;

  private constructor(
    private readonly connection: MessageConnection,
    readonly info: InitializeResult,
  ) {}

  /** Verifies the socket, connects and initializes. */
  static async connect(options: HelperConnectOptions): Promise<HelperClient> {
    const testMode = options.testMode ?? false;
    const explain = (error: unknown) => {
      throw error instanceof HelperClientError
        ? explainMissingSocket(error, options.socketPath, testMode)
        : error;
    };
    await verifySocketOwnership(options.socketPath, { testMode }).catch(explain);
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const socket = await connectSocket(options.socketPath, timeoutMs).catch(explain);
    return HelperClient.fromStreams(
      new SocketMessageReader(socket),
      new SocketMessageWriter(socket),
      options,
    );
  }

  /** Initializes over an already connected reader/writer pair (in-memory tests; `connect` for sockets). */
  static async fromStreams(
    reader: MessageReader,
    writer: MessageWriter,
    options: HelperClientOptions,
  ): Promise<HelperClient> {
    const connection = createMessageConnection(reader, writer);
    let client: HelperClient | undefined;
    // jsonrpc rejects pending requests only on dispose, so a lost or corrupted connection is disposed at once
    // (during initialize too: a helper refusing this peer just closes the socket).
    const lost = () => (client === undefined ? connection.dispose() : client.close());
    connection.onClose(lost);
    connection.onError(lost);
    connection.listen();
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const protocolVersion = options.protocolVersion ?? helperProtocolVersion;
    try {
      const info = await withTimeout(
        connection.sendRequest(InitializeRequest.type, { protocolVersion, client: options.clientName }),
        timeoutMs,
        () => new HelperClientError('HELPER_UNREACHABLE', `the helper did not answer within ${timeoutMs} ms`),
      );
      if (info.protocolVersion !== protocolVersion) {
        throw new HelperClientError(
          'PROTOCOL_MISMATCH',
          `helper speaks protocol ${info.protocolVersion}, client ${protocolVersion}: install matching versions`,
        );
      }
      client = new HelperClient(connection, info);
      return client;
    } catch (error) {
      connection.dispose();
      throw initializeFailure(error);
    }
  }

  /** Sends a request; throws HelperRequestError with the helper's code (or HELPER_DISCONNECTED). */
  async request<P, R>(
    type: RequestType<P, R, HelperErrorData>,
    params: RequestParam<P>,
    token?: CancellationToken,
  ): Promise<R> {
    if (this.closed) {
      throw new HelperRequestError(
        'HELPER_DISCONNECTED',
        'the connection to the helper is closed',
        type.method,
      );
    }
    try {
      return await this.connection.sendRequest(type, params, token);
    } catch (error) {
      throw requestFailure(error, type.method);
    }
  }

  /** Calls `handler` for every notification of `type` until the returned Disposable is disposed. */
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): Disposable {
    let handlers = this.notificationHandlers.get(type.method);
    if (handlers === undefined) {
      const registered = new Set<(params: unknown) => void>();
      handlers = registered;
      this.notificationHandlers.set(type.method, registered);
      this.connection.onNotification(type.method, (params: unknown) => {
        for (const each of [...registered]) each(params);
      });
    }
    const untyped = handler as (params: unknown) => void;
    handlers.add(untyped);
    const set = handlers;
    return { dispose: () => set.delete(untyped) };
  }

  /** Called once when the connection ends (the helper went away, or `close`); at once if it already has. */
  onClose(listener: () => void): Disposable {
    if (this.closed) {
      queueMicrotask(listener);
      return { dispose: () => undefined };
    }
    return this.connection.onDispose(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the connection; pending requests fail with HELPER_DISCONNECTED. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.dispose();
  }
}

function connectSocket(socketPath: string, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new HelperClientError('HELPER_UNREACHABLE', `connecting to ${socketPath} timed out`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(connectFailure(socketPath, error));
    };
    socket.once('error', onError);
  });
}

function connectFailure(socketPath: string, error: NodeJS.ErrnoException): HelperClientError {
  const options = { cause: error };
  switch (error.code) {
    case 'ENOENT':
      return new HelperClientError('HELPER_NOT_INSTALLED', `no helper socket at ${socketPath}`, options);
    case 'EACCES':
    case 'EPERM':
      return new HelperClientError(
        'HELPER_ACCESS_DENIED',
        `not allowed to connect to ${socketPath}`,
        options,
      );
    case 'ECONNREFUSED':
      return new HelperClientError(
        'HELPER_UNREACHABLE',
        `the helper is not running (${socketPath})`,
        options,
      );
    default:
      return new HelperClientError(
        'HELPER_UNREACHABLE',
        `connecting to ${socketPath}: ${error.message}`,
        options,
      );
  }
}

function initializeFailure(error: unknown): HelperClientError {
  if (error instanceof HelperClientError) return error;
  if (error instanceof ResponseError) {
    const code = codeOf(error);
    if (code === 'PROTOCOL_MISMATCH') return new HelperClientError('PROTOCOL_MISMATCH', error.message);
    if (error.code === ErrorCodes.PendingResponseRejected || error.code === ErrorCodes.MessageWriteError) {
      // The helper dropped the connection before answering: it refuses this user (peer check) or is stopping.
      return new HelperClientError(
        'HELPER_ACCESS_DENIED',
        'the helper closed the connection without answering (this user may not be allowed to use it)',
        { cause: error },
      );
    }
    return new HelperClientError('HELPER_UNREACHABLE', `initialize failed: ${error.message}`, {
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new HelperClientError('HELPER_UNREACHABLE', `initialize failed: ${reason}`, { cause: error });
}

function requestFailure(error: unknown, method: string): HelperRequestError {
  if (error instanceof ResponseError) {
    if (error.code === ErrorCodes.PendingResponseRejected || error.code === ErrorCodes.MessageWriteError) {
      return new HelperRequestError('HELPER_DISCONNECTED', `the helper went away during ${method}`, method, {
        cause: error,
      });
    }
    return new HelperRequestError(codeOf(error) ?? 'HELPER_ERROR', error.message, method, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  // jsonrpc throws ConnectionError synchronously when the connection is already closed or disposed.
  return new HelperRequestError('HELPER_DISCONNECTED', `${method}: ${reason}`, method, { cause: error });
}

function codeOf(error: ResponseError<unknown>): string | undefined {
  const data: unknown = error.data;
  if (typeof data !== 'object' || data === null || !('code' in data)) return undefined;
  return typeof data.code === 'string' ? data.code : undefined;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

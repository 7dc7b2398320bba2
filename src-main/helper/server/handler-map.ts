/**
 * The explicit map of the helper's request handlers, derived from the protocol's `helperRequests`: one handler per
 * method, receiving params already validated by the method's zod schema, and returning the method's declared
 * result. Adding a request to the protocol makes the map incomplete until a handler exists, so the compiler
 * finds it. `initialize` is answered by the server itself (helper-server.ts) and is not part of the map.
 */
import type { CancellationToken, RequestType } from 'vscode-jsonrpc';
import type { z } from 'zod';
import type { HelperRequest } from '../../helper-protocol/protocol';
import type { PeerCredentials } from './peer-credentials';

/** One client connection, as handlers see it (for logs, and for decisions that depend on who asks). */
export interface ConnectionInfo {
  /** Unique per helper process, in connection order. */
  id: number;
  peer: PeerCredentials;
  /** The `client` the peer named in `initialize` (e.g. "backup-manager-app 0.1.0"). */
  clientName: string;
}

export interface RequestContext {
  /**
   * Cancelled when the client cancels the request or the connection closes (nobody waits for the answer).
   * Its onCancellationRequested fires even when it was cancelled before the handler subscribed.
   */
  token: CancellationToken;
  connection: ConnectionInfo;
}

/** The result type a RequestType declares. */
export type ResultOf<T> = T extends RequestType<infer _P, infer R, infer _E> ? R : never;

/** The requests with handlers: every request but `initialize`. */
export type HandledRequest = Exclude<HelperRequest, { method: 'initialize' }>;

export type HandledMethod = HandledRequest['method'];

export type HelperHandlers = {
  [R in HandledRequest as R['method']]: (
    params: z.infer<R['params']>,
    context: RequestContext,
  ) => Promise<ResultOf<R['type']>>;
};

/**
 * Failures of the helper's transport (socket, peer credentials), each with a stable code the helper's entry point
 * and its logs branch on. Errors of the protocol itself travel to clients as ResponseErrors (helper-server.ts).
 */
export const helperServerErrorCodes = [
  /** Another helper answers on the socket path: this one must not take the socket over. */
  'HELPER_ALREADY_RUNNING',
  /** Something that is not a socket sits at the socket path; it is never deleted. */
  'SOCKET_PATH_OCCUPIED',
  /** Creating, binding or securing the socket failed (permissions, a missing group, …). */
  'SOCKET_SETUP_FAILED',
  /** The peer-credentials addon is missing or broken, or the kernel would not tell who the peer is. */
  'PEER_CREDENTIALS_UNAVAILABLE',
] as const;

export type HelperServerErrorCode = (typeof helperServerErrorCodes)[number];

export class HelperServerError extends Error {
  constructor(
    readonly code: HelperServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HelperServerError';
  }
}

export function isHelperServerError(
  error: unknown,
  code?: HelperServerErrorCode,
): error is HelperServerError {
  return error instanceof HelperServerError && (code === undefined || error.code === code);
}

/** Where the transport reports what it did and refused; the helper's entry point routes it to its log. */
export interface HelperServerLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Errors of the unprivileged side of the helper protocol, each with a stable code: connecting (HelperClientError,
 * which decides the helper status shown to the user) and individual requests (HelperRequestError, whose code is
 * the helper's `error.data.code`, e.g. SESSION_NOT_FOUND, or one of the client's own below).
 */
export const helperClientErrorCodes = [
  /** No socket where the helper listens: the helper service is not installed (or not started yet on Windows). */
  'HELPER_NOT_INSTALLED',
  /** The socket exists but nobody answers (the service is stopped), or the helper did not answer in time. */
  'HELPER_UNREACHABLE',
  /** The operating system refused to connect: this user is not in the helper's group. */
  'HELPER_ACCESS_DENIED',
  /** The socket is not what the real helper creates (owner, type, mode): something may impersonate it. */
  'HELPER_UNTRUSTED',
  /** The helper speaks another protocol version than this app. */
  'PROTOCOL_MISMATCH',
] as const;

export type HelperClientErrorCode = (typeof helperClientErrorCodes)[number];

export class HelperClientError extends Error {
  constructor(
    readonly code: HelperClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HelperClientError';
  }
}

export function isHelperClientError(
  error: unknown,
  code?: HelperClientErrorCode,
): error is HelperClientError {
  return error instanceof HelperClientError && (code === undefined || error.code === code);
}

/**
 * Codes a request can fail with on the client's side, besides the helper's own codes: the connection was lost
 * before the answer came (HELPER_DISCONNECTED), or the helper answered with an error that carries no code.
 */
export const clientSideRequestCodes = ['HELPER_DISCONNECTED', 'HELPER_ERROR'] as const;

export class HelperRequestError extends Error {
  constructor(
    /** The helper's `error.data.code` (SESSION_NOT_FOUND, INVALID_PARAMS, CANCELLED, …) or a client-side code. */
    readonly code: string,
    message: string,
    /** The request that failed. */
    readonly method: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HelperRequestError';
  }
}

export function isHelperRequestError(error: unknown, code?: string): error is HelperRequestError {
  return error instanceof HelperRequestError && (code === undefined || error.code === code);
}

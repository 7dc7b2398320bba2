/**
 * How failures leave the helper: always a JSON-RPC ResponseError whose `data.code` is a stable string the client
 * branches on (the numeric code is for generic JSON-RPC tooling). A handler signals a specific failure by throwing
 * an error with a string `code`; anything else is an internal error whose message and stack stay in the helper's
 * log, so no internals (paths, stack frames) reach an unprivileged client.
 */
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc';
import { HelperErrorCodes, type HelperErrorData } from '../../helper-protocol/protocol';
import type { HelperServerLog } from './helper-server-error';

/** LSP's RequestCancelled: the code JSON-RPC tooling knows for "the client cancelled this request". */
const requestCancelled = -32800;

/** The numeric JSON-RPC code of each string code; any other string code travels as Internal. */
const numericCodes: Readonly<Record<string, number>> = {
  INVALID_PARAMS: ErrorCodes.InvalidParams,
  // A malformed exclude pattern is a kind of invalid params, with its own string code for the client.
  INVALID_EXCLUDE: ErrorCodes.InvalidParams,
  METHOD_NOT_FOUND: ErrorCodes.MethodNotFound,
  CANCELLED: requestCancelled,
  PROTOCOL_MISMATCH: HelperErrorCodes.ProtocolVersionMismatch,
  NOT_INITIALIZED: HelperErrorCodes.NotInitialized,
  SESSION_NOT_FOUND: HelperErrorCodes.SessionNotFound,
  INVALID_REQUEST: HelperErrorCodes.InvalidRequest,
  PASSWORD_REQUIRED: HelperErrorCodes.PasswordRequired,
  UNAVAILABLE: HelperErrorCodes.Unavailable,
  INTERNAL_ERROR: HelperErrorCodes.Internal,
};

export type HelperResponseError = ResponseError<HelperErrorData>;

export function helperError(code: string, message: string): HelperResponseError {
  return new ResponseError(numericCodes[code] ?? HelperErrorCodes.Internal, message, { code });
}

/**
 * The ResponseError for whatever a handler of `method` threw. `cancelled`: the request's token was cancelled,
 * so an error without a code is the handler giving up, not a bug.
 */
export function toResponseError(
  error: unknown,
  method: string,
  cancelled: boolean,
  log: HelperServerLog,
): HelperResponseError {
  if (error instanceof ResponseError) {
    const data: unknown = error.data;
    if (isErrorData(data)) return new ResponseError(error.code, error.message, { code: data.code });
    return helperError(codeOfNumber(error.code), error.message);
  }
  const code = stringCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code !== undefined) return helperError(code, message);
  if (cancelled) return helperError('CANCELLED', `${method} was cancelled`);
  const stack = error instanceof Error && error.stack !== undefined ? `\n${error.stack}` : '';
  log.error(`${method} failed with an internal error: ${message}${stack}`);
  return helperError(
    'INTERNAL_ERROR',
    `${method} failed with an internal error (details are in the helper's log)`,
  );
}

function stringCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code: unknown = error.code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

function isErrorData(data: unknown): data is HelperErrorData {
  return typeof data === 'object' && data !== null && 'code' in data && typeof data.code === 'string';
}

function codeOfNumber(code: number): string {
  for (const [name, value] of Object.entries(numericCodes)) if (value === code) return name;
  return 'INTERNAL_ERROR';
}

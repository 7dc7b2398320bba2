/**
 * The app service's view of the helper: something that sends typed helper requests (the connection's current
 * client in the app; a fake in tests), where its notifications come from, and how its refusals become contract
 * errors — the helper's code where the UI branches on it, HELPER_UNAVAILABLE when there is no helper to ask.
 */
import type {
  CancellationToken,
  Disposable,
  NotificationType,
  RequestParam,
  RequestType,
} from 'vscode-jsonrpc';
import { isHelperRequestError } from '../helper-client/helper-client-errors';
import type { HelperErrorData } from '../helper-protocol/protocol';
import type { ErrorCode, HelperStatus } from '../ipc/contract';
import { AppError } from '../ipc/request-dispatcher';

export interface HelperRequests {
  /**
   * Throws HelperRequestError (helper-client-errors.ts) with the helper's code when the helper refuses. The token
   * cancels long requests (restore/wait).
   */
  request<P, R>(
    type: RequestType<P, R, HelperErrorData>,
    params: RequestParam<P>,
    token?: CancellationToken,
  ): Promise<R>;
}

/** The helper's notifications, from whichever connection is current (HelperConnection keeps them across reconnects). */
export interface HelperNotifications {
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): Disposable;
}

/** What a handler needs to ask the helper: the current client (null while none) and the status to explain why not. */
export interface HelperAccess {
  helperRequests: () => HelperRequests | null;
  helperStatus: () => HelperStatus;
}

/** HELPER_UNAVAILABLE with what the helper status says is wrong and what to do about it. */
export function helperUnavailable(status: HelperStatus, what: string): AppError {
  // A client that just closed can still be reported as connected for a moment, until the status catches up.
  const why =
    status.state === 'connected'
      ? 'The connection to the Backup Manager helper was just lost. Try again in a moment.'
      : [status.detail, status.action].filter((part) => part !== '').join(' ');
  return new AppError('HELPER_UNAVAILABLE', `Cannot ${what}: ${why}`);
}

/** Helper codes the contract has too: the UI branches on them, so they cross unchanged. */
const sharedCodes = [
  'SESSION_NOT_FOUND',
  'INVALID_LOCATION',
  'INSUFFICIENT_SPACE',
  'SETTINGS_INVALID',
  'SCHEDULE_INVALID',
  'INVALID_EXCLUDE',
  'PASSWORD_REQUIRED',
  // Remote repositories: the engine's codes, known to the UI by the same names.
  'REPO_UNREACHABLE',
  'AUTH_FAILED',
  'HOST_KEY_MISMATCH',
  'QUOTA_EXCEEDED',
] as const satisfies readonly ErrorCode[];

function isSharedCode(code: string): code is (typeof sharedCodes)[number] {
  return (sharedCodes as readonly string[]).includes(code);
}

/**
 * The contract error for a failed helper request: its own code where the contract shares it, INVALID_REQUEST for
 * params the helper refused, HELPER_UNAVAILABLE when the helper went away, else HELPER_FAILED keeping the
 * helper's code in the message. Anything that is not a helper refusal is returned as it is (the dispatcher then
 * reports it as INTERNAL and logs it).
 */
export function helperFailure(
  error: unknown,
  access: Pick<HelperAccess, 'helperStatus'>,
  what: string,
): unknown {
  if (!isHelperRequestError(error)) return error;
  if (error.code === 'HELPER_DISCONNECTED') return helperUnavailable(access.helperStatus(), what);
  if (isSharedCode(error.code)) return new AppError(error.code, `Cannot ${what}: ${error.message}`);
  if (error.code === 'INVALID_PARAMS')
    return new AppError(
      'INVALID_REQUEST',
      `Cannot ${what}: the helper refused the request: ${error.message}`,
    );
  return new AppError('HELPER_FAILED', `Cannot ${what}: the helper answered ${error.code}: ${error.message}`);
}

/** Sends one request to the current helper, failing with a contract error (helperFailure) when it cannot. */
export async function askHelper<P, R>(
  access: HelperAccess,
  what: string,
  type: RequestType<P, R, HelperErrorData>,
  params: RequestParam<P>,
): Promise<R> {
  const helper = access.helperRequests();
  if (helper === null) throw helperUnavailable(access.helperStatus(), what);
  try {
    return await helper.request(type, params);
  } catch (error) {
    throw helperFailure(error, access, what);
  }
}

/**
 * The app service's view of the helper: something that sends typed helper requests (the connection's current
 * client in the app; a fake in tests), and the error the user sees when there is no helper to ask.
 */
import type { RequestParam, RequestType } from 'vscode-jsonrpc';
import type { HelperErrorData } from '../helper-protocol/protocol';
import type { HelperStatus } from '../ipc/contract';
import { AppError } from '../ipc/request-dispatcher';

export interface HelperRequests {
  /** Throws HelperRequestError (helper-client-errors.ts) with the helper's code when the helper refuses. */
  request<P, R>(type: RequestType<P, R, HelperErrorData>, params: RequestParam<P>): Promise<R>;
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

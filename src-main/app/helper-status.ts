/**
 * Where the app (and the command line) find the helper, and the adapter from the helper client's connection
 * observer to the app service's transport-agnostic status source. The words of each status (detail, action) are
 * the helper client's (helper-client/helper-status.ts); this only carries them across.
 */
import type { HelperConnection } from '../helper-client/helper-connection';
import { defaultHelperSocketPath } from '../helper-protocol/protocol';
import type { HelperStatus } from '../ipc/contract';
import type { HelperStatusSource } from './app-service';

export interface HelperEndpoint {
  socketPath: string;
  /**
   * Development and tests only: the helper runs as the current user, so its socket is that user's rather than
   * root's. Never the default: it lowers what the client checks before handing the helper passwords.
   */
  testMode: boolean;
}

/** BACKUP_MANAGER_HELPER_SOCKET picks another socket; BACKUP_MANAGER_HELPER_TEST_MODE=1 turns test mode on. */
export function helperEndpointFromEnv(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): HelperEndpoint {
  const socket = env.BACKUP_MANAGER_HELPER_SOCKET;
  return {
    socketPath: socket !== undefined && socket !== '' ? socket : defaultHelperSocketPath(platform),
    testMode: env.BACKUP_MANAGER_HELPER_TEST_MODE === '1',
  };
}

/** The connection observer as the app service's status source, in the contract's shape. */
export function helperStatusSource(
  connection: Pick<HelperConnection, 'currentStatus' | 'onStatus'>,
): HelperStatusSource {
  // Field by field: the contract's schema is strict, so a field the client adds later must not leak into events.
  const toContract = (status: ReturnType<HelperConnection['currentStatus']>): HelperStatus => ({
    state: status.state,
    detail: status.detail,
    action: status.action,
    helperVersion: status.helperVersion,
  });
  return {
    status: () => toContract(connection.currentStatus()),
    onStatus(listener) {
      const subscription = connection.onStatus((status) => listener(toContract(status)));
      return () => subscription.dispose();
    },
  };
}

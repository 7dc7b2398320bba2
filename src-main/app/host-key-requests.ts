/**
 * The SFTP host key requests: what key the repository's server presents and whether it is trusted, and trusting
 * one the user compared. Both are the helper's (it is the one that connects, with its own known_hosts); main only
 * carries them, so the renderer never decides what is trusted.
 */
import { RepositoryHostKeyRequest, RepositoryTrustHostKeyRequest } from '../helper-protocol/protocol';
import type { RequestHandlers } from '../ipc/contract';
import { askHelper, type HelperAccess } from './helper-requests';
import { toContractSettings } from './settings-requests';

export type HostKeyHandlers = Pick<RequestHandlers, 'repository.hostKey' | 'repository.trustHostKey'>;

export function createHostKeyHandlers(access: HelperAccess): HostKeyHandlers {
  return {
    async 'repository.hostKey'({ repository }) {
      const state = await askHelper(
        access,
        "read the SFTP server's host key",
        RepositoryHostKeyRequest.type,
        repository === undefined ? {} : { repository },
      );
      return { ...state };
    },
    async 'repository.trustHostKey'({ host, port, fingerprint }) {
      const { settings } = await askHelper(
        access,
        `trust the host key of ${host}:${port}`,
        RepositoryTrustHostKeyRequest.type,
        { host, port, fingerprint },
      );
      return { settings: toContractSettings(settings) };
    },
  };
}

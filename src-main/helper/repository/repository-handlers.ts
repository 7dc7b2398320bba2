/**
 * The helper's repository requests: the host key an SFTP repository's server presents (is it trusted?), and
 * trusting one the user compared — only after checking that the server presents that very key now, so a
 * fingerprint typed or pasted wrongly, or a server swapped in between, is never written to the settings.
 */
import { EngineError, isEngineError } from '../../engine/errors';
import type { HelperSettings } from '../../helper-protocol/session-model';
import type { HelperHandlers } from '../server/handler-map';
import { StateFileError } from '../settings/state-file';
import { type RepositoryBackends, withTrustedKey } from './repository-backends';

export interface RepositoryHandlerDeps {
  settings: {
    read(): Promise<HelperSettings>;
    updateFrom(change: (current: HelperSettings) => Partial<HelperSettings>): Promise<HelperSettings>;
  };
  backends: RepositoryBackends;
}

export type RepositoryHandlers = Pick<HelperHandlers, 'repository/hostKey' | 'repository/trustHostKey'>;

export function createRepositoryHandlers(deps: RepositoryHandlerDeps): RepositoryHandlers {
  const { settings, backends } = deps;
  return {
    'repository/hostKey': async ({ repository }) => {
      const location = repository ?? (await settings.read()).repository;
      if (!location)
        throw new StateFileError('SETTINGS_INVALID', 'repository: none is set, so there is no server to ask');
      try {
        return await backends.hostKey(location);
      } catch (error) {
        // Not an SFTP location (or a malformed one): a settings problem the user can see at the field.
        if (isEngineError(error, 'INVALID_ARGUMENT'))
          throw new StateFileError('SETTINGS_INVALID', `repository: ${error.message}`);
        throw error;
      }
    },
    'repository/trustHostKey': async ({ host, port, fingerprint }) => {
      const presented = await backends.hostKeyAt(host, port);
      if (presented.fingerprint !== fingerprint)
        throw new EngineError(
          'HOST_KEY_MISMATCH',
          `${host}:${port} now presents ${presented.fingerprint}, not ${fingerprint}: nothing was trusted (compare the fingerprint again)`,
        );
      // Computed from the settings inside the update, so two trusts at once cannot lose one.
      const next = await settings.updateFrom((current) => ({
        trustedHostKeys: withTrustedKey(current.trustedHostKeys, { host, port, fingerprint }),
      }));
      return { settings: next };
    },
  };
}

/** RepositoryBackends for tests: the helper's real opener over settings the test gives (defaults: nothing remote). */
import type { HelperSettings } from '../../../helper-protocol/session-model';
import { RepositoryBackends } from '../repository-backends';

export const noRemoteAccess = { sshKeyFile: null, trustedHostKeys: [], s3CredentialsFile: null } as const;

export function testRepositoryBackends(
  settings: () => Promise<HelperSettings> = async () => ({
    repository: null,
    snapshotLocation: null,
    passwordFile: null,
    retention: null,
    ...noRemoteAccess,
    trustedHostKeys: [],
  }),
  env: NodeJS.ProcessEnv = {},
): RepositoryBackends {
  return new RepositoryBackends({ settings, env, testMode: true });
}

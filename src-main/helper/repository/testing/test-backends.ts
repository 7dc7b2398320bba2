/** RepositoryBackends for tests: the helper's real opener over settings the test gives (defaults: nothing set). */
import { emptyHelperSettings, type HelperSettings } from '../../../helper-protocol/session-model';
import { RepositoryBackends } from '../repository-backends';

export function testRepositoryBackends(
  settings: () => Promise<HelperSettings> = async () => emptyHelperSettings(),
  env: NodeJS.ProcessEnv = {},
): RepositoryBackends {
  return new RepositoryBackends({ settings, env, testMode: true });
}

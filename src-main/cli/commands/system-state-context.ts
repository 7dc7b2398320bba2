/** Builds the System state service for a CLI run: the real command runner and the settings of the config dir. */
import { ExecCommandRunner } from '../../system-state/command-runner/exec-command-runner';
import { configDir, SettingsStore } from '../../system-state/location/settings-store';
import { SystemStateService } from '../../system-state/system-state-service';

export function systemStateFor(env: NodeJS.ProcessEnv): SystemStateService {
  return new SystemStateService({
    runner: new ExecCommandRunner(),
    settings: new SettingsStore(configDir(env)),
    env,
    rootDir: env.BACKUP_MANAGER_SYSTEM_ROOT || '/',
  });
}

/**
 * Builds the System state service for a CLI run: the real command runner and the settings of the config dir.
 * Environment (documented in the README, "Settings and environment"): BACKUP_MANAGER_CONFIG_DIR moves the config
 * directory; BACKUP_MANAGER_SYSTEM_ROOT (Linux) points component detection and the estimate at another system
 * tree, such as the mounted disk of a machine that no longer boots.
 */
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

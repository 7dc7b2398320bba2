/**
 * The helper's command line: `backup-manager-helper [--socket PATH] [--state-dir DIR] [--group NAME]
 * [--test-mode] [--restart-delay-scale X] [--workers N] [--system-root DIR]`. Defaults are the installed
 * service's: the root-owned socket the packages' unit and the app agree on, and the state directory systemd
 * creates for it.
 */
import path from 'node:path';
import { defaultHelperSocketPath } from '../helper-protocol/protocol';

export interface HelperArgs {
  socketPath: string;
  stateDir: string;
  /** The group whose members may talk to the helper (created by the package's post-install). */
  group: string;
  /**
   * Development and tests only: runs as the current user, accepts peers of the same user and leaves the socket
   * owned by that user (the client accepts such a socket only in its own test mode). Never the default.
   */
  testMode: boolean;
  /** Multiplies every automatic-restart delay (tests use tiny values instead of minutes). */
  restartDelayScale: number;
  workers: number | undefined;
  /**
   * The root that restores "to this system" write to and their rollback backups read from: `/`, except in test
   * mode, where tests point it at a sandbox folder so that applying and rolling back never touch the machine.
   */
  systemRoot: string;
}

export class HelperArgsError extends Error {
  readonly code = 'USAGE';
}

export const helperUsage = `Usage: backup-manager-helper [options]

Runs the Backup Manager helper: the privileged process that runs System state and Files sessions for the app
and the command line. Installed as the systemd unit backup-manager-helper.service (Linux) or the Windows
service "Backup Service Controller"; start it by hand only for development.

Options:
  --socket PATH              where to listen (default ${defaultHelperSocketPath('linux')}; Windows: a named pipe)
  --state-dir DIR            journal, settings and schedules (default ${defaultStateDir('linux', {})})
  --group NAME               members of this group may connect (default backup-manager)
  --test-mode                development/tests: run as the current user and accept only that user
  --restart-delay-scale X    multiply automatic-restart delays by X (tests)
  --workers N                worker threads for backups (default: one per CPU)
  --system-root DIR          test mode only: restores to "this system" write into DIR instead of /`;

export function defaultStateDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (platform === 'win32')
    return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Backup Manager', 'helper');
  // systemd's StateDirectory= (the unit sets it) names it; outside systemd, the FHS place.
  return env.STATE_DIRECTORY?.split(':')[0] || '/var/lib/backup-manager';
}

export function parseHelperArgs(
  argv: readonly string[],
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): HelperArgs | 'help' {
  const args: HelperArgs = {
    socketPath: defaultHelperSocketPath(platform),
    stateDir: defaultStateDir(platform, env),
    group: 'backup-manager',
    testMode: false,
    restartDelayScale: 1,
    workers: undefined,
    systemRoot: '/',
  };
  let systemRootGiven = false;
  const valueAfter = (i: number, name: string): string => {
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new HelperArgsError(`${name} needs a value`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--help':
      case '-h':
        return 'help';
      case '--socket':
        args.socketPath = path.resolve(valueAfter(i++, arg));
        break;
      case '--state-dir':
        args.stateDir = path.resolve(valueAfter(i++, arg));
        break;
      case '--group':
        args.group = valueAfter(i++, arg);
        break;
      case '--test-mode':
        args.testMode = true;
        break;
      case '--restart-delay-scale': {
        const scale = Number(valueAfter(i++, arg));
        if (!Number.isFinite(scale) || scale <= 0)
          throw new HelperArgsError(`${arg} needs a positive number`);
        args.restartDelayScale = scale;
        break;
      }
      case '--workers': {
        const value = valueAfter(i++, arg);
        if (!/^\d+$/.test(value)) throw new HelperArgsError('--workers needs a number');
        args.workers = Number(value);
        break;
      }
      case '--system-root':
        args.systemRoot = path.resolve(valueAfter(i++, arg));
        systemRootGiven = true;
        break;
      default:
        throw new HelperArgsError(`unknown argument ${arg} (see --help)`);
    }
  }
  // A real helper writing "this system" anywhere but / would leave the machine unchanged while reporting success.
  if (systemRootGiven && !args.testMode)
    throw new HelperArgsError('--system-root is for tests: it needs --test-mode');
  return args;
}

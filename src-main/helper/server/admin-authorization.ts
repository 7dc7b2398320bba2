/**
 * Who may make the helper *write* a restore. Membership of the `backup-manager` group lets a user back up and look
 * into repositories (like Windows' Backup Operators); a restore, though, writes as root: into this system, or into a
 * folder where a crafted repository's entries (a setuid-root binary, an authorized_keys file under /root) would hand
 * the requester root. So restore writes (start, rollback, boot repair) need an administrator: a root peer, or
 * polkit's `org.backupmanager.restore` (auth_admin, resources/linux/org.backupmanager.helper.policy) asked with
 * `pkcheck` for the peer's process, which makes the desktop's polkit agent ask for an administrator password.
 *
 * The process is named as pid,start-time,uid so that polkit decides about *that* process, not a later one that
 * reused its pid. In test mode the helper serves only its own user and runs as that user: writing as it gives
 * nothing away, so that user is allowed.
 */
import { readFile } from 'node:fs/promises';
import type { CommandRunner } from '../../system-state/command-runner/command-runner';
import { describeResult, succeeded } from '../../system-state/command-runner/command-runner';
import type { PeerCredentials } from './peer-credentials';

export const restorePolkitAction = 'org.backupmanager.restore';

export class NotAuthorizedError extends Error {
  readonly code = 'NOT_AUTHORIZED';
  constructor(message: string) {
    super(message);
    this.name = 'NotAuthorizedError';
  }
}

export interface AdminAuthorizationOptions {
  runner: CommandRunner;
  testMode: boolean;
  /** The helper's own uid (the one user test mode serves). */
  ownUid: number;
  platform?: NodeJS.Platform;
  /** /proc, for the peer's start time (tests point it elsewhere). */
  procDir?: string;
}

export class AdminAuthorization {
  constructor(private readonly options: AdminAuthorizationOptions) {}

  /** Resolves when `peer` may make the helper write `what`; otherwise throws NOT_AUTHORIZED saying why. */
  async require(peer: PeerCredentials, what: string): Promise<void> {
    if (peer.uid === 0) return;
    if (this.options.testMode && peer.uid === this.options.ownUid) return;
    if ((this.options.platform ?? process.platform) !== 'linux')
      throw new NotAuthorizedError(`${what} needs an administrator: run it as an administrator`);
    const startTime = await processStartTime(peer.pid, this.options.procDir ?? '/proc');
    if (startTime === null)
      throw new NotAuthorizedError(
        `${what} needs an administrator, and the requesting process (pid ${peer.pid}) is gone`,
      );
    const result = await this.options.runner.run({
      argv: [
        'pkcheck',
        '--action-id',
        restorePolkitAction,
        '--process',
        `${peer.pid},${startTime},${peer.uid}`,
        '--allow-user-interaction',
      ],
      // The administrator types a password into the polkit agent's dialog meanwhile.
      timeoutMs: 5 * 60_000,
    });
    if (succeeded(result)) return;
    if (result.kind === 'missing')
      throw new NotAuthorizedError(
        `${what} needs an administrator, and polkit (pkcheck) is not installed to ask for one: ` +
          'run it as root (sudo backup-manager restore-wizard …)',
      );
    throw new NotAuthorizedError(
      `${what} needs an administrator; polkit did not authorize uid ${peer.uid} (${describeResult(result)})`,
    );
  }
}

/** Field 22 of /proc/PID/stat (clock ticks since boot), read after the command name, which may hold spaces. */
export async function processStartTime(pid: number, procDir = '/proc'): Promise<string | null> {
  let stat: string;
  try {
    stat = await readFile(`${procDir}/${pid}/stat`, 'utf8');
  } catch (error) {
    // The process ended (its /proc entry is gone): nobody is left to authorize.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // afterName[0] is field 3 (state), so field 22 is at index 19.
  const start = afterName[19];
  return start !== undefined && /^\d+$/.test(start) ? start : null;
}

// @ts-check
/**
 * The servers `npm run bench:remote` measures against. Everything that differs between them is behind
 * RemoteTarget: starting the server, where a fresh repository is and how each tool reaches it, the server's own
 * CPU use, and stopping it. The run loop (run.mjs) knows nothing else about them.
 */
import { startS3Target } from './s3-target.mjs';
import { startSftpTarget } from './sftp-target.mjs';

/**
 * How each tool reaches one repository on the server.
 * @typedef {object} RemoteRepository
 * @property {Record<string, string>} ours environment for our CLI: BACKUP_MANAGER_REPOSITORY and credentials
 * @property {{ env: Record<string, string>, options: string[] }} restic RESTIC_REPOSITORY and credentials, and
 *   global options given before restic's command (e.g. `-o sftp.command=…`)
 * @property {() => void} remove deletes the repository
 */

/**
 * @typedef {object} RemoteTarget
 * @property {string} name as given to --targets
 * @property {string} description for the report
 * @property {(name: string) => RemoteRepository} repository a location where no repository is yet
 * @property {() => number} serverCpuSeconds CPU seconds the server's processes have used since it started
 * @property {() => number} resticHelperCpuSeconds CPU seconds of the processes restic started to reach the server
 *   (SFTP: its ssh), so far; 0 when there are none
 * @property {() => Promise<void>} stop
 */

/** @type {Record<string, (work: string) => Promise<RemoteTarget>>} */
export const targets = {
  sftp: startSftpTarget,
  s3: startS3Target,
};

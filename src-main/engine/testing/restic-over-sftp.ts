/**
 * The real restic reaching a test sshd (sshd-server.ts) over SFTP: its ssh with the server's client key and
 * known_hosts, nothing from ~/.ssh, and never a prompt (BatchMode), so a refused key fails instead of hanging.
 */
import { type ResticOptions, restic } from './restic-cli';
import type { SshdServer } from './sshd-server';

export function resticOverSftp(
  server: SshdServer,
  repoPath: string,
  args: string[],
  options: Omit<ResticOptions, 'repo'> = {},
) {
  const ssh = [
    'ssh',
    `-p ${server.port}`,
    `-i ${server.clientKeyPath}`,
    `-o UserKnownHostsFile=${server.knownHostsPath}`,
    '-o StrictHostKeyChecking=yes',
    '-o BatchMode=yes',
    `${server.user}@${server.host}`,
    '-s sftp',
  ].join(' ');
  return restic(['-o', `sftp.command=${ssh}`, ...args], {
    ...options,
    repo: `sftp:${server.user}@${server.host}:${repoPath}`,
  });
}

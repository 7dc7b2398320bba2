/**
 * A real SFTP server for the remote-repository journeys: the engine's sshd harness (Debian's sshd on 127.0.0.1 at
 * a free port, its own host key and one client key), and repositories on it in restic's notation, made by the
 * built CLI with that client key and the harness's known_hosts (the CLI, unlike the UI, never asks to trust).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { type SshdServer, startSshd } from '../../src-main/engine/testing/sshd-server';
import { e2eRepositoryPassword } from './helper-process';

export type { SshdServer };
export { startSshd };

const cli = path.resolve(__dirname, '..', '..', 'out', 'main', 'cli.js');

/** `sftp://user@127.0.0.1:port//absolute/path` of `name` in the server's data directory. */
export function sftpLocation(server: SshdServer, name: string, port = server.port): string {
  return `sftp://${server.user}@127.0.0.1:${port}/${path.join(server.dataDir, name)}`;
}

/** Creates a repository (password e2eRepositoryPassword) on the server with the built CLI; returns its location. */
export function initSftpRepository(server: SshdServer, name: string): string {
  const location = sftpLocation(server, name);
  const result = spawnSync(
    process.execPath,
    [cli, 'init', '--repo', location, '--ssh-key', server.clientKeyPath],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        BACKUP_MANAGER_PASSWORD: e2eRepositoryPassword,
        BACKUP_MANAGER_KNOWN_HOSTS: server.knownHostsPath,
      },
    },
  );
  if (result.status !== 0)
    throw new Error(`backup-manager init --repo ${location}: ${result.stderr}${result.stdout}`);
  return location;
}

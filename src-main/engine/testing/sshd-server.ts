/**
 * A real, throwaway OpenSSH server for the SFTP tests: Debian's sshd (package openssh-server, installed by
 * .ci/run) on 127.0.0.1 at a free port, with its own host key and one client key, serving SFTP with
 * internal-sftp. Started and stopped by the tests; nothing outside its temporary directory is touched except
 * sshd's privilege-separation directory (/run/sshd), which must exist.
 *
 * Adapted from the shared recipe (recipes/ceph-s3-and-sftp.sh, `sftp-up`): same configuration, but a free port
 * and a directory of its own per server, so tests can run several at once.
 */
import { execFile as execFileCallback, spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { accepts, freePort } from './free-port';
import { makeTempDir, removeTempDir } from './restic-cli';

const execFile = promisify(execFileCallback);
export const sshdPath = '/usr/sbin/sshd';

export interface SshdServer {
  host: '127.0.0.1';
  port: number;
  user: string;
  /** Private key (OpenSSH format, no passphrase) the server accepts. */
  clientKeyPath: string;
  /** A known_hosts file naming this server's host key (as `[127.0.0.1]:port`). */
  knownHostsPath: string;
  /** The host key as OpenSSH shows it: `SHA256:…`. */
  hostKeyFingerprint: string;
  /** A directory for repositories (SFTP paths are absolute: the server is not chrooted). */
  dataDir: string;
  /** Stops the server (kills sshd and its sessions) and removes its directory. */
  stop(): Promise<void>;
  /** Stops only the listening daemon and its sessions, keeping the keys: for "server went away" tests. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same keys. */
  restart(): Promise<void>;
}

export interface SshdOptions {
  /** More sshd_config lines (e.g. `MaxSessions 2`, for a server stricter than the default). */
  config?: readonly string[];
}

export async function startSshd(options: SshdOptions = {}): Promise<SshdServer> {
  const dir = await makeTempDir('sshd');
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir);
  await mkdir('/run/sshd', { recursive: true });
  const hostKey = path.join(dir, 'host_key');
  const clientKey = path.join(dir, 'client_key');
  await execFile('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  await execFile('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  const authorizedKeys = path.join(dir, 'authorized_keys');
  await copyFile(`${clientKey}.pub`, authorizedKeys);
  await chmod(authorizedKeys, 0o600);
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'Subsystem sftp internal-sftp',
      ...(options.config ?? []),
      '',
    ].join('\n'),
  );
  const [algorithm, key] = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/);
  const knownHostsPath = path.join(dir, 'known_hosts');
  await writeFile(knownHostsPath, `[127.0.0.1]:${port} ${algorithm} ${key}\n`);
  const { stdout } = await execFile('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`]);
  const hostKeyFingerprint = stdout.split(/\s+/)[1] ?? '';

  let daemon: ReturnType<typeof spawn> | null = null;
  const log: string[] = [];
  const launch = async () => {
    daemon = spawn(sshdPath, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    daemon.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await accepts(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`sshd did not start on 127.0.0.1:${port}:\n${log.join('')}`);
  };
  const halt = async () => {
    const running = daemon;
    daemon = null;
    if (running === null || running.exitCode !== null) return;
    // sshd -D serves each connection in a child process of its own, which outlives the daemon: end those
    // first (this server's only), as a server that went away would.
    await execFile('pkill', ['-KILL', '-P', String(running.pid)]).catch(() => undefined);
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    host: '127.0.0.1',
    port,
    user: userInfo().username,
    clientKeyPath: clientKey,
    knownHostsPath,
    hostKeyFingerprint,
    dataDir,
    async stop() {
      await halt();
      await removeTempDir(dir);
    },
    kill: halt,
    restart: launch,
  };
}

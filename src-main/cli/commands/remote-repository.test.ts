/**
 * The built `backup-manager` with a repository on a real SFTP server (engine/testing/sshd-server.ts), named in
 * restic's notation: init and backup through the CLI, checked by the real restic over SFTP; an unknown host key
 * is refused with its fingerprint; malformed locations are usage errors.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, restic, testPassword } from '../../engine/testing/restic-cli';
import { type SshdServer, sshdPath, startSshd } from '../../engine/testing/sshd-server';

const cli = path.resolve(__dirname, '..', '..', '..', 'out', 'main', 'cli.js');
const haveSshd = existsSync(sshdPath);
if (!haveSshd) console.warn(`remote repository CLI tests skipped: ${sshdPath} is missing (openssh-server)`);
let dir: string;
let server: SshdServer;

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          BACKUP_MANAGER_PASSWORD: testPassword,
          ...env,
        },
      },
      (error, stdout, stderr) => {
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        });
      },
    );
  });
}

beforeAll(async () => {
  dir = await makeTempDir('cli-remote');
  if (haveSshd) server = await startSshd();
});
afterAll(async () => {
  if (haveSshd) await server.stop();
  await removeTempDir(dir);
});

describe.runIf(haveSshd)('backup-manager with an SFTP repository', () => {
  it('init and backup to sftp://…//path with --ssh-key and BACKUP_MANAGER_KNOWN_HOSTS; restic agrees', async () => {
    const source = path.join(dir, 'src');
    await mkdir(source, { recursive: true });
    await writeFile(path.join(source, 'hosts'), '127.0.0.1 localhost\n');
    const repoPath = path.join(server.dataDir, 'cli-repo');
    const location = `sftp://${server.user}@127.0.0.1:${server.port}/${repoPath}`;
    const env = { BACKUP_MANAGER_KNOWN_HOSTS: server.knownHostsPath };
    const init = await run(['init', '--repo', location, '--ssh-key', server.clientKeyPath, '--json'], env);
    expect(init.code, init.stderr).toBe(0);
    const backup = await run(['backup', '--repo', location, '--quiet', source], {
      ...env,
      BACKUP_MANAGER_SSH_KEY: server.clientKeyPath,
    });
    expect(backup.code, backup.stderr).toBe(0);
    const ssh = `ssh -p ${server.port} -i ${server.clientKeyPath} -o UserKnownHostsFile=${server.knownHostsPath} -o BatchMode=yes ${server.user}@127.0.0.1 -s sftp`;
    const check = await restic(['-o', `sftp.command=${ssh}`, 'check', '--read-data'], {
      repo: `sftp:${server.user}@127.0.0.1:${repoPath}`,
    });
    expect(check.code, check.stderr + check.stdout).toBe(0);
  });

  it('refuses a server whose host key is not known, showing its fingerprint, with the error code', async () => {
    const empty = path.join(dir, 'empty_known_hosts');
    await writeFile(empty, '');
    const result = await run(
      [
        'snapshots',
        '--repo',
        `sftp://${server.user}@127.0.0.1:${server.port}//x`,
        '--ssh-key',
        server.clientKeyPath,
      ],
      {
        BACKUP_MANAGER_KNOWN_HOSTS: empty,
      },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('HOST_KEY_MISMATCH');
    expect(result.stderr).toContain(server.hostKeyFingerprint);
  });

  it('says what is wrong with a malformed location, as a usage error', async () => {
    const result = await run(['snapshots', '--repo', 'sftp:host-without-path']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected sftp:user@host:/path');
  });
});

/**
 * The built `backup-manager` with a repository on a real SFTP server (engine/testing/sshd-server.ts) and on a real
 * S3 server (engine/testing/ceph-rgw-server.ts), named in restic's notation: init and backup through the CLI,
 * checked by the real restic; an unknown host key is refused with its fingerprint; S3 keys come from restic's
 * variables or an AWS profile, and refused ones are AUTH_FAILED without being shown; malformed locations are
 * usage errors.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CephRgwServer, haveCeph, startCephRgw } from '../../engine/testing/ceph-rgw-server';
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

describe.runIf(haveCeph)('backup-manager with an S3 repository', () => {
  let s3: CephRgwServer;
  beforeAll(async () => {
    s3 = await startCephRgw();
  }, 120_000);
  afterAll(async () => {
    await s3?.stop();
  });

  it('init and backup to s3:http://…/bucket/prefix with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; restic agrees', async () => {
    const source = path.join(dir, 'src-s3');
    await mkdir(source, { recursive: true });
    await writeFile(path.join(source, 'hosts'), '127.0.0.1 localhost\n');
    const location = `s3:${s3.endpoint}/cli-bucket/repo`;
    const keys = { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey };
    const init = await run(['init', '--repo', location, '--json'], keys);
    expect(init.code, init.stderr).toBe(0);
    const backup = await run(['backup', '--repo', location, '--quiet', source], keys);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toBe(''); // no SDK warnings on the console
    const check = await restic(['check', '--read-data'], { repo: location, env: keys });
    expect(check.code, check.stderr + check.stdout).toBe(0);
    const snapshots = await restic(['snapshots', '--json'], { repo: location, env: keys });
    expect(JSON.parse(snapshots.stdout)).toHaveLength(1);
  });

  it('takes the keys from an AWS profile, and says AUTH_FAILED for refused ones without showing them', async () => {
    const location = `s3:${s3.endpoint}/cli-bucket/repo`;
    await mkdir(path.join(dir, '.aws'), { recursive: true });
    const wrongSecret = 'not-the-secret-at-all-0123';
    await writeFile(
      path.join(dir, '.aws', 'credentials'),
      [
        '[backup]',
        `aws_access_key_id = ${s3.accessKeyId}`,
        `aws_secret_access_key = ${s3.secretAccessKey}`,
        '[stale]',
        `aws_access_key_id = ${s3.accessKeyId}`,
        `aws_secret_access_key = ${wrongSecret}`,
        '',
      ].join('\n'),
    );
    const listed = await run(['snapshots', '--repo', location, '--json'], { AWS_PROFILE: 'backup' });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    const refused = await run(['snapshots', '--repo', location], { AWS_PROFILE: 'stale' });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('AUTH_FAILED');
    expect(refused.stderr).not.toContain(wrongSecret);
  });
});

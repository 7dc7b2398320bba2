/**
 * The real helper process with an SFTP repository on a real sshd, driven by the real CLI: the host key is shown
 * and not trusted until the exact fingerprint is given; a wrong one is refused; once trusted, a Files session
 * writes to the server and the real restic checks it over SFTP; the restore wizard opens the same repository.
 */
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SftpBackend } from '../engine/backend/sftp-backend';
import { Repository } from '../engine/repository/repository';
import { makeTempDir, removeTempDir } from '../engine/testing/restic-cli';
import { resticOverSftp } from '../engine/testing/restic-over-sftp';
import { type SshdServer, sshdPath, startSshd } from '../engine/testing/sshd-server';
import {
  type HelperProcess,
  startHelperProcess,
  waitUntilListening,
} from '../helper-client/testing/helper-process';
import { runCliAgainstHelper } from './commands/helper-cli-test-support';

const haveSshd = existsSync(sshdPath);
if (!haveSshd) console.warn(`helper SFTP tests skipped: ${sshdPath} is missing (openssh-server)`);
const password = 'helper-remote-test';

let server: SshdServer;
let dir: string;
let helper: HelperProcess;

beforeAll(async () => {
  if (!haveSshd) return;
  server = await startSshd();
  dir = await makeTempDir('helper-remote');
  helper = await startHelperProcess({
    socketPath: path.join(dir, 'run', 'helper.sock'),
    stateDir: path.join(dir, 'state'),
    // Not the test machine's ~/.ssh: the helper knows this server only by what the user trusts.
    env: { BACKUP_MANAGER_KNOWN_HOSTS: path.join(dir, 'no-known-hosts') },
  });
  await waitUntilListening(helper);
}, 60_000);
afterAll(async () => {
  if (!haveSshd) return;
  if (helper.child.exitCode === null) {
    helper.child.kill('SIGTERM');
    await helper.exited;
  }
  await server.stop();
  await removeTempDir(dir);
});

const cli = (argv: string[]) => runCliAgainstHelper(helper.socketPath, argv);

describe.runIf(haveSshd)('the helper with an SFTP repository', () => {
  it('trusts only the fingerprint the server presents, then backs up there; restic checks it', async () => {
    const repoPath = path.join(server.dataDir, 'helper-repo');
    const location = `sftp://${server.user}@${server.host}:${server.port}/${repoPath}`;
    const key = path.join(dir, 'backup-key');
    await copyFile(server.clientKeyPath, key);
    await chmod(key, 0o600);
    const passwordFile = path.join(dir, 'password');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    const created = await Repository.init(
      new SftpBackend({
        host: server.host,
        port: server.port,
        user: server.user,
        path: repoPath,
        privateKey: await readFile(key),
        hostKeyFingerprints: [server.hostKeyFingerprint],
      }),
      password,
      { chunkerPolynomial: 0x3da3358b4dc173n, kdf: { N: 1024, r: 8, p: 1 } },
    );
    await created.backend.close();

    const set = await cli([
      'helper-settings',
      'set',
      '--repo',
      location,
      '--ssh-key-file',
      key,
      '--password-file',
      passwordFile,
    ]);
    expect(set.stderr).toBe('');
    expect(set.stdout).toContain(`repository         ${location}`);

    const unknown = await cli(['helper-settings', 'host-key']);
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toContain(server.hostKeyFingerprint);
    expect(unknown.stdout).toContain('NOT TRUSTED');

    // Before trusting, a session cannot reach the repository, and says why.
    const source = path.join(dir, 'source');
    await mkdir(source);
    await writeFile(path.join(source, 'report.txt'), 'quarterly numbers\n');
    const refused = await cli([
      'session',
      'start',
      '--source',
      'files',
      '--path',
      source,
      '--wait',
      '--json',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('HOST_KEY_MISMATCH');

    const wrong = await cli([
      'helper-settings',
      'trust-host-key',
      `SHA256:${'w'.repeat(43)}`,
      '--host',
      server.host,
      '--port',
      String(server.port),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('HOST_KEY_MISMATCH');
    const trust = await cli([
      'helper-settings',
      'trust-host-key',
      server.hostKeyFingerprint,
      '--host',
      server.host,
      '--port',
      String(server.port),
    ]);
    expect(trust.stderr).toBe('');
    expect(trust.code).toBe(0);
    const trusted = await cli(['helper-settings', 'host-key']);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain('trusted (you trusted this key)');

    const run = await cli(['session', 'start', '--source', 'files', '--path', source, '--wait', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const check = await resticOverSftp(server, repoPath, ['check', '--read-data'], { password });
    expect(check.code, check.stderr + check.stdout).toBe(0);

    const sessions = await cli([
      'restore-wizard',
      'hosts',
      '--repo',
      location,
      '--password-file',
      passwordFile,
    ]);
    expect(sessions.stderr).toBe('');
    expect(sessions.code).toBe(0);
  }, 180_000);
});

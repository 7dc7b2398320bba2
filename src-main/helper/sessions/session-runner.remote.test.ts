/**
 * A session whose repository is on an SFTP server (a real sshd, testing/sshd-server.ts): opened with the helper
 * settings' key and trusted host key; the server going away mid-backup interrupts the attempt REPO_UNREACHABLE,
 * the session restarts by itself, and the new attempt resumes without uploading again what was stored.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SftpBackend } from '../../engine/backend/sftp-backend';
import { Repository } from '../../engine/repository/repository';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import { resticOverSftp } from '../../engine/testing/restic-over-sftp';
import { type SshdServer, sshdPath, startSshd } from '../../engine/testing/sshd-server';
import {
  createHarness,
  type Harness,
  problemsOf,
  testRepositoryPassword,
} from './testing/session-test-harness';

const haveSshd = existsSync(sshdPath);
if (!haveSshd)
  console.warn(`remote session tests skipped: ${sshdPath} is missing (Debian package openssh-server)`);

let server: SshdServer;
let dir: string;
let harness: Harness | undefined;

beforeAll(async () => {
  if (!haveSshd) return;
  server = await startSshd();
  dir = await makeTempDir('remote-session');
});
afterAll(async () => {
  if (!haveSshd) return;
  await server.stop();
  await removeTempDir(dir);
});
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function initRemote(repoPath: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const backend = new SftpBackend({
    host: server.host,
    port: server.port,
    user: server.user,
    path: repoPath,
    privateKey: await readFile(server.clientKeyPath),
    hostKeyFingerprints: [server.hostKeyFingerprint],
  });
  const created = await Repository.init(backend, testRepositoryPassword, {
    chunkerPolynomial: 0x3da3358b4dc173n,
    kdf: { N: 1024, r: 8, p: 1 },
  });
  await created.backend.close();
  return `sftp://${server.user}@${server.host}:${server.port}/${repoPath}`;
}

function remoteSettings(location: string) {
  return {
    repository: location,
    sshKeyFile: server.clientKeyPath,
    trustedHostKeys: [{ host: server.host, port: server.port, fingerprint: server.hostKeyFingerprint }],
  };
}

/** Every pack file under the repository's data/ on the server's disk (the test runs on the server's machine). */
async function packsOf(repoPath: string): Promise<string[]> {
  const dataDir = path.join(repoPath, 'data');
  const packs: string[] = [];
  for (const sub of await readdir(dataDir).catch(() => []))
    for (const name of await readdir(path.join(dataDir, sub)))
      if (/^[0-9a-f]{64}$/.test(name)) packs.push(name);
  return packs.sort();
}

function resticCheckOverSftp(repoPath: string) {
  return resticOverSftp(server, repoPath, ['check', '--read-data'], { password: testRepositoryPassword });
}

describe.runIf(haveSshd)('sessions on an SFTP repository', () => {
  it('backs up with the settings key and the trusted host key; restic checks the result', async () => {
    const repoPath = path.join(server.dataDir, 'session-plain');
    const location = await initRemote(repoPath);
    const source = path.join(dir, 'plain');
    await mkdir(source, { recursive: true });
    await writeFile(path.join(source, 'a.txt'), 'remote session\n');
    harness = await createHarness({ settings: remoteSettings(location) });
    const { session } = await harness.runner.start({ source: 'files', paths: [source], trigger: 'manual' });
    const ended = await harness.runner.wait(session.id);
    expect(ended.status, problemsOf(harness, ended.id)).toBe('completed');
    expect(ended.repository).toBe(location);
    const check = await resticCheckOverSftp(repoPath);
    expect(check.code, check.stderr + check.stdout).toBe(0);
  }, 120_000);

  it('refuses a server whose host key is not the trusted one: HOST_KEY_MISMATCH, not retried', async () => {
    const repoPath = path.join(server.dataDir, 'session-mismatch');
    const location = await initRemote(repoPath);
    harness = await createHarness({
      settings: {
        ...remoteSettings(location),
        trustedHostKeys: [{ host: server.host, port: server.port, fingerprint: `SHA256:${'Q'.repeat(43)}` }],
      },
    });
    const { session } = await harness.runner.start({ source: 'files', paths: [dir], trigger: 'manual' });
    const ended = await harness.runner.wait(session.id);
    expect(ended.status).toBe('failed');
    expect(ended.attempt).toBe(1);
    const failure = harness.journal.getSession(session.id)?.attempts[0]?.failure;
    expect(failure?.code).toBe('HOST_KEY_MISMATCH');
    expect(failure?.message).toContain(server.hostKeyFingerprint);
    expect(failure?.check).toBe('repository');
  }, 60_000);

  it('server gone while the snapshot is read back: REPO_UNREACHABLE and restarted, not VERIFY_FAILED', async () => {
    const repoPath = path.join(server.dataDir, 'session-verify-drop');
    const location = await initRemote(repoPath);
    const source = path.join(dir, 'verify-drop');
    await mkdir(source, { recursive: true });
    await writeFile(path.join(source, 'a.txt'), 'read back after a blip\n');
    harness = await createHarness({
      settings: remoteSettings(location),
      hooks: {
        beforePhase: async (_id, phase, attempt) => {
          if (phase === 'verify' && attempt === 1) await server.kill();
          if (phase === 'preflight' && attempt === 2) await server.restart();
        },
      },
    });
    const { session } = await harness.runner.start({ source: 'files', paths: [source], trigger: 'manual' });
    const ended = await harness.runner.wait(session.id);
    expect(ended.status, problemsOf(harness, ended.id)).toBe('completed');
    const detail = harness.journal.getSession(session.id);
    expect(detail?.attempts.map((attempt) => attempt.outcome)).toEqual(['interrupted', 'completed']);
    expect(detail?.attempts[0]?.failure?.code).toBe('REPO_UNREACHABLE');
    const check = await resticCheckOverSftp(repoPath);
    expect(check.code, check.stderr + check.stdout).toBe(0);
  }, 120_000);

  it('server gone mid-backup: interrupted REPO_UNREACHABLE, restarted automatically, resumes without re-uploading', async () => {
    const repoPath = path.join(server.dataDir, 'session-drop');
    const location = await initRemote(repoPath);
    const source = path.join(dir, 'drop');
    await mkdir(source, { recursive: true });
    // Several 16 MiB packs of incompressible data: the server goes away once two of them are stored.
    for (let i = 0; i < 5; i++) await writeFile(path.join(source, `part-${i}.bin`), randomBytes(9_000_000));
    let storedBeforeDrop: string[] = [];
    let watching: NodeJS.Timeout | undefined;
    harness = await createHarness({
      settings: remoteSettings(location),
      hooks: {
        beforePhase: async (_id, phase, attempt) => {
          if (phase === 'backup' && attempt === 1)
            watching = setInterval(() => {
              void packsOf(repoPath).then(async (packs) => {
                if (packs.length < 2 || watching === undefined) return;
                clearInterval(watching);
                watching = undefined;
                storedBeforeDrop = packs;
                await server.kill();
              });
            }, 20);
          // The server is back by the time the session restarts (as after a network blip).
          if (phase === 'preflight' && attempt === 2) await server.restart();
        },
      },
    });
    const { session } = await harness.runner.start({ source: 'files', paths: [source], trigger: 'manual' });
    const ended = await harness.runner.wait(session.id);
    clearInterval(watching);
    expect(ended.status, problemsOf(harness, ended.id)).toBe('completed');
    const detail = harness.journal.getSession(session.id);
    expect(detail?.attempts.map((attempt) => attempt.outcome)).toEqual(['interrupted', 'completed']);
    expect(detail?.attempts[0]?.failure?.code).toBe('REPO_UNREACHABLE');
    expect(storedBeforeDrop.length).toBeGreaterThanOrEqual(2);

    // Resumed: every pack stored before the drop is still there and in use, and the new attempt added less than
    // the whole source minus those packs (re-uploading would have added all 45 MB again).
    const after = await packsOf(repoPath);
    for (const pack of storedBeforeDrop) expect(after).toContain(pack);
    expect(ended.stats?.bytesAdded).toBeLessThan(45_000_000 - 2 * 15_000_000);
    const check = await resticCheckOverSftp(repoPath);
    expect(check.code, check.stderr + check.stdout).toBe(0);
    expect(check.stdout).not.toContain('unused');
  }, 180_000);
});

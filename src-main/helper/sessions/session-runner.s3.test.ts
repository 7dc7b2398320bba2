/**
 * Sessions whose repository is on S3 (a real Ceph RADOS Gateway, engine/testing/ceph-rgw-server.ts): the keys the
 * app hands over with the start, or the settings' 0600 credentials file for a session nobody started by hand; no
 * keys at all is AUTH_FAILED, not retried; the gateway going away mid-backup interrupts the attempt
 * REPO_UNREACHABLE, the session restarts by itself and resumes without uploading again what was stored.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Repository } from '../../engine/repository/repository';
import { haveCeph } from '../../engine/testing/ceph-rgw-server';
import { makeTempDir, removeTempDir, restic } from '../../engine/testing/restic-cli';
import { cephRgwFixture } from '../../engine/testing/s3-testing';
import {
  createHarness,
  type Harness,
  problemsOf,
  testRepositoryPassword,
} from './testing/session-test-harness';

const s3 = cephRgwFixture('S3 session tests');
let dir: string;
let harness: Harness | undefined;

beforeAll(async () => {
  dir = await makeTempDir('s3-session');
});
afterAll(() => removeTempDir(dir));
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function initBucket(bucket: string): Promise<string> {
  const created = await Repository.init(s3.backendAt(bucket, 'repo'), testRepositoryPassword, {
    chunkerPolynomial: 0x3da3358b4dc173n,
    kdf: { N: 1024, r: 8, p: 1 },
  });
  await created.backend.close();
  return `s3:${s3.server.endpoint}/${bucket}/repo`;
}

/** restic on the session's bucket, with the harness's repository password. */
function resticCheck(bucket: string) {
  return restic(['check', '--read-data'], {
    repo: `s3:${s3.server.endpoint}/${bucket}/repo`,
    password: testRepositoryPassword,
    env: { AWS_ACCESS_KEY_ID: s3.server.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.server.secretAccessKey },
  });
}

const keys = () => ({ accessKeyId: s3.server.accessKeyId, secretAccessKey: s3.server.secretAccessKey });

async function sourceWith(name: string, files: Record<string, Buffer | string>): Promise<string> {
  const source = path.join(dir, name);
  await mkdir(source, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(path.join(source, file), content);
  return source;
}

describe.runIf(haveCeph)('sessions on an S3 repository', () => {
  it('backs up with the keys handed over with the start; without any keys it fails AUTH_FAILED, not retried', async () => {
    const location = await initBucket('session-keys');
    const source = await sourceWith('keys', { 'a.txt': 'on S3\n' });
    harness = await createHarness({ settings: { repository: location } });
    const refused = await harness.runner.start({ source: 'files', paths: [source], trigger: 'manual' });
    const failed = await harness.runner.wait(refused.session.id);
    expect(failed.status).toBe('failed');
    expect(failed.attempt).toBe(1);
    expect(harness.journal.getSession(failed.id)?.attempts[0]?.failure?.code).toBe('AUTH_FAILED');

    const { session } = await harness.runner.start({
      source: 'files',
      paths: [source],
      trigger: 'manual',
      s3Credentials: keys(),
    });
    const ended = await harness.runner.wait(session.id);
    expect(ended.status, problemsOf(harness, ended.id)).toBe('completed');
    // The log names the repository, never the keys.
    const log = harness.journal
      .getLog(session.id)
      .map((entry) => entry.message)
      .join('\n');
    expect(log).toContain(location);
    expect(log).not.toContain(s3.server.secretAccessKey);
    const check = await resticCheck('session-keys');
    expect(check.code, check.stderr + check.stdout).toBe(0);
  }, 120_000);

  it('gateway gone mid-backup: interrupted REPO_UNREACHABLE, restarted with the credentials file, resumes', async () => {
    const location = await initBucket('session-drop');
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 7; i++) files[`part-${i}.bin`] = randomBytes(9_000_000);
    const source = await sourceWith('drop', files);
    const credentialsFile = path.join(dir, 's3-keys');
    await writeFile(
      credentialsFile,
      `AWS_ACCESS_KEY_ID=${s3.server.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${s3.server.secretAccessKey}\n`,
      { mode: 0o600 },
    );
    let storedBeforeDrop: string[] = [];
    let watching: NodeJS.Timeout | undefined;
    const packs = async () => (await s3.keysIn('session-drop')).filter((key) => key.startsWith('repo/data/'));
    harness = await createHarness({
      settings: { repository: location, s3CredentialsFile: credentialsFile },
      hooks: {
        beforePhase: async (_id, phase, attempt) => {
          if (phase === 'backup' && attempt === 1)
            watching = setInterval(() => {
              void packs()
                .then(async (stored) => {
                  if (stored.length < 1 || watching === undefined) return;
                  clearInterval(watching);
                  watching = undefined;
                  storedBeforeDrop = stored;
                  await s3.server.stopGateway();
                })
                // A listing still on its way when the gateway stops fails; the next tick has stopped polling.
                .catch(() => undefined);
            }, 10);
          if (phase === 'preflight' && attempt === 2) await s3.server.startGateway();
        },
      },
    });
    const { session } = await harness.runner.start({ source: 'files', paths: [source], trigger: 'schedule' });
    const ended = await harness.runner.wait(session.id);
    clearInterval(watching);
    expect(ended.status, problemsOf(harness, ended.id)).toBe('completed');
    const detail = harness.journal.getSession(session.id);
    expect(detail?.attempts.map((attempt) => attempt.outcome)).toEqual(['interrupted', 'completed']);
    expect(detail?.attempts[0]?.failure?.code).toBe('REPO_UNREACHABLE');
    expect(storedBeforeDrop.length).toBeGreaterThanOrEqual(1);
    const after = await packs();
    for (const pack of storedBeforeDrop) expect(after).toContain(pack);
    // Re-uploading would have added the whole 63 MB again; resuming adds it less the packs stored (≥ 15 MB each).
    expect(ended.stats?.bytesAdded).toBeLessThan(63_000_000 - storedBeforeDrop.length * 15_000_000);
    const check = await resticCheck('session-drop');
    expect(check.code, check.stderr + check.stdout).toBe(0);
  }, 180_000);
});

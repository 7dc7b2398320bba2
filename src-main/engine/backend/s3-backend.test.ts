/**
 * The S3 backend with the engine and the real restic, against a real S3 server, Ceph's RADOS Gateway (one cluster
 * for this file): a repository written through it is checked by restic over S3 and restored equal to the source,
 * and one restic made is restored by us; a gateway that goes away mid-backup is REPO_UNREACHABLE and the next
 * backup adopts what was stored; retries ride out a gateway restart; forget + prune on S3. What each request does
 * (refusals, listings, multipart uploads, ranges) is in s3-backend.requests.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../archiver/archiver';
import { isEngineError } from '../errors';
import { idOf } from '../ids';
import { prune } from '../prune/prune';
import { Repository } from '../repository/repository';
import { restore } from '../restore/restorer';
import { haveCeph } from '../testing/ceph-rgw-server';
import { makeTempDir, removeTempDir, testPassword } from '../testing/restic-cli';
import { cephRgwFixture } from '../testing/s3-testing';
import { type Backend, type FileInfo, writeDataLength } from './backend';

const options = { chunkerPolynomial: 0x3da3358b4dc173n, kdf: { N: 1024, r: 8, p: 1 } };
const s3 = cephRgwFixture('S3 backend with the engine and restic');
let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('s3');
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function names(files: AsyncIterable<FileInfo>): Promise<string[]> {
  const out: string[] = [];
  for await (const file of files) out.push(file.name);
  return out.sort();
}

describe.runIf(haveCeph)('S3 backend with the engine and restic, on a real Ceph RADOS Gateway', () => {
  it('writes a repository restic checks over S3, and restores it equal to the source', async () => {
    const source = path.join(dir, 'source');
    await mkdir(path.join(source, 'etc'), { recursive: true });
    const files = new Map<string, Buffer>([
      ['etc/hostname', Buffer.from('machine\n')],
      ['big.bin', randomBytes(3_000_000)],
    ]);
    for (const [name, content] of files) await writeFile(path.join(source, name), content);
    const repo = await Repository.init(s3.backendAt('ours', 'repo/a'), testPassword, options);
    const summary = await backup(repo, { paths: [source], workers: 0 });
    expect(summary.filesNew).toBe(2);
    await repo.backend.close();
    // restic's layout, under the prefix: the bucket holds nothing else.
    const keys = await s3.keysIn('ours');
    expect(keys).toContain('repo/a/config');
    expect(
      keys.every((key) =>
        /^repo\/a\/(config|(keys|index|snapshots|locks)\/[0-9a-f]{64}|data\/([0-9a-f]{2})\/\3[0-9a-f]{62})$/.test(
          key,
        ),
      ),
      keys.join('\n'),
    ).toBe(true);

    const check = await s3.resticOnS3('ours', 'repo/a', ['check', '--read-data']);
    expect(check.code, check.stderr + check.stdout).toBe(0);

    const reopened = await Repository.open(s3.backendAt('ours', 'repo/a'), testPassword);
    await reopened.loadIndex();
    const target = path.join(dir, 'restored');
    const restored = await restore(reopened, { source: summary.snapshot, target, workers: 0 });
    expect(restored.failures).toEqual([]);
    for (const [name, content] of files) {
      expect((await readFile(path.join(target, source, name))).equals(content)).toBe(true);
    }
    await reopened.backend.close();
  });

  it('restores what restic backed up over S3, equal to the source', async () => {
    const source = path.join(dir, 'source-restic');
    await mkdir(path.join(source, 'sub'), { recursive: true });
    const content = randomBytes(2_500_000);
    await writeFile(path.join(source, 'sub', 'data.bin'), content);
    await writeFile(path.join(source, 'note.txt'), 'written by restic\n');
    const init = await s3.resticOnS3('by-restic', 'repo', ['init', '--repository-version', '2']);
    expect(init.code, init.stderr + init.stdout).toBe(0);
    const made = await s3.resticOnS3('by-restic', 'repo', ['backup', '--json', source]);
    expect(made.code, made.stderr).toBe(0);

    const repo = await Repository.open(s3.backendAt('by-restic', 'repo'), testPassword);
    await repo.loadIndex();
    const snapshots = await names(repo.backend.list('snapshot'));
    expect(snapshots).toHaveLength(1);
    const snapshot = await repo.loadSnapshot(snapshots[0] as string);
    const target = path.join(dir, 'restored-restic');
    const restored = await restore(repo, { source: snapshot, target, workers: 0 });
    expect(restored.failures).toEqual([]);
    expect((await readFile(path.join(target, source, 'sub', 'data.bin'))).equals(content)).toBe(true);
    expect(await readFile(path.join(target, source, 'note.txt'), 'utf8')).toBe('written by restic\n');
    await repo.backend.close();
  });

  it('gateway stopped mid-backup: REPO_UNREACHABLE; the next backup resumes without re-uploading, restic check passes', async () => {
    const source = path.join(dir, 'source-drop');
    await mkdir(source, { recursive: true });
    // Random data in several packs' worth (16 MiB packs): the gateway goes away after the second pack is stored.
    for (let i = 0; i < 5; i++) await writeFile(path.join(source, `part-${i}.bin`), randomBytes(9_000_000));
    const backend = s3.backendAt('drop', 'repo');
    const repo = await Repository.init(backend, testPassword, options);
    // No drafts on S3: each pack is one write.
    expect((backend as Backend).startFile).toBeUndefined();
    let packsStored = 0;
    let bytesStored = 0;
    const write = backend.write.bind(backend);
    backend.write = async (file, data) => {
      await write(file, data);
      if (file.type !== 'data') return;
      bytesStored += writeDataLength(data);
      if (++packsStored === 2) await s3.server.stopGateway();
    };
    try {
      const failure = await backup(repo, { paths: [source], workers: 0 }).catch((e: unknown) => e);
      expect(isEngineError(failure, 'REPO_UNREACHABLE'), String(failure)).toBe(true);
      // The engine uploads a pack while it fills the next: one already on its way when the gateway was told to
      // stop may have been stored as well (a stopping gateway finishes the requests it has).
      expect(packsStored).toBeGreaterThanOrEqual(2);
    } finally {
      await backend.close();
      await s3.server.startGateway();
    }

    const again = await Repository.open(s3.backendAt('drop', 'repo'), testPassword);
    await again.loadIndex();
    const resumed = await backup(again, { paths: [source], workers: 0 });
    // Every pack stored before the drop is adopted, not uploaded again: the backup adds the 45 MB less what was
    // stored (within 100 kB: blob encryption overhead and trees).
    expect(resumed.bytesAdded).toBeLessThan(45_000_000 - bytesStored + 100_000);
    await again.backend.close();
    const check = await s3.resticOnS3('drop', 'repo', ['check', '--read-data']);
    expect(check.code, check.stderr + check.stdout).toBe(0);
  }, 120_000);

  it('forget and prune on S3 with worker threads: restic check passes, the kept snapshot restores', async () => {
    const source = path.join(dir, 'source-prune');
    await mkdir(source, { recursive: true });
    const kept = randomBytes(2_000_000);
    await writeFile(path.join(source, 'kept.bin'), kept);
    await writeFile(path.join(source, 'dropped.bin'), randomBytes(3_000_000));
    const backend = s3.backendAt('prune', 'repo');
    const repo = await Repository.init(backend, testPassword, options);
    const first = await backup(repo, { paths: [source], workers: 2 });
    await rm(path.join(source, 'dropped.bin'));
    const second = await backup(repo, { paths: [source], workers: 2 });
    await backend.remove({ type: 'snapshot', name: first.snapshotId }); // what forget does
    await backend.close();

    const pruning = await Repository.open(s3.backendAt('prune', 'repo'), testPassword);
    const pruned = await prune(pruning);
    await pruning.backend.close();
    // dropped.bin's blobs shared a pack with kept.bin's: the pack was repacked, its unused 3 MB deleted.
    expect(pruned.bytesRemoved).toBeGreaterThan(2_900_000);
    const check = await s3.resticOnS3('prune', 'repo', ['check', '--read-data']);
    expect(check.code, check.stderr + check.stdout).toBe(0);

    const reopened = await Repository.open(s3.backendAt('prune', 'repo'), testPassword);
    await reopened.loadIndex();
    const target = path.join(dir, 'restored-prune');
    const restored = await restore(reopened, { source: second.snapshot, target, workers: 2 });
    expect(restored.failures).toEqual([]);
    expect((await readFile(path.join(target, source, 'kept.bin'))).equals(kept)).toBe(true);
    expect(existsSync(path.join(target, source, 'dropped.bin'))).toBe(false);
    await reopened.backend.close();
  });

  it('rides out a gateway restart by retrying with backoff', async () => {
    const backend = s3.backendAt('retry', '', {
      retry: { attempts: 8, baseDelayMs: 200, maxDelayMs: 2_000 },
    });
    await backend.create();
    const content = Buffer.from('still here after the restart');
    const file = { type: 'index' as const, name: idOf(content) };
    await backend.write(file, content);
    await s3.server.stopGateway();
    const restart = new Promise((resolve) => setTimeout(resolve, 300)).then(() => s3.server.startGateway());
    try {
      expect((await backend.read(file)).equals(content)).toBe(true);
    } finally {
      await restart;
      await backend.close();
    }
  }, 60_000);
});

import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backup } from '../archiver/archiver';
import type { Backend, FileHandle, WriteData } from '../backend/backend';
import { LocalBackend } from '../backend/local-backend';
import { MemoryBackend } from '../backend/memory-backend';
import { generateMasterKey, type MasterKey } from '../crypto/master-key';
import { EngineError } from '../errors';
import { idOf } from '../ids';
import { makeTempDir, removeTempDir, restic, testPassword } from '../testing/restic-cli';
import { subtreeOf } from '../testing/source-subtree';
import type { BlobType } from './blob';
import { encodeBlob } from './blob-codec';
import { type FinishedPack, PackWriter } from './pack-writer';
import { Repository } from './repository';
import { adoptUnindexedPacks } from './unindexed-packs';

const options = { chunkerPolynomial: 0x3da3358b4dc173n, kdf: { N: 1024, r: 8, p: 1 } };
const tempDirs: string[] = [];

afterAll(async () => {
  for (const dir of tempDirs) await removeTempDir(dir);
});

/** A pack of `count` random blobs, encoded with `key`, as the archiver would write it. */
function makePack(
  key: MasterKey,
  type: BlobType,
  count: number,
): { pack: FinishedPack; plaintexts: Buffer[] } {
  const writer = new PackWriter(key, type);
  const plaintexts = Array.from({ length: count }, () =>
    randomBytes(1000 + Math.floor(Math.random() * 3000)),
  );
  for (const plaintext of plaintexts) writer.add(encodeBlob(key, type, plaintext, { compress: true }));
  return { pack: writer.finish(), plaintexts };
}

/** Writes packs straight to `data/` without an index: what a backup killed before its index checkpoint leaves. */
async function writeUnindexed(backend: Backend, pack: FinishedPack): Promise<void> {
  await backend.write({ type: 'data', name: pack.id }, pack.parts);
}

async function countFiles(backend: Backend, type: 'index' | 'data'): Promise<number> {
  let count = 0;
  for await (const _ of backend.list(type)) count++;
  return count;
}

async function memoryRepository(): Promise<{ backend: MemoryBackend; repo: Repository }> {
  const backend = new MemoryBackend();
  return { backend, repo: await Repository.init(backend, 'pw', options) };
}

describe('adoptUnindexedPacks', () => {
  it('indexes packs no index names, in an index file first, and makes their blobs readable', async () => {
    const { backend, repo } = await memoryRepository();
    // One pack indexed the normal way: it must not be adopted again.
    await repo.saveBlob('data', randomBytes(5000));
    await repo.flush();
    const made = [
      makePack(repo.key, 'data', 5),
      makePack(repo.key, 'data', 20),
      makePack(repo.key, 'tree', 3),
    ];
    for (const { pack } of made) await writeUnindexed(backend, pack);

    const reopened = await Repository.open(backend, 'pw');
    await reopened.loadIndex();
    const result = await adoptUnindexedPacks(reopened, { onWarning: (m) => expect.fail(m) });
    expect(result).toMatchObject({ unindexedPacks: 3, adoptedPacks: 3, adoptedBlobs: 28, skippedPacks: 0 });
    expect(result.adoptedBytes).toBe(made.reduce((sum, { pack }) => sum + pack.size, 0));
    expect(result.indexFiles).toHaveLength(1);
    expect(await countFiles(backend, 'index')).toBe(2);

    // In memory now, and on storage for the next reader.
    const first = made[0]?.plaintexts[0] ?? Buffer.alloc(0);
    expect(reopened.hasBlob('data', idOf(first))).toBe(true);
    const fresh = await Repository.open(backend, 'pw');
    await fresh.loadIndex();
    for (const { pack, plaintexts } of made) {
      for (const plaintext of plaintexts)
        expect(await fresh.readBlob(pack.type, idOf(plaintext))).toEqual(plaintext);
    }
    // Nothing is left to adopt.
    expect(await adoptUnindexedPacks(fresh)).toMatchObject({ unindexedPacks: 0, indexFiles: [] });
  });

  it('skips damaged, truncated and foreign packs with a warning each, and never deletes them', async () => {
    const { backend, repo } = await memoryRepository();
    const good = makePack(repo.key, 'data', 4).pack;
    await writeUnindexed(backend, good);
    const bytes = Buffer.concat(makePack(repo.key, 'data', 4).pack.parts);
    const truncated = bytes.subarray(0, bytes.length - 100);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 10] = (flipped[flipped.length - 10] ?? 0) ^ 0xff; // inside the header: MAC fails
    const foreign = Buffer.concat(makePack(generateMasterKey(), 'data', 2).pack.parts);
    const tiny = Buffer.from([1, 2, 3]);
    const damaged = [truncated, flipped, foreign, tiny].map((data) => ({ name: idOf(data), data }));
    for (const { name, data } of damaged) await backend.write({ type: 'data', name }, data);

    await repo.loadIndex();
    const warnings: string[] = [];
    const result = await adoptUnindexedPacks(repo, { onWarning: (m) => warnings.push(m) });
    expect(result).toMatchObject({ unindexedPacks: 5, adoptedPacks: 1, skippedPacks: 4 });
    expect(warnings).toHaveLength(4);
    for (const { name } of damaged) {
      expect(warnings.some((w) => w.startsWith(`pack ${name} `))).toBe(true);
      expect((await backend.stat({ type: 'data', name })).size).toBeGreaterThan(0);
    }
    expect(warnings.join('\n')).not.toContain(good.id);
  });

  it('splits adopted packs into index files of at most the given number of blobs', async () => {
    const { backend, repo } = await memoryRepository();
    for (let i = 0; i < 5; i++) await writeUnindexed(backend, makePack(repo.key, 'data', 4).pack);
    const result = await adoptUnindexedPacks(repo, { maxBlobsPerIndexFile: 8, concurrency: 2 });
    // Batches close once they reach 8 blobs: 4+4, 4+4, 4.
    expect(result.indexFiles).toHaveLength(3);
    expect(result).toMatchObject({ adoptedPacks: 5, adoptedBlobs: 20 });
  });

  it('leaves the packs out of the in-memory index when their index file cannot be written', async () => {
    const { backend, repo } = await memoryRepository();
    const { pack, plaintexts } = makePack(repo.key, 'data', 3);
    await writeUnindexed(backend, pack);
    const write = backend.write.bind(backend);
    backend.write = async (file: FileHandle, data: WriteData) => {
      if (file.type === 'index') throw new EngineError('NO_SPACE', 'disk full');
      return write(file, data);
    };
    const warnings: string[] = [];
    const result = await adoptUnindexedPacks(repo, { onWarning: (m) => warnings.push(m) });
    expect(result).toMatchObject({ unindexedPacks: 1, adoptedPacks: 0, skippedPacks: 1 });
    expect(warnings).toEqual([expect.stringContaining('disk full')]);
    // A snapshot must not reference blobs that no index on storage names, so this backup must store them again.
    expect(repo.hasBlob('data', idOf(plaintexts[0] ?? Buffer.alloc(0)))).toBe(false);
  });
});

describe('adoptUnindexedPacks judged by restic', () => {
  it('adopting the packs of a concurrent backup leaves duplicate index entries that restic check accepts', async () => {
    const dir = await makeTempDir('adopt');
    tempDirs.push(dir);
    const location = path.join(dir, 'repo');
    const source = path.join(dir, 'source');
    await mkdir(source);
    for (let i = 0; i < 4; i++) await writeFile(path.join(source, `file-${i}`), randomBytes(300_000 + i));
    await Repository.init(new LocalBackend(location), testPassword, options);

    // Backup A has loaded the index (empty) when backup B, under its own non-exclusive lock, writes packs; A
    // adopts them before B's index is read by anyone else. Both index files then name B's packs.
    const backupA = await Repository.open(new LocalBackend(location), testPassword);
    await backupA.loadIndex();
    const backupB = await Repository.open(new LocalBackend(location), testPassword);
    const summaryB = await backup(backupB, { paths: [source], workers: 0 });
    const result = await adoptUnindexedPacks(backupA, { onWarning: (m) => expect.fail(m) });
    expect(result.adoptedPacks).toBeGreaterThanOrEqual(2); // B's data pack and tree pack
    expect(await countFiles(backupA.backend, 'index')).toBe(2);

    const check = await restic(['check', '--read-data'], { repo: location });
    expect(check.code, check.stderr + check.stdout).toBe(0);
    expect(check.stdout).toContain('no errors were found');
    // The duplicates really are there, and restic calls them non-critical.
    expect(check.stdout).toContain('contained in several indexes');
    // A's view: blobs found once per pack, readable; a backup through A stores nothing new.
    const summaryA = await backup(backupA, { paths: [source], workers: 0, parent: null });
    expect(summaryA.bytesAdded).toBe(0);
    // The same tree for the source (see source-subtree.ts for why not the root tree).
    expect(await subtreeOf(backupA, summaryA.snapshot.tree, source)).toBe(
      await subtreeOf(backupA, summaryB.snapshot.tree, source),
    );
    const after = await restic(['check', '--read-data'], { repo: location });
    expect(after.code, after.stderr + after.stdout).toBe(0);
  }, 60_000);
});

import { randomBytes } from 'node:crypto';
import { chmod, readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileHandle } from '../backend/backend';
import { LocalBackend } from '../backend/local-backend';
import { MemoryBackend } from '../backend/memory-backend';
import type { ScryptParams } from '../crypto/key-file';
import { EngineError } from '../errors';
import { idOf } from '../ids';
import { failure } from '../testing/engine-failure';
import { makeTempDir, removeTempDir } from '../testing/restic-cli';
import { Repository } from './repository';

const fast: ScryptParams = { N: 1024, r: 8, p: 1 };
const polynomial = 0x3da3358b4dc173n;
const options = { chunkerPolynomial: polynomial, kdf: fast };

async function newMemoryRepo() {
  const backend = new MemoryBackend();
  return { backend, repo: await Repository.init(backend, 'pw', options) };
}

const tempDirs: string[] = [];
afterAll(async () => {
  for (const dir of tempDirs) await removeTempDir(dir);
});

describe('Repository: init, open, keys', () => {
  it('opens with the password it was created with, and only with it', async () => {
    const { backend, repo } = await newMemoryRepo();
    expect(repo.config.version).toBe(2);
    expect(repo.config.chunkerPolynomial).toBe(polynomial);
    const opened = await Repository.open(backend, 'pw');
    expect(opened.config).toEqual(repo.config);
    expect(opened.keyId).toBe(repo.keyId);
    expect((await failure(Repository.open(backend, 'wrong'))).code).toBe('WRONG_PASSWORD');
  });

  it('refuses a second init (ALREADY_EXISTS) and opening an empty location (NOT_A_REPOSITORY)', async () => {
    const { backend } = await newMemoryRepo();
    expect((await failure(Repository.init(backend, 'pw', options))).code).toBe('ALREADY_EXISTS');
    expect((await failure(Repository.open(new MemoryBackend(), 'pw'))).code).toBe('NOT_A_REPOSITORY');
  });

  it('takes the polynomial from an injected generator', async () => {
    const repo = await Repository.init(new MemoryBackend(), 'pw', {
      ...options,
      chunkerPolynomial: async () => 0x27dd52f9efbaafn,
    });
    expect(repo.config.chunkerPolynomial).toBe(0x27dd52f9efbaafn);
  });

  it('adds, lists and removes keys; never the key in use', async () => {
    const { backend, repo } = await newMemoryRepo();
    const second = await repo.addKey('second', { kdf: fast, hostname: 'other-host', username: 'bob' });
    const viaSecond = await Repository.open(backend, 'second');
    expect(viaSecond.keyId).toBe(second);
    expect(Buffer.from(viaSecond.key.encrypt).equals(Buffer.from(repo.key.encrypt))).toBe(true);
    const keys = await repo.listKeys();
    expect(keys.map((k) => [k.id, k.current]).sort()).toEqual(
      [
        [repo.keyId, true],
        [second, false],
      ].sort(),
    );
    expect(keys.find((k) => k.id === second)).toMatchObject({
      hostname: 'other-host',
      username: 'bob',
      kdf: fast,
    });
    expect((await failure(repo.removeKey(repo.keyId))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(repo.removeKey('9'.repeat(64)))).code).toBe('NOT_FOUND');
    await viaSecond.removeKey(repo.keyId);
    expect((await failure(Repository.open(backend, 'pw'))).code).toBe('WRONG_PASSWORD');
    expect((await Repository.open(backend, 'second')).keyId).toBe(second);
  });

  it('skips damaged key files; with no usable key file at all it reports CORRUPT', async () => {
    const { backend } = await newMemoryRepo();
    const junk = Buffer.from('{"kdf":"scrypt"');
    await backend.write({ type: 'key', name: idOf(junk) }, junk);
    await backend.write({ type: 'key', name: 'd'.repeat(64) }, Buffer.from('{}')); // name ≠ hash
    expect((await Repository.open(backend, 'pw')).config.version).toBe(2);
    const wrong = await failure(Repository.open(backend, 'nope'));
    expect(wrong.code).toBe('WRONG_PASSWORD');
    expect(wrong.message).toContain(idOf(junk));
    for await (const key of backend.list('key')) {
      if (key.name !== idOf(junk) && key.name !== 'd'.repeat(64)) await backend.remove(key);
    }
    expect((await failure(Repository.open(backend, 'pw'))).code).toBe('CORRUPT');
  });
});

describe('Repository: blobs, index, snapshots', () => {
  it('saves blobs into packs, deduplicates, and reads them back after reopening', async () => {
    const backend = new MemoryBackend();
    const repo = await Repository.init(backend, 'pw', { ...options, packTargetSize: 5000 });
    // Half incompressible (stored raw), half compressible (stored zstd): packs mix both entry kinds.
    const blobs = Array.from({ length: 30 }, (_, i) =>
      i % 2 === 0 ? randomBytes(800 + i) : Buffer.from(`blob ${i} `.repeat(50 + i)),
    );
    for (const b of blobs) expect((await repo.saveBlob('data', b)).stored).toBe(true);
    expect((await repo.saveBlob('data', blobs[3] ?? Buffer.alloc(0))).stored).toBe(false);
    const tree = Buffer.from('{"nodes":[]}\n');
    const treeId = (await repo.saveBlob('tree', tree)).id;
    await repo.flush();
    const packs = [];
    for await (const f of backend.list('data')) packs.push(f);
    expect(packs.length).toBeGreaterThan(2);

    const reopened = await Repository.open(backend, 'pw');
    await reopened.loadIndex();
    expect(reopened.index.size).toBe(31);
    for (const b of blobs) expect(await reopened.readBlob('data', idOf(b))).toEqual(b);
    expect(await reopened.readBlob('tree', treeId)).toEqual(tree);
    expect((await failure(reopened.readBlob('tree', idOf(blobs[0] ?? Buffer.alloc(0))))).code).toBe(
      'NOT_FOUND',
    );
    // Each pack holds one blob type.
    const indexed = [...reopened.index.packs()];
    for (const pack of indexed) expect(new Set(pack.blobs.map((b) => b.type)).size).toBe(1);
    const entries = indexed.flatMap((p) => p.blobs);
    expect(entries.some((b) => b.uncompressedLength !== undefined)).toBe(true);
    expect(entries.some((b) => b.uncompressedLength === undefined)).toBe(true);
    expect((await reopened.saveBlob('data', blobs[0] ?? Buffer.alloc(0))).stored).toBe(false);
  });

  it('writes packs, then the index naming them, then the snapshot', async () => {
    const backend = new MemoryBackend();
    const repo = await Repository.init(backend, 'pw', options);
    const order: string[] = [];
    const write = backend.write.bind(backend);
    backend.write = (file: FileHandle, data: Uint8Array) => {
      order.push(file.type);
      return write(file, data);
    };
    const { id: treeId } = await repo.saveBlob('tree', Buffer.from('{"nodes":[]}\n'));
    await repo.saveBlob('data', Buffer.from('content'));
    expect(order).toEqual([]); // nothing durable before flush
    const snapshotId = await repo.saveSnapshot({ time: '2026-01-01T00:00:00Z', tree: treeId, paths: ['/x'] });
    expect(order).toEqual(['data', 'data', 'index', 'snapshot']);
    const listed = await (await Repository.open(backend, 'pw')).listSnapshots();
    expect(listed).toEqual([
      { id: snapshotId, snapshot: { time: '2026-01-01T00:00:00Z', tree: treeId, paths: ['/x'] } },
    ]);
  });

  it('on a failed pack write: no index, no snapshot, and the blobs are not considered stored', async () => {
    const backend = new MemoryBackend();
    const repo = await Repository.init(backend, 'pw', options);
    const write = backend.write.bind(backend);
    let full = true;
    backend.write = (file: FileHandle, data: Uint8Array) =>
      full && file.type === 'data'
        ? Promise.reject(new EngineError('NO_SPACE', 'disk full'))
        : write(file, data);
    const content = Buffer.from('important');
    await repo.saveBlob('data', content);
    const { id: treeId } = await repo.saveBlob('tree', Buffer.from('{"nodes":[]}\n'));
    expect(
      (await failure(repo.saveSnapshot({ time: '2026-01-01T00:00:00Z', tree: treeId, paths: ['/'] }))).code,
    ).toBe('NO_SPACE');
    for (const type of ['data', 'index', 'snapshot'] as const) {
      for await (const f of backend.list(type)) expect.unreachable(`unexpected ${type} file ${f.name}`);
    }
    full = false;
    expect((await repo.saveBlob('data', content)).stored).toBe(true);
    await repo.flush();
    expect(await repo.readBlob('data', idOf(content))).toEqual(content);
  });

  it('reloads the index only when index files came or went since it was loaded', async () => {
    const { backend, repo } = await newMemoryRepo();
    const first = await repo.saveBlob('data', Buffer.from('one'));
    await repo.flush();
    const reader = await Repository.open(backend, 'pw');
    await reader.loadIndex();
    expect(await reader.reloadIndexIfChanged()).toBe(false);
    const second = await repo.saveBlob('data', Buffer.from('two'));
    await repo.flush(); // a second index file, as another writer (or a prune) would leave
    expect(reader.hasBlob('data', second.id)).toBe(false);
    expect(await reader.reloadIndexIfChanged()).toBe(true);
    expect(reader.hasBlob('data', second.id)).toBe(true);
    expect(reader.hasBlob('data', first.id)).toBe(true);
    expect(reader.index.size).toBe(2); // loaded afresh, not twice
  });

  it('round-trips unpacked files and verifies their hash on load', async () => {
    const { backend, repo } = await newMemoryRepo();
    const json = Buffer.from(
      '{"time":"2026-01-01T00:00:00Z","exclusive":false,"hostname":"h","username":"u","pid":1}',
    );
    const id = await repo.saveUnpacked('lock', json);
    expect(await repo.loadUnpacked('lock', id)).toEqual(json);
    const stored = await backend.read({ type: 'lock', name: id });
    stored[stored.length - 1] = (stored[stored.length - 1] ?? 0) ^ 1;
    backend.replace({ type: 'lock', name: id }, stored);
    const damaged = await failure(repo.loadUnpacked('lock', id));
    expect(damaged.code).toBe('CORRUPT');
    expect(damaged.message).toContain(id);
  });
});

describe('Repository: damaged packs on disk', () => {
  async function repoWithBlob() {
    const dir = await makeTempDir('repo-damage');
    tempDirs.push(dir);
    const backend = new LocalBackend(`${dir}/repo`);
    const repo = await Repository.init(backend, 'pw', options);
    const content = Buffer.from('data that will be damaged '.repeat(20));
    const other = Buffer.from('a second blob in the same pack');
    await repo.saveBlob('data', content);
    await repo.saveBlob('data', other);
    await repo.flush();
    const reopened = await Repository.open(backend, 'pw');
    await reopened.loadIndex();
    const [location] = reopened.index.lookup('data', idOf(content));
    if (!location) throw new Error('blob not indexed');
    const packPath = backend.filePath({ type: 'data', name: location.packId });
    await chmod(packPath, 0o600);
    return { repo: reopened, blobId: idOf(content), other, location, packPath };
  }

  it('a flipped byte inside the blob: CORRUPT naming pack and blob; the neighbour still reads', async () => {
    const { repo, blobId, other, location, packPath } = await repoWithBlob();
    const bytes = await readFile(packPath);
    const at = location.offset + 20;
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    await writeFile(packPath, bytes);
    const result = await failure(repo.readBlob('data', blobId));
    expect(result.code).toBe('CORRUPT');
    expect(result.message).toContain(blobId);
    expect(result.message).toContain(location.packId);
    expect(await repo.readBlob('data', idOf(other))).toEqual(other);
  });

  it('a truncated pack: CORRUPT naming pack and blob', async () => {
    const { repo, blobId, location, packPath } = await repoWithBlob();
    await truncate(packPath, location.offset + 10);
    const result = await failure(repo.readBlob('data', blobId));
    expect(result.code).toBe('CORRUPT');
    expect(result.message).toContain(blobId);
    expect(result.message).toContain(location.packId);
  });

  it('a missing pack: NOT_FOUND naming pack and blob', async () => {
    const { repo, blobId, location, packPath } = await repoWithBlob();
    await unlink(packPath);
    const result = await failure(repo.readBlob('data', blobId));
    expect(result.code).toBe('NOT_FOUND');
    expect(result.message).toContain(blobId);
    expect(result.message).toContain(location.packId);
  });
});

/**
 * Hostile repositories, crafted by hand with the repository's own key (so every MAC verifies and only the
 * structure lies): a pack header claiming blobs beyond the file, a header length beyond the file, index entries
 * with absurd lengths. Each gives CORRUPT errors naming the pack or blob — never a crash, never an exception out
 * of the check, and never a read (hence an allocation) larger than the largest file in the repository.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend';
import { MemoryBackend } from '../backend/memory-backend';
import { parseChunkerPolynomial } from '../chunker/chunker-polynomial';
import { encrypt } from '../crypto/container';
import { type Id, idOf } from '../ids';
import type { PackedBlob } from '../repository/blob';
import { encodeBlob } from '../repository/blob-codec';
import { decodeIndexFile, encodeIndexFile, type IndexPack } from '../repository/index-file';
import { encodeHeaderEntries } from '../repository/pack-header';
import { Repository } from '../repository/repository';
import { parseJson } from '../repository/unpacked-file';
import { testPassword } from '../testing/restic-cli';
import type { CheckOptions, CheckResult } from './check-types';
import { checkRepository } from './checker';

const time = '2024-05-06T07:08:09.123456789Z';
let memory: MemoryBackend;
let largestRead = 0;
let repository: Repository;
let rootTree: Id;
let fileBlob: Id;

/**
 * The memory backend, recording the largest read: requested (what a backend like the local one allocates before
 * it reads) and returned.
 */
function recording(backend: MemoryBackend): Backend {
  return new Proxy(backend, {
    get(target, property) {
      if (property === 'read') {
        return async (...args: Parameters<Backend['read']>) => {
          const [, range] = args;
          largestRead = Math.max(largestRead, range?.length ?? 0, Math.abs(range?.offset ?? 0));
          const data = await target.read(...args);
          largestRead = Math.max(largestRead, data.length);
          return data;
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function node(name: string, type: string, extra: Record<string, unknown>): Record<string, unknown> {
  const mode = type === 'dir' ? 2147484141 : 0o644;
  return { name, type, mode, mtime: time, atime: time, ctime: time, uid: 0, gid: 0, content: null, ...extra };
}

async function saveTree(nodes: Record<string, unknown>[]): Promise<Id> {
  return (await repository.saveBlob('tree', Buffer.from(`${JSON.stringify({ nodes })}\n`))).id;
}

async function largestFile(): Promise<number> {
  let largest = 0;
  for (const type of ['data', 'index', 'snapshot', 'key', 'config'] as const) {
    for await (const file of memory.list(type)) largest = Math.max(largest, file.size);
  }
  return largest;
}

async function check(options: CheckOptions = {}): Promise<CheckResult> {
  const opened = await Repository.open(recording(memory), testPassword);
  return checkRepository(opened, { count: 0, ...options });
}

/** Both modes; each must return (not throw) and read no more than the largest file. */
async function checkBoth(): Promise<{ structure: CheckResult; read: CheckResult }> {
  largestRead = 0;
  const structure = await check();
  const read = await check({ readData: { kind: 'all' } });
  expect(largestRead).toBeLessThanOrEqual(await largestFile());
  return { structure, read };
}

/** The index packs, for rewriting. */
async function indexFiles(): Promise<{ name: Id; packs: IndexPack[] }[]> {
  const files: { name: Id; packs: IndexPack[] }[] = [];
  for await (const file of memory.list('index')) {
    const what = `index file ${file.name}`;
    const json = parseJson(await repository.loadUnpacked('index', file.name), what);
    files.push({ name: file.name, packs: decodeIndexFile(json, what).packs });
  }
  return files;
}

/** Replaces every index file by one holding these packs. */
async function rewriteIndex(packs: IndexPack[]): Promise<void> {
  for (const { name } of await indexFiles()) await memory.remove({ type: 'index', name });
  await repository.saveUnpacked('index', encodeIndexFile({ supersedes: [], packs }));
}

/** Writes a pack of these stored blobs with the given header entries; returns its ID. */
async function writePack(blobs: Uint8Array[], header: Omit<PackedBlob, 'offset'>[]): Promise<Id> {
  const encryptedHeader = encrypt(repository.key, encodeHeaderEntries(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(encryptedHeader.length);
  const pack = Buffer.concat([...blobs, encryptedHeader, length]);
  const id = idOf(pack);
  await memory.write({ type: 'data', name: id }, pack);
  return id;
}

function errorKinds(result: CheckResult): string[] {
  return [...new Set(result.errors.map((e) => e.kind))].sort();
}

beforeEach(async () => {
  memory = new MemoryBackend();
  repository = await Repository.init(recording(memory), testPassword, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
  const blob = await repository.saveBlob('data', Buffer.from('the content of a.txt\n'));
  fileBlob = blob.id;
  const sub = await saveTree([node('a.txt', 'file', { size: 21, links: 1, content: [fileBlob] })]);
  rootTree = await saveTree([node('dir', 'dir', { subtree: sub })]);
  await repository.saveSnapshot({ time, tree: rootTree, paths: ['/src'] });
});

describe('check on hostile repositories', () => {
  it('the crafted clean repository is clean (the baseline for the cases below)', async () => {
    const { structure, read } = await checkBoth();
    expect(structure.errors).toEqual([]);
    expect(read.errors).toEqual([]);
    expect(read.packsRead).toBe(2);
  });

  it('a pack header claiming blobs beyond the end of the file', async () => {
    const stored = encodeBlob(repository.key, 'data', Buffer.from('another blob'), { compress: false });
    const claimed = { type: 'data' as const, id: stored.id, length: stored.data.length + 1_000_000_000 };
    const pack = await writePack([stored.data], [claimed]);
    const packs = (await indexFiles()).flatMap((file) => file.packs);
    // The index tells the truth, so the file has the size the index implies: only the header lies.
    packs.push({ id: pack, blobs: [{ type: 'data', id: stored.id, offset: 0, length: stored.data.length }] });
    await rewriteIndex(packs);
    const { structure, read } = await checkBoth();
    for (const result of [structure, read]) {
      expect(errorKinds(result)).toEqual(['pack-header']);
      expect(result.errors[0]).toMatchObject({ code: 'CORRUPT', pack });
      expect(result.errors[0]?.message).toMatch(
        /header describes 1 blobs making a \d+-byte pack, but the file has/,
      );
      expect(result.affected).toEqual([]); // the blob itself is intact where the index says it is
    }
  });

  it('a header length field pointing beyond the start of the file', async () => {
    const stored = encodeBlob(repository.key, 'data', Buffer.from('blob in a bad pack'), { compress: false });
    // Where the header should be: bytes of the right size (so the index implies the file's size), and a length
    // field claiming a header bigger than the whole file.
    const headerRoom = Buffer.alloc(32 + 37, 0x55);
    const bogus = Buffer.concat([stored.data, headerRoom, Buffer.from([0xff, 0xff, 0xff, 0x0f])]);
    const pack = idOf(bogus);
    await memory.write({ type: 'data', name: pack }, bogus);
    const packs = (await indexFiles()).flatMap((file) => file.packs);
    packs.push({ id: pack, blobs: [{ type: 'data', id: stored.id, offset: 0, length: stored.data.length }] });
    await rewriteIndex(packs);
    const { structure, read } = await checkBoth();
    for (const result of [structure, read]) {
      expect(
        result.errors.some((e) => e.kind === 'pack-header' && e.code === 'CORRUPT' && e.pack === pack),
      ).toBe(true);
      expect(result.errors.find((e) => e.kind === 'pack-header')?.message).toContain('exceeds the file');
    }
  });

  it('an index entry with an absurd length for the root tree: CORRUPT, and the snapshot is affected', async () => {
    const packs = (await indexFiles()).flatMap((file) => file.packs);
    const treePack = packs.find((p) => p.blobs.some((b) => b.id === rootTree)) as IndexPack;
    const entry = treePack.blobs.find((b) => b.id === rootTree) as PackedBlob;
    entry.length = 0xffff_fff0;
    entry.uncompressedLength = 0xffff_fff0;
    await rewriteIndex(packs);
    const { structure, read } = await checkBoth();
    const packSize = (await memory.stat({ type: 'data', name: treePack.id })).size;
    expect(errorKinds(structure)).toEqual(['pack-size', 'tree-unreadable']);
    expect(structure.errors.every((e) => e.code === 'CORRUPT')).toBe(true);
    expect(structure.errors.find((e) => e.kind === 'tree-unreadable')?.message).toContain(
      `outside the ${packSize}-byte pack`,
    );
    expect(structure.affected.map((a) => a.paths)).toEqual([['/']]);
    expect(errorKinds(read)).toContain('blob-damaged');
    expect(read.errors.find((e) => e.kind === 'blob-damaged')).toMatchObject({
      code: 'CORRUPT',
      pack: treePack.id,
      blob: { type: 'tree', id: rootTree },
    });
  });

  it('an index entry with an absurd uncompressed length for a data blob: refused before decompressing', async () => {
    const packs = (await indexFiles()).flatMap((file) => file.packs);
    const dataPack = packs.find((p) => p.blobs.some((b) => b.id === fileBlob)) as IndexPack;
    const entry = dataPack.blobs.find((b) => b.id === fileBlob) as PackedBlob;
    entry.uncompressedLength = 0xffff_fff0;
    await rewriteIndex(packs);
    const { structure, read } = await checkBoth();
    // A compressed entry is 4 bytes longer in the header, so the index no longer implies the file's size.
    expect(errorKinds(structure)).toEqual(['pack-size']);
    const damaged = read.errors.find((e) => e.kind === 'blob-damaged');
    expect(damaged).toMatchObject({ code: 'CORRUPT', blob: { type: 'data', id: fileBlob } });
    expect(damaged?.message).toContain('implausible uncompressed length');
    expect(read.affected.map((a) => a.paths)).toEqual([['/dir/a.txt']]);
  });
});

/**
 * A damaged or hostile repository makes prune refuse before it changes anything: a snapshot whose tree is in no
 * index, a tree whose pack is gone or whose bytes are damaged, a snapshot file that does not decode, data blobs
 * the index lost. Each case must fail with a clear, coded error and leave every file as it was — in particular
 * the pack an index lost must not be deleted as "unreferenced", since it holds the only copy of needed data.
 * A used blob that fails verification while being repacked (and has no intact copy) stops the prune before any
 * deletion too.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backup } from '../archiver/archiver';
import { MemoryBackend } from '../backend/memory-backend';
import { parseChunkerPolynomial } from '../chunker/chunker-polynomial';
import { type EngineError, isEngineError } from '../errors';
import { type Id, idOf } from '../ids';
import { encodeIndexFile } from '../repository/index-file';
import { Repository } from '../repository/repository';
import { makeTempDir, removeTempDir } from '../testing/restic-cli';
import { prune } from './prune';
import { loadRepositoryState } from './repository-state';
import { seededRandom } from './testing/generations';

let dir: string;
let sources: string[];
let backend: MemoryBackend;
let repository: Repository;
let snapshots: Id[];

beforeAll(async () => {
  dir = await makeTempDir('prune-refusal');
  sources = [];
  const random = seededRandom(7);
  for (let g = 0; g < 3; g++) {
    const source = path.join(dir, `gen${g}`);
    await mkdir(path.join(source, 'sub'), { recursive: true });
    for (let f = 0; f < 6; f++) {
      const bytes = Buffer.alloc(20_000 + Math.floor(random() * 20_000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      await writeFile(path.join(source, f % 2 ? 'sub' : '', `file-${g}-${f}`), bytes);
    }
    // Every generation also holds the first file of generation 0: its pack stays partly used.
    if (g > 0)
      await writeFile(path.join(source, 'shared'), await readFile(path.join(dir, 'gen0', 'file-0-0')));
    sources.push(source);
  }
});

afterAll(async () => {
  if (dir !== undefined) await removeTempDir(dir);
});

/** A fresh repository with one snapshot per source; the first is forgotten, so a prune has work to do. */
beforeEach(async () => {
  backend = new MemoryBackend();
  repository = await Repository.init(backend, 'pw', {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
    packTargetSize: 64 * 1024,
  });
  snapshots = [];
  for (const source of sources) {
    const opened = await Repository.open(backend, 'pw', { packTargetSize: 64 * 1024 });
    snapshots.push((await backup(opened, { paths: [source], workers: 0, hostname: 'h' })).snapshotId);
  }
  await backend.remove({ type: 'snapshot', name: snapshots[0] as Id });
});

async function listing(): Promise<Map<string, number>> {
  const files = new Map<string, number>();
  for (const type of ['data', 'index', 'snapshot', 'key', 'config'] as const) {
    for await (const file of backend.list(type)) files.set(`${type}/${file.name}`, file.size);
  }
  return files;
}

/** Runs prune, expecting a refusal with `code`; returns the error after checking that nothing changed. */
async function expectRefusal(code: string): Promise<EngineError> {
  const before = await listing();
  let caught: unknown;
  try {
    await prune(await Repository.open(backend, 'pw'), { onLockWarning: () => undefined });
  } catch (error) {
    caught = error;
  }
  expect(isEngineError(caught), String(caught)).toBe(true);
  const error = caught as EngineError;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/nothing was changed/);
  expect(await listing()).toEqual(before);
  for await (const lock of backend.list('lock')) throw new Error(`lock ${lock.name} left behind`);
  return error;
}

async function treePackOf(snapshot: Id): Promise<{ packId: Id; offset: number; tree: Id }> {
  const state = await loadRepositoryState(repository, undefined);
  const tree = (await repository.loadSnapshot(snapshot)).tree;
  const location = state.index.lookup('tree', tree)[0];
  if (location === undefined) throw new Error('tree not indexed');
  return { packId: location.packId, offset: location.offset, tree };
}

describe('prune refuses a damaged repository and changes nothing', () => {
  it('a snapshot whose tree is in no index (NOT_FOUND naming the tree and the snapshot)', async () => {
    const missing = 'ab'.repeat(32);
    const id = await repository.saveUnpacked(
      'snapshot',
      Buffer.from(
        JSON.stringify({ time: '2024-01-01T00:00:00Z', tree: missing, paths: ['/x'], hostname: 'h' }),
      ),
    );
    const error = await expectRefusal('NOT_FOUND');
    expect(error.message).toContain(missing);
    expect(error.message).toContain(id.slice(0, 8));
  });

  it('a tree whose pack is missing from data/', async () => {
    const { packId } = await treePackOf(snapshots[2] as Id);
    await backend.remove({ type: 'data', name: packId });
    const error = await expectRefusal('NOT_FOUND');
    expect(error.message).toContain(packId);
  });

  it('a tree whose stored bytes are damaged (CORRUPT)', async () => {
    const { packId, offset, tree } = await treePackOf(snapshots[1] as Id);
    const bytes = await backend.read({ type: 'data', name: packId });
    bytes[offset + 20] = (bytes[offset + 20] ?? 0) ^ 0xff;
    backend.replace({ type: 'data', name: packId }, bytes);
    const error = await expectRefusal('CORRUPT');
    expect(error.message).toContain(tree);
  });

  it('a snapshot file that cannot be read', async () => {
    const name = snapshots[1] as Id;
    const bytes = await backend.read({ type: 'snapshot', name });
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    backend.replace({ type: 'snapshot', name }, bytes);
    const error = await expectRefusal('CORRUPT');
    expect(error.message).toContain(name);
  });

  it('data blobs a snapshot uses that no index names: their pack is not deleted as unreferenced', async () => {
    // Rewrite the index without one data pack of a kept snapshot: that pack now looks unreferenced.
    const state = await loadRepositoryState(repository, undefined);
    // A small file is one blob whose ID is the hash of its content.
    const needed = idOf(await readFile(path.join(sources[2] as string, 'file-2-0')));
    const victim = [...state.index.packs()].find((pack) => pack.blobs.some((b) => b.id === needed));
    if (victim === undefined) throw new Error('the blob of file-2-0 is in no pack');
    const packs = [...state.index.packs()].filter((pack) => pack.id !== victim.id);
    await repository.saveUnpacked('index', encodeIndexFile({ supersedes: [], packs }));
    for (const id of state.indexFiles) await backend.remove({ type: 'index', name: id });
    const error = await expectRefusal('NOT_FOUND');
    expect(error.message).toMatch(/in no index/);
    expect((await listing()).has(`data/${victim.id}`)).toBe(true);
  });

  it('a used blob that does not verify while repacking stops the prune before anything is deleted', async () => {
    const state = await loadRepositoryState(repository, undefined);
    const shared = idOf(await readFile(path.join(sources[0] as string, 'file-0-0')));
    const location = state.index.lookup('data', shared)[0];
    if (location === undefined) throw new Error('the shared blob is in no pack');
    const bytes = await backend.read({ type: 'data', name: location.packId });
    bytes[location.offset + 40] = (bytes[location.offset + 40] ?? 0) ^ 0xff;
    backend.replace({ type: 'data', name: location.packId }, bytes);
    const before = await listing();
    let caught: unknown;
    try {
      await prune(await Repository.open(backend, 'pw'), { maxUnused: { kind: 'percent', percent: 0 } });
    } catch (error) {
      caught = error;
    }
    expect(isEngineError(caught, 'CORRUPT'), String(caught)).toBe(true);
    expect((caught as Error).message).toMatch(
      new RegExp(`stopped before deleting anything: data blob ${shared}`),
    );
    const after = await listing();
    for (const [file, size] of before) expect(after.get(file), file).toBe(size);
  });
});

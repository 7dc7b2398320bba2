/**
 * The checker against the real restic 0.14 on the same repositories: clean ones (written by restic, written by
 * us) and ones damaged in each way a repository gets damaged — a missing pack, a truncated pack, a flipped byte
 * inside a blob, a missing index file, a dangling reference. For each, our verdict (clean / errors) agrees with
 * `restic check` and with `restic check --read-data`, and our report names the pack, the blob, the snapshot and
 * the files affected — the files computed here from the trees and the index, independently of the checker.
 */
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../archiver/archiver';
import type { Backend, FileHandle, FileType } from '../backend/backend';
import { LocalBackend } from '../backend/local-backend';
import { parseChunkerPolynomial } from '../chunker/chunker-polynomial';
import { EngineError } from '../errors';
import type { Id } from '../ids';
import { decodeIndexFile, encodeIndexFile } from '../repository/index-file';
import { Repository } from '../repository/repository';
import { parseJson } from '../repository/unpacked-file';
import { makeTempDir, removeTempDir, resticOk, testPassword } from '../testing/restic-cli';
import type { CheckProgress, CheckResult } from './check-types';
import { checkRepository } from './checker';
import {
  buildResticFixture,
  copyRepository,
  filesUsing,
  flipByte,
  ourCheck,
  packFile,
  type ResticFixture,
  resticSaysClean,
  truncateFile,
} from './testing/check-fixture';

const engineWorker = path.resolve('out/main/engine-worker.js');
/** `restic check --read-data` retries a pack it cannot read for ~45 s before it reports it. */
const resticRetryTimeout = 150_000;
let work = '';
let fixture: ResticFixture;

beforeAll(async () => {
  work = await makeTempDir('check');
  fixture = await buildResticFixture(work);
  if (fixture.dataPacks.length < 3) throw new Error('the fixture needs several data packs');
}, 120_000);

afterAll(() => removeTempDir(work));

/** Both tools, structure only and with --read-data. */
async function verdicts(repo: string) {
  const ours = await ourCheck(repo);
  const oursRead = await ourCheck(repo, { readData: { kind: 'all' } });
  return {
    ours,
    oursRead,
    table: {
      restic: await resticSaysClean(repo),
      ours: ours.errors.length === 0,
      resticRead: await resticSaysClean(repo, ['--read-data']),
      oursRead: oursRead.errors.length === 0,
    },
  };
}

function affectedPaths(result: CheckResult): Record<Id, string[]> {
  return Object.fromEntries(result.affected.map((a) => [a.snapshot, [...a.paths].sort()]));
}

function kinds(result: CheckResult): string[] {
  return [...new Set(result.errors.map((e) => e.kind))].sort();
}

describe('check agrees with restic check', () => {
  it('a clean repository written by restic: both tools find nothing, with or without --read-data', async () => {
    const { ours, oursRead, table } = await verdicts(fixture.clean);
    expect(table).toEqual({ restic: true, ours: true, resticRead: true, oursRead: true });
    expect(ours.warnings).toEqual([]);
    expect(oursRead.affected).toEqual([]);
    const blobs = fixture.dataPacks.reduce((n, p) => n + p.blobs.length, 0);
    expect(oursRead.packsRead).toBe(ours.packsChecked);
    expect(oursRead.blobsChecked).toBeGreaterThan(blobs);
    expect(ours.snapshotsChecked).toBe(1);
    expect(ours.treesChecked).toBe(4); // root, data, nested, deeper
  });

  it('a clean repository written by us: both tools find nothing', async () => {
    const location = path.join(work, 'ours');
    const repository = await Repository.init(new LocalBackend(location), testPassword, {
      chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
      kdf: { N: 1024, r: 8, p: 1 },
      packTargetSize: 2 * 1024 * 1024,
    });
    await backup(repository, { paths: [path.join(work, 'src', 'data')], workers: 0 });
    await repository.backend.close();
    const { ours, oursRead, table } = await verdicts(location);
    expect(table).toEqual({ restic: true, ours: true, resticRead: true, oursRead: true });
    expect(ours.warnings).toEqual([]);
    expect(oursRead.packsRead).toBeGreaterThan(2);
  });

  it(
    'a missing pack: an error naming it, and the files whose data it held',
    async () => {
      const repo = await copyRepository(fixture, 'missing-pack');
      const lost = fixture.dataPacks[1] as (typeof fixture.dataPacks)[number];
      await rm(packFile(repo, lost.id), { force: true });
      const { ours, oursRead, table } = await verdicts(repo);
      expect(table).toEqual({ restic: false, ours: false, resticRead: false, oursRead: false });
      expect(ours.errors).toEqual([
        expect.objectContaining({ kind: 'pack-missing', code: 'NOT_FOUND', pack: lost.id }),
      ]);
      expect(ours.errors[0]?.message).toContain(lost.id);
      const expected = filesUsing(
        fixture,
        lost.blobs.map((b) => b.id),
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(affectedPaths(ours)).toEqual({ [fixture.snapshotId]: expected });
      expect(affectedPaths(oursRead)).toEqual({ [fixture.snapshotId]: expected });
    },
    resticRetryTimeout,
  );

  it(
    'a truncated pack: an error naming it; only the files whose blobs were cut off are affected',
    async () => {
      const repo = await copyRepository(fixture, 'truncated-pack');
      const cut = fixture.dataPacks[0] as (typeof fixture.dataPacks)[number];
      const sorted = [...cut.blobs].sort((a, b) => a.offset - b.offset);
      const second = sorted[1];
      if (second === undefined) throw new Error('the pack needs two blobs');
      const cutAt = second.offset + 100;
      await truncateFile(packFile(repo, cut.id), cutAt);
      const { ours, oursRead, table } = await verdicts(repo);
      expect(table).toEqual({ restic: false, ours: false, resticRead: false, oursRead: false });
      expect(ours.errors).toEqual([expect.objectContaining({ kind: 'pack-size', pack: cut.id })]);
      const lostBlobs = sorted.filter((b) => b.offset + b.length > cutAt).map((b) => b.id);
      const expected = filesUsing(fixture, lostBlobs);
      expect(expected.length).toBeGreaterThan(0);
      expect(affectedPaths(ours)).toEqual({ [fixture.snapshotId]: expected });
      // Reading finds the same: the blob before the cut decodes; the header is gone, the rest is beyond the end.
      expect(affectedPaths(oursRead)).toEqual({ [fixture.snapshotId]: expected });
      expect(kinds(oursRead)).toEqual(['blob-damaged', 'pack-hash', 'pack-header', 'pack-size']);
      const damaged = oursRead.errors.filter((e) => e.kind === 'blob-damaged').map((e) => e.blob?.id);
      expect(damaged.sort()).toEqual([...lostBlobs].sort());
    },
    resticRetryTimeout,
  );

  it('a flipped byte inside a blob: found only with --read-data, by both tools; names pack, blob and files', async () => {
    const repo = await copyRepository(fixture, 'flipped-byte');
    const pack = fixture.dataPacks[2] as (typeof fixture.dataPacks)[number];
    const victim = [...pack.blobs].sort((a, b) => a.offset - b.offset)[1];
    if (victim === undefined) throw new Error('the pack needs two blobs');
    await flipByte(packFile(repo, pack.id), victim.offset + Math.floor(victim.length / 2));
    const { ours, oursRead, table } = await verdicts(repo);
    expect(table).toEqual({ restic: true, ours: true, resticRead: false, oursRead: false });
    expect(ours.affected).toEqual([]);
    expect(kinds(oursRead)).toEqual(['blob-damaged', 'pack-hash']);
    const blobError = oursRead.errors.find((e) => e.kind === 'blob-damaged');
    expect(blobError).toMatchObject({
      code: 'CORRUPT',
      pack: pack.id,
      blob: { type: 'data', id: victim.id },
    });
    expect(blobError?.message).toContain(victim.id);
    expect(blobError?.message).toContain(pack.id);
    const expected = filesUsing(fixture, [victim.id]);
    expect(expected).toHaveLength(1);
    expect(affectedPaths(oursRead)).toEqual({ [fixture.snapshotId]: expected });
  });

  it('a missing index file: its packs are unreferenced (warnings), the snapshot that needs them fails', async () => {
    const repo = await copyRepository(fixture, 'missing-index');
    const before = new Set(await readdir(path.join(repo, 'index')));
    await writeFile(path.join(work, 'src', 'extra.bin'), Buffer.alloc(300_000, 7));
    await resticOk(['backup', 'extra.bin'], { repo, cwd: path.join(work, 'src') });
    const added = (await readdir(path.join(repo, 'index'))).filter((name) => !before.has(name));
    expect(added).toHaveLength(1);
    await rm(path.join(repo, 'index', added[0] as string), { force: true });
    const { ours, oursRead, table } = await verdicts(repo);
    expect(table).toEqual({ restic: false, ours: false, resticRead: false, oursRead: false });
    expect(ours.warnings.length).toBeGreaterThan(0);
    expect(ours.warnings.every((w) => w.kind === 'pack-unreferenced')).toBe(true);
    expect(ours.warnings[0]?.message).toMatch(/^pack [0-9a-f]{64}: not referenced in any index$/);
    expect(kinds(ours)).toEqual(['blob-missing']);
    const second = ours.errors[0]?.snapshot;
    expect(second).toBeDefined();
    expect(second).not.toBe(fixture.snapshotId);
    expect(ours.errors[0]?.message).toContain(`snapshot ${second}`);
    // The first snapshot is intact; all of the second is lost (its root tree was in the missing index).
    expect(affectedPaths(ours)).toEqual({ [second as string]: ['/'] });
    expect(affectedPaths(oursRead)).toEqual({ [second as string]: ['/'] });
  });

  it('a dangling reference (a pack and its index entries gone): names the tree, the node and the blob', async () => {
    const repo = await copyRepository(fixture, 'dangling');
    const lost = fixture.dataPacks[1] as (typeof fixture.dataPacks)[number];
    await removePackFromIndex(repo, lost.id);
    await rm(packFile(repo, lost.id), { force: true });
    const { ours, oursRead, table } = await verdicts(repo);
    expect(table).toEqual({ restic: false, ours: false, resticRead: false, oursRead: false });
    expect(ours.warnings).toEqual([]);
    expect(kinds(ours)).toEqual(['blob-missing']);
    const expected = filesUsing(
      fixture,
      lost.blobs.map((b) => b.id),
    );
    for (const error of ours.errors) {
      expect(error.code).toBe('NOT_FOUND');
      expect(error.tree).toMatch(/^[0-9a-f]{64}$/);
      expect(lost.blobs.map((b) => b.id)).toContain(error.blob?.id);
      expect(error.message).toContain(`tree ${error.tree}: file ${error.node} blob ${error.blob?.id}`);
      // The node is a name in its tree; the file may sit deeper than /data (nested/deeper/leaf.txt).
      expect(
        expected.some((file) => file.endsWith(`/${error.node}`)),
        String(error.node),
      ).toBe(true);
    }
    expect(affectedPaths(ours)).toEqual({ [fixture.snapshotId]: expected });
    expect(affectedPaths(oursRead)).toEqual({ [fixture.snapshotId]: expected });
  });

  it('--read-data-subset n/t reads the packs restic reads: the flipped byte is found in the same group', async () => {
    const repo = await copyRepository(fixture, 'subset');
    const pack = fixture.dataPacks[0] as (typeof fixture.dataPacks)[number];
    const victim = pack.blobs[0];
    if (victim === undefined) throw new Error('empty pack');
    await flipByte(packFile(repo, pack.id), victim.offset + Math.floor(victim.length / 2));
    const groups = 3;
    const found: boolean[] = [];
    for (let part = 1; part <= groups; part++) {
      const ours = await ourCheck(repo, { readData: { kind: 'bucket', part, total: groups } });
      const resticClean = await resticSaysClean(repo, [`--read-data-subset=${part}/${groups}`]);
      expect(ours.errors.length === 0, `group ${part}/${groups}`).toBe(resticClean);
      found.push(!resticClean);
    }
    expect(found.filter(Boolean)).toHaveLength(1);
    expect(found[Number.parseInt(pack.id.slice(0, 2), 16) % groups]).toBe(true);
  });

  it('reads in worker threads, and in windows, with the same result as inline', async () => {
    const repo = await copyRepository(fixture, 'threads');
    const pack = fixture.dataPacks[2] as (typeof fixture.dataPacks)[number];
    const victim = pack.blobs[0];
    if (victim === undefined) throw new Error('empty pack');
    await flipByte(packFile(repo, pack.id), victim.offset + Math.floor(victim.length / 2));
    const inline = await ourCheck(repo, { readData: { kind: 'all' } });
    const threaded = await ourCheck(repo, { readData: { kind: 'all' }, count: 2, script: engineWorker });
    expect(threaded.threaded).toBe(true);
    expect(inline.threaded).toBe(false);
    const summary = (r: CheckResult) => ({
      errors: r.errors.map((e) => `${e.kind} ${e.pack} ${e.blob?.id}`).sort(),
      affected: affectedPaths(r),
      blobsChecked: r.blobsChecked,
    });
    expect(summary(threaded)).toEqual(summary(inline));
    expect(summary(inline).errors).toHaveLength(2); // the blob, the pack's hash

    // Packs read in windows smaller than most blobs: each blob then has a window of its own.
    const windowed = await ourCheck(repo, {
      readData: { kind: 'all' },
      readWindowBytes: 300_000,
    });
    expect(summary(windowed)).toEqual(summary(inline));
    expect(windowed.packsRead).toBe(inline.packsRead);
    const clean = await ourCheck(fixture.clean, { readData: { kind: 'all' }, readWindowBytes: 1 });
    expect(clean.errors).toEqual([]);
  });
});

describe('check runs', () => {
  it('reports progress through its phases, packs done against the total', async () => {
    const seen: CheckProgress[] = [];
    const result = await ourCheck(fixture.clean, {
      readData: { kind: 'all' },
      onProgress: (p) => seen.push(p),
    });
    expect(seen.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1])).toEqual(['index', 'read-data']);
    const last = seen.at(-1);
    expect(last).toMatchObject({
      phase: 'read-data',
      packsDone: result.packsRead,
      packsTotal: result.packsRead,
    });
    expect(last?.bytesDone).toBe(last?.bytesTotal);
    expect(last?.treesChecked).toBe(result.treesChecked);
    const structure: CheckProgress[] = [];
    await ourCheck(fixture.clean, { onProgress: (p) => structure.push(p) });
    expect(structure.at(-1)).toMatchObject({ phase: 'structure', packsDone: result.packsChecked });
  });

  it('stops with CANCELLED through its AbortSignal, inline and in threads', async () => {
    for (const count of [0, 2]) {
      const controller = new AbortController();
      // Cancelled as the first pack is read: the check is then in the middle of everything.
      const backend = new Proxy(new LocalBackend(fixture.clean), {
        get(target, property) {
          if (property === 'read') {
            return (...args: Parameters<Backend['read']>) => {
              if (args[0].type === 'data' && (args[1]?.length ?? 0) > 100_000) controller.abort();
              return target.read(...args);
            };
          }
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const repository = await Repository.open(backend, testPassword);
      const run = checkRepository(repository, {
        readData: { kind: 'all' },
        signal: controller.signal,
        count,
        script: engineWorker,
      });
      await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(controller.signal.aborted).toBe(true);
      await repository.backend.close();
    }
    const aborted = AbortSignal.abort();
    await expect(ourCheck(fixture.clean, { signal: aborted })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('loads the index while the lock is taken, reads nothing else before, and reloads a changed index', async () => {
    const repo = await copyRepository(fixture, 'ready');
    const seen: string[] = [];
    const backend = new Proxy(new LocalBackend(repo), {
      get(target, property) {
        if (property === 'read' || property === 'list' || property === 'stat') {
          return (...args: [FileHandle | FileType, ...unknown[]]) => {
            const [first] = args;
            seen.push(typeof first === 'string' ? first : first.type);
            return (Reflect.get(target, property) as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const repository = await Repository.open(backend, testPassword);
    seen.length = 0;
    let release: (() => void) | undefined;
    const ready = new Promise<void>((resolve) => {
      release = resolve;
    });
    const run = checkRepository(repository, { ready, readData: { kind: 'all' }, count: 0 });
    for (let i = 0; i < 100 && !seen.includes('index'); i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((type) => type === 'index')).toBe(true);
    // Meanwhile another process rewrites the index (as a prune would) before our lock is held.
    const lost = fixture.dataPacks[1] as (typeof fixture.dataPacks)[number];
    await removePackFromIndex(repo, lost.id);
    await rm(packFile(repo, lost.id), { force: true });
    release?.();
    const result = await run;
    // Judged on the new index: dangling references, not a missing pack.
    expect(kinds(result)).toEqual(['blob-missing']);
    await repository.backend.close();

    const locked = new EngineError('REPO_LOCKED', 'locked by someone else');
    const refused = Promise.reject(locked);
    refused.catch(() => undefined); // rejected before the check starts to wait for it
    await expect(ourCheck(fixture.clean, { ready: refused, readData: { kind: 'all' } })).rejects.toBe(locked);
  });
});

/** Rewrites the index without one pack (as if it had never been written). */
async function removePackFromIndex(repo: string, packId: Id): Promise<void> {
  const repository = await Repository.open(new LocalBackend(repo), testPassword);
  try {
    for await (const file of repository.backend.list('index')) {
      const what = `index file ${file.name}`;
      const index = decodeIndexFile(parseJson(await repository.loadUnpacked('index', file.name), what), what);
      if (!index.packs.some((p) => p.id === packId)) continue;
      await repository.saveUnpacked(
        'index',
        encodeIndexFile({ supersedes: [], packs: index.packs.filter((p) => p.id !== packId) }),
      );
      await repository.backend.remove({ type: 'index', name: file.name });
    }
  } finally {
    await repository.backend.close();
  }
}

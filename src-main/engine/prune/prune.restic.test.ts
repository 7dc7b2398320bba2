/**
 * Prune against the real restic 0.14, on repositories written by restic and by our archiver: four snapshots
 * sharing data, two of them forgotten. On identical copies restic's prune and ours must take the same decisions
 * (the same number of blobs pruned, as restic prints it) and free the same space within a small tolerance; ours
 * must leave a repository `restic check --read-data` accepts, in which every remaining snapshot restores byte for
 * byte. A dry run must change nothing; with --max-unused 0% the repack must copy exactly the used blobs of the
 * partly used packs.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backend/local-backend';
import type { Id } from '../ids';
import { BlobSaver } from '../repository/blob-saver';
import { MasterIndex } from '../repository/master-index';
import { readPackHeader } from '../repository/pack-reader';
import { Repository } from '../repository/repository';
import { makeTempDir, removeTempDir, resticOk, testPassword } from '../testing/restic-cli';
import { decodeTree } from '../tree/tree-codec';
import { type MaxUnusedLimit, parseMaxUnused } from './max-unused';
import { type PruneResult, prune } from './prune';
import { writeGenerations } from './testing/generations';
import {
  backupWithEngine,
  backupWithRestic,
  copyFixture,
  type PruneFixture,
  repositoryListing,
  repositorySize,
} from './testing/prune-fixture';
import { resticCheck, restoreAllDifferences } from './testing/restic-verify';
import { blobKey } from './used-blobs';

let dir: string;
const bases: Record<'restic' | 'engine', PruneFixture> = {} as Record<'restic' | 'engine', PruneFixture>;
/** Generations 2 and 4 stay; 1 and 3 are forgotten. */
const keptGenerations = [1, 3];

beforeAll(async () => {
  dir = await makeTempDir('prune-restic');
  const sources = await writeGenerations(path.join(dir, 'src'));
  bases.restic = await backupWithRestic(path.join(dir, 'base-restic'), sources);
  bases.engine = await backupWithEngine(path.join(dir, 'base-engine'), sources);
  for (const base of Object.values(bases)) {
    await resticOk(['forget', base.snapshots[0] as Id, base.snapshots[2] as Id], { repo: base.repo });
  }
}, 180_000);

afterAll(async () => {
  if (dir !== undefined) await removeTempDir(dir);
});

function kept(fixture: PruneFixture): { snapshot: Id; source: string }[] {
  return keptGenerations.map((g) => ({
    snapshot: fixture.snapshots[g] as Id,
    source: fixture.sources[g] as string,
  }));
}

async function ourPrune(repo: string, options: { maxUnused?: MaxUnusedLimit; dryRun?: boolean } = {}) {
  const backend = new LocalBackend(repo);
  try {
    return await prune(await Repository.open(backend, testPassword), options);
  } finally {
    await backend.close();
  }
}

/** restic prune's "total prune: N blobs / …" count. */
async function resticPrune(repo: string, args: string[] = []): Promise<number> {
  const { stdout } = await resticOk(['prune', ...args], { repo });
  const match = /total prune:\s+(\d+) blobs/.exec(stdout);
  if (match === null) throw new Error(`no "total prune" line in restic's output:\n${stdout}`);
  return Number(match[1]);
}

/**
 * Tolerance for comparing what restic's prune and ours free. The plans are equal (asserted on the blob counts),
 * so the same blobs are dropped; what may differ is how the copied blobs are stored — restic decompresses and
 * compresses them again (its zstd against ours for our archiver's blobs, and it compresses the blobs we stored
 * raw), and in our archiver's repositories restic also repacks tree packs holding an uncompressed tiny tree —
 * plus the lengths of the new index files and pack headers. All of that is a small share of the bytes repacked.
 */
function tolerance(result: PruneResult): number {
  return 0.005 * result.stats.bytes.repack + 8 * 1024;
}

describe.each(['restic', 'engine'] as const)('prune of a repository written by %s', (writer) => {
  it('decides as restic prune, frees as much, and leaves a repository restic checks and restores', async () => {
    const base = bases[writer];
    const sizeBefore = await repositorySize(base.repo);
    const theirs = await copyFixture(base, path.join(dir, `${writer}-by-restic`));
    const ours = await copyFixture(base, path.join(dir, `${writer}-by-us`));

    const resticPruned = await resticPrune(theirs.repo);
    const result = await ourPrune(ours.repo);
    expect(result.blobsRemoved).toBe(resticPruned);
    expect(result.blobsRemoved).toBeGreaterThan(10);

    const freedByRestic = sizeBefore - (await repositorySize(theirs.repo));
    const freedByUs = sizeBefore - (await repositorySize(ours.repo));
    console.log(
      `${writer}: restic freed ${freedByRestic} B, we freed ${freedByUs} B (of ${sizeBefore} B); ` +
        `repacked ${result.packsRepacked} packs (${result.stats.bytes.repack} B), tolerance ${tolerance(result)} B`,
    );
    expect(freedByUs).toBeGreaterThan(2_000_000);
    expect(Math.abs(freedByUs - freedByRestic)).toBeLessThanOrEqual(tolerance(result));

    await resticCheck(ours.repo, { readData: true });
    expect(await restoreAllDifferences(ours.repo, kept(ours), dir)).toEqual([]);
  }, 180_000);
});

describe.each(['unlimited', '40%', '2M', '0'])('--max-unused %s', (limit) => {
  it('decides as restic prune does with the same limit', async () => {
    const base = bases.restic;
    const sizeBefore = await repositorySize(base.repo);
    const theirs = await copyFixture(base, path.join(dir, `limit-${limit}-by-restic`));
    const ours = await copyFixture(base, path.join(dir, `limit-${limit}-by-us`));
    const resticPruned = await resticPrune(theirs.repo, ['--max-unused', limit]);
    const result = await ourPrune(ours.repo, { maxUnused: parseMaxUnused(limit) });
    expect(result.blobsRemoved).toBe(resticPruned);
    const freedByRestic = sizeBefore - (await repositorySize(theirs.repo));
    const freedByUs = sizeBefore - (await repositorySize(ours.repo));
    expect(Math.abs(freedByUs - freedByRestic)).toBeLessThanOrEqual(tolerance(result));
    await resticCheck(ours.repo);
  }, 120_000);
});

/** Copies every blob of the repository's biggest data pack into a new pack (and index file): all duplicates. */
async function duplicateBiggestPack(repo: string): Promise<void> {
  const backend = new LocalBackend(repo);
  const repository = await Repository.open(backend, testPassword);
  const packs = [...(await repository.loadIndex()).packs()].filter((pack) => pack.blobs[0]?.type === 'data');
  const size = (blobs: readonly { length: number }[]) => blobs.reduce((sum, b) => sum + b.length, 0);
  const biggest = packs.sort((a, b) => size(b.blobs) - size(a.blobs))[0];
  if (biggest === undefined) throw new Error('no data pack');
  const saver = new BlobSaver(backend, repository.key, new MasterIndex(), { version: 2 });
  for (const blob of biggest.blobs) {
    const data = await backend.read(
      { type: 'data', name: biggest.id },
      { offset: blob.offset, length: blob.length },
    );
    await saver.saveEncoded({
      type: blob.type,
      id: blob.id,
      data,
      uncompressedLength: blob.uncompressedLength,
    });
  }
  await saver.flush();
  await backend.close();
}

describe('duplicates', () => {
  it('a blob stored twice keeps one copy; restic decides the same', async () => {
    const base = await copyFixture(bases.restic, path.join(dir, 'duplicates'));
    await duplicateBiggestPack(base.repo);
    const theirs = await copyFixture(base, path.join(dir, 'duplicates-by-restic'));
    const result = await ourPrune(base.repo);
    expect(result.stats.blobs.duplicate).toBeGreaterThan(3);
    expect(result.blobsRemoved).toBe(await resticPrune(theirs.repo));
    await resticCheck(base.repo, { readData: true });
    expect(await restoreAllDifferences(base.repo, kept(base), dir)).toEqual([]);
    const again = await ourPrune(base.repo, { dryRun: true });
    expect(again.stats.blobs.duplicate).toBe(0);
  }, 120_000);
});

describe('dry run', () => {
  it('changes no file, and plans exactly what the real prune then does', async () => {
    const copy = await copyFixture(bases.restic, path.join(dir, 'dry-run'));
    const before = await repositoryListing(copy.repo);
    const planned = await ourPrune(copy.repo, { dryRun: true });
    expect(planned.dryRun).toBe(true);
    expect(await repositoryListing(copy.repo)).toEqual(before);

    const done = await ourPrune(copy.repo);
    expect(done.stats).toEqual(planned.stats);
    expect(done.packsRemoved).toBe(planned.packsRemoved);
    expect(await repositoryListing(copy.repo)).not.toEqual(before);
  }, 120_000);
});

/** Every used blob of the snapshots, found with the ordinary reader (not prune's own walk). */
async function usedBlobsOf(repository: Repository): Promise<Set<string>> {
  const used = new Set<string>();
  const visit = async (tree: Id): Promise<void> => {
    if (used.has(blobKey('tree', tree))) return;
    used.add(blobKey('tree', tree));
    for (const node of decodeTree(await repository.readBlob('tree', tree), tree)) {
      for (const id of node.content ?? []) used.add(blobKey('data', id));
      if (node.subtree) await visit(node.subtree);
    }
  };
  for (const { snapshot } of await repository.listSnapshots()) await visit(snapshot.tree);
  return used;
}

describe('repack with --max-unused 0%', () => {
  it('copies exactly the used blobs of the partly used packs, and restic agrees on the plan', async () => {
    const copy = await copyFixture(bases.restic, path.join(dir, 'repack'));
    const theirs = await copyFixture(bases.restic, path.join(dir, 'repack-by-restic'));
    const backend = new LocalBackend(copy.repo);
    const repository = await Repository.open(backend, testPassword);
    const index = await repository.loadIndex();
    const used = await usedBlobsOf(repository);
    const packsBefore = new Map([...index.packs()].map((pack) => [pack.id, pack.blobs]));
    const partlyUsed = [...packsBefore].filter(
      ([, blobs]) =>
        blobs.some((b) => used.has(blobKey(b.type, b.id))) &&
        blobs.some((b) => !used.has(blobKey(b.type, b.id))),
    );
    expect(partlyUsed.length).toBeGreaterThanOrEqual(2);
    const expected = new Set(
      partlyUsed.flatMap(([, blobs]) =>
        blobs.filter((b) => used.has(blobKey(b.type, b.id))).map((b) => blobKey(b.type, b.id)),
      ),
    );
    await backend.close();

    const result = await ourPrune(copy.repo, { maxUnused: { kind: 'percent', percent: 0 } });
    expect(result.packsRepacked).toBe(partlyUsed.length);
    expect(result.unusedBytesLeft).toBe(0);
    expect(result.blobsRemoved).toBe(await resticPrune(theirs.repo, ['--max-unused', '0%']));

    // The new packs, read from their headers: the expected blobs, each once, nothing else.
    const after = await repositoryListing(copy.repo);
    const newPacks = [...after.keys()]
      .filter((file) => file.startsWith('data/'))
      .map((file) => path.basename(file))
      .filter((id) => !packsBefore.has(id));
    const reopened = await Repository.open(new LocalBackend(copy.repo), testPassword);
    const copied: string[] = [];
    for (const id of newPacks) {
      for (const blob of await readPackHeader(reopened.backend, reopened.key, id))
        copied.push(blobKey(blob.type, blob.id));
    }
    await reopened.backend.close();
    expect(copied.length).toBe(new Set(copied).size);
    expect(new Set(copied)).toEqual(expected);
    for (const [id] of partlyUsed) expect(after.has(`data/${id.slice(0, 2)}/${id}`)).toBe(false);

    await resticCheck(copy.repo, { readData: true });
    expect(await restoreAllDifferences(copy.repo, kept(copy), dir)).toEqual([]);
    // Nothing is left to prune.
    const again = await ourPrune(copy.repo, { dryRun: true, maxUnused: { kind: 'percent', percent: 0 } });
    expect(again.stats.blobs.unused + again.stats.blobs.duplicate).toBe(0);
    expect(again.packsRemoved).toBe(0);
  }, 180_000);
});

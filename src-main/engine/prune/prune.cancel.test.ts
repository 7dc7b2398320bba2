/**
 * Cancellation and progress. A prune cancelled before its first deletion leaves every file it found (at most new
 * packs and index files were added); one cancelled after the new index was written stops between deletions,
 * leaves a repository restic accepts and restores from, and the next prune finishes the job. Progress arrives at
 * most 10 times a second, phase after phase, ending with the final state.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend';
import { LocalBackend } from '../backend/local-backend';
import { type EngineError, isEngineError } from '../errors';
import type { Id } from '../ids';
import { Repository } from '../repository/repository';
import { makeTempDir, removeTempDir, testPassword } from '../testing/restic-cli';
import { type PruneOptions, type PruneProgress, type PruneResult, prune } from './prune';
import { CrashingBackend, type RepositoryChange } from './testing/crashing-backend';
import { writeGenerations } from './testing/generations';
import { backupWithEngine, copyFixture, type PruneFixture, repositoryListing } from './testing/prune-fixture';
import { resticCheck, restoreAllDifferences } from './testing/restic-verify';

let dir: string;
let base: PruneFixture;
let copies = 0;

beforeAll(async () => {
  dir = await makeTempDir('prune-cancel');
  base = await backupWithEngine(path.join(dir, 'base'), await writeGenerations(path.join(dir, 'src')));
  const backend = new LocalBackend(base.repo);
  for (const g of [0, 2]) await backend.remove({ type: 'snapshot', name: base.snapshots[g] as Id });
  await backend.close();
}, 120_000);

afterAll(async () => {
  if (dir !== undefined) await removeTempDir(dir);
});

const keptSnapshots = () =>
  [1, 3].map((g) => ({ snapshot: base.snapshots[g] as Id, source: base.sources[g] as string }));

async function freshCopy(): Promise<string> {
  return (await copyFixture(base, path.join(dir, `copy-${++copies}`))).repo;
}

async function pruneWith(
  repo: string,
  wrap: (backend: Backend) => Backend,
  options: PruneOptions = {},
): Promise<PruneResult | EngineError> {
  const local = new LocalBackend(repo);
  try {
    const repository = await Repository.open(wrap(local), testPassword);
    return await prune(repository, options);
  } catch (error) {
    if (isEngineError(error)) return error;
    throw error;
  } finally {
    await local.close();
  }
}

/** Cancels when the n-th change of the given kind is about to happen. */
function cancelAt(controller: AbortController, op: RepositoryChange['op'], type: RepositoryChange['type']) {
  return (backend: Backend) =>
    new CrashingBackend(backend, Number.POSITIVE_INFINITY, (change) => {
      if (change.op === op && change.type === type) controller.abort();
    });
}

function expectCancelled(outcome: PruneResult | EngineError): EngineError {
  expect(isEngineError(outcome, 'CANCELLED'), String(outcome)).toBe(true);
  return outcome as EngineError;
}

describe('cancelling a prune', () => {
  it('before it starts: nothing changes', async () => {
    const repo = await freshCopy();
    const before = await repositoryListing(repo);
    const controller = new AbortController();
    controller.abort();
    expectCancelled(await pruneWith(repo, (b) => b, { signal: controller.signal }));
    expect(await repositoryListing(repo)).toEqual(before);
  });

  it('during the repack: every file is still there (new packs only add copies), nothing was deleted', async () => {
    const repo = await freshCopy();
    const before = await repositoryListing(repo);
    const controller = new AbortController();
    const error = expectCancelled(
      await pruneWith(repo, cancelAt(controller, 'write', 'data'), { signal: controller.signal }),
    );
    expect(error.message).toMatch(/nothing was deleted/);
    const after = await repositoryListing(repo);
    for (const [file, size] of before) expect(after.get(file), file).toBe(size);
    expect(after.size).toBeGreaterThan(before.size);
    await resticCheck(repo);
  });

  it('after the new index is written: stops between deletions, consistent; the next prune finishes', async () => {
    const repo = await freshCopy();
    const controller = new AbortController();
    const error = expectCancelled(
      await pruneWith(repo, cancelAt(controller, 'remove', 'index'), { signal: controller.signal }),
    );
    expect(error.message).toMatch(/consistent/);
    await resticCheck(repo);
    expect(await restoreAllDifferences(repo, keptSnapshots(), dir)).toEqual([]);

    const second = await pruneWith(repo, (b) => b);
    if (isEngineError(second)) throw second;
    expect(second.packsRemoved).toBeGreaterThan(0);
    const output = await resticCheck(repo, { readData: true });
    expect(output).not.toMatch(/not referenced in any index|contained in several indexes/);
    expect(await restoreAllDifferences(repo, keptSnapshots(), dir)).toEqual([]);
  }, 60_000);
});

/** Every read, write and delete of packs and index files takes a few milliseconds, so a prune takes a while. */
class SlowBackend extends CrashingBackend {
  constructor(inner: Backend) {
    super(inner, Number.POSITIVE_INFINITY);
  }

  override async read(...args: Parameters<Backend['read']>): Promise<Buffer> {
    await new Promise((resolve) => setTimeout(resolve, 8));
    return super.read(...args);
  }

  override async write(...args: Parameters<Backend['write']>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 40));
    return super.write(...args);
  }

  override async remove(...args: Parameters<Backend['remove']>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 40));
    return super.remove(...args);
  }
}

describe('progress', () => {
  it('at most 10 updates a second, phases in order, ending with the final state', async () => {
    const repo = await freshCopy();
    const updates: { at: number; progress: PruneProgress }[] = [];
    const started = performance.now();
    const result = await pruneWith(repo, (b) => new SlowBackend(b), {
      onProgress: (progress) => updates.push({ at: performance.now(), progress }),
      treeLoadConcurrency: 1,
    });
    if (isEngineError(result)) throw result;
    const seconds = (performance.now() - started) / 1000;
    expect(updates.length).toBeGreaterThanOrEqual(5);
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 1);
    for (let i = 1; i < updates.length; i++) {
      expect((updates[i]?.at ?? 0) - (updates[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(95);
    }
    const order = ['index', 'snapshots', 'repack', 'index-write', 'delete'];
    const phases = updates.map((u) => order.indexOf(u.progress.phase));
    expect(phases).toEqual([...phases].sort((a, b) => a - b));
    expect(new Set(phases).size).toBeGreaterThanOrEqual(3);
    const last = updates.at(-1)?.progress;
    expect(last?.phase).toBe('delete');
    expect(last?.done).toBe(last?.total);
    expect(last?.done).toBe(result.packsRemoved + result.indexFilesRemoved);
  }, 60_000);
});

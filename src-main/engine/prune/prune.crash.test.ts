/**
 * Crash safety, change by change: a prune is stopped dead at every single change it makes to packs and index
 * files (the change itself and everything after it never happen, as when the process is killed just before it).
 * After every stop, the real restic must accept the repository and restore each remaining snapshot byte for
 * byte; a second prune must then complete, leaving a repository restic finds nothing to mention about.
 *
 * This is the exhaustive, in-process variant; prune.sigkill.test.ts kills the real CLI process.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backend/local-backend';
import type { Id } from '../ids';
import { Repository } from '../repository/repository';
import { makeTempDir, removeTempDir, testPassword } from '../testing/restic-cli';
import { type PruneOptions, type PruneResult, prune } from './prune';
import { CrashingBackend, type RepositoryChange, SimulatedCrash } from './testing/crashing-backend';
import { writeGenerations } from './testing/generations';
import { backupWithEngine, copyFixture, type PruneFixture } from './testing/prune-fixture';
import { resticCheck, restoreAllDifferences } from './testing/restic-verify';

let dir: string;
let base: PruneFixture;

/** Prunes `repo`, dying at change `crashAt` (Infinity: never); returns the changes made. */
async function pruneUntil(
  repo: string,
  crashAt: number,
  options: PruneOptions,
): Promise<{ changes: RepositoryChange[]; result?: PruneResult }> {
  const local = new LocalBackend(repo);
  const backend = new CrashingBackend(local, crashAt);
  try {
    const result = await prune(await Repository.open(backend, testPassword), options);
    return { changes: backend.changes, result };
  } catch (error) {
    if (!(error instanceof SimulatedCrash)) throw error;
    return { changes: backend.changes };
  } finally {
    await local.close();
  }
}

beforeAll(async () => {
  dir = await makeTempDir('prune-crash');
  base = await backupWithEngine(path.join(dir, 'base'), await writeGenerations(path.join(dir, 'src'), 3));
  const backend = new LocalBackend(base.repo);
  for (const g of [0, 2]) await backend.remove({ type: 'snapshot', name: base.snapshots[g] as Id });
  await backend.close();
}, 120_000);

afterAll(async () => {
  if (dir !== undefined) await removeTempDir(dir);
});

const scenarios: { name: string; options: PruneOptions }[] = [
  { name: 'default options', options: {} },
  // Several new packs and several new index files: more intermediate states.
  {
    name: '1 MiB packs, 40 blobs per index file',
    options: { packTargetSize: 1024 * 1024, maxBlobsPerIndexFile: 40 },
  },
];

describe.each(scenarios)('a prune stopped dead at any change ($name)', ({ name, options }) => {
  it('leaves a repository restic checks and restores from, and a second prune completes', async () => {
    const calibration = await copyFixture(base, path.join(dir, `calibration-${name}`));
    const { changes } = await pruneUntil(calibration.repo, Number.POSITIVE_INFINITY, options);
    const kinds = changes.map((c) => `${c.op} ${c.type}`);
    console.log(`an uninterrupted prune makes ${changes.length} changes: ${kinds.join(', ')}`);
    // Every step of the order is there: new packs, their index, the new index, old index files, old packs.
    expect(kinds).toContain('write data');
    expect(kinds.filter((k) => k === 'write index').length).toBeGreaterThanOrEqual(2);
    expect(kinds).toContain('remove index');
    expect(kinds).toContain('remove data');
    expect(kinds.lastIndexOf('write index')).toBeLessThan(kinds.indexOf('remove index'));
    expect(kinds.lastIndexOf('remove index')).toBeLessThan(kinds.indexOf('remove data'));

    const kept = [1, 3].map((g) => ({
      snapshot: base.snapshots[g] as Id,
      source: base.sources[g] as string,
    }));
    const failures: string[] = [];
    for (let crashAt = 1; crashAt <= changes.length; crashAt++) {
      const repo = (await copyFixture(base, path.join(dir, `crash-${name}-${crashAt}`))).repo;
      const stopped = await pruneUntil(repo, crashAt, options);
      expect(stopped.result, `prune stopped at change ${crashAt} completed`).toBeUndefined();
      // The same steps as the uninterrupted run up to here (new files' names differ: fresh nonces).
      expect(stopped.changes.map((c) => `${c.op} ${c.type}`)).toEqual(kinds.slice(0, crashAt - 1));
      const where = `stopped before change ${crashAt} (${kinds[crashAt - 1]})`;
      try {
        await resticCheck(repo);
        failures.push(...(await restoreAllDifferences(repo, kept, dir)).map((d) => `${where}: ${d}`));
        const second = await pruneUntil(repo, Number.POSITIVE_INFINITY, options);
        expect(second.result).toBeDefined();
        const output = await resticCheck(repo, { readData: true });
        if (/not referenced in any index|contained in several indexes/.test(output)) {
          failures.push(`${where}: after the second prune restic still mentions:\n${output}`);
        }
      } catch (error) {
        failures.push(`${where}: ${(error as Error).message}`);
      }
      await removeTempDir(repo);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});

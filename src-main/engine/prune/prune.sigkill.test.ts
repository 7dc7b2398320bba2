/**
 * Crash safety, proven by SIGKILL: the built CLI (`backup-manager prune`) prunes a restic-written repository and
 * is killed at seeded points — a few during start-up and planning (by time), the rest right after the n-th change
 * to packs and index files, n seeded over all the changes a calibration run makes. After every kill: `restic
 * unlock` removes the dead process's lock (as a user would), restic must accept the repository, every remaining
 * snapshot must restore byte for byte, and a second prune must complete and leave nothing for restic to mention.
 * One repository copy per kill point, so a failure names one replayable point (seed, index).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Id } from '../ids';
import { type CliBuild, copyCliBuild } from '../testing/private-cli-build';
import { makeTempDir, removeTempDir, resticOk } from '../testing/restic-cli';
import { type PruneRun, runCliPrune } from './testing/cli-prune-process';
import { seededRandom, writeGenerations } from './testing/generations';
import { backupWithRestic, copyFixture, type PruneFixture } from './testing/prune-fixture';
import { resticCheck, restoreAllDifferences } from './testing/restic-verify';

const seed = Number(process.env.PRUNE_KILL_SEED ?? 20_240_501);
const killPoints = 10;
const timedKills = 2;
const requiredKills = 8;

let dir: string;
let cli: CliBuild;
let base: PruneFixture;
let calibration: { changes: number; ms: number };

beforeAll(async () => {
  dir = await makeTempDir('prune-sigkill');
  cli = await copyCliBuild(path.join(dir, 'cli'));
  base = await backupWithRestic(path.join(dir, 'base'), await writeGenerations(path.join(dir, 'src'), 5));
  await resticOk(['forget', base.snapshots[0] as Id, base.snapshots[2] as Id], { repo: base.repo });
  const copy = await copyFixture(base, path.join(dir, 'calibration'));
  const started = performance.now();
  const run = await runCliPrune({ cli, repo: copy.repo });
  expect(run.code, run.stderr).toBe(0);
  calibration = { changes: run.changes, ms: performance.now() - started };
}, 180_000);

afterAll(async () => {
  if (dir !== undefined) await removeTempDir(dir);
});

describe('SIGKILL during a prune', () => {
  it(`at ${killPoints} seeded points leaves a sound repository; a second prune completes`, async () => {
    console.log(
      `calibration: ${calibration.changes} changes in ${Math.round(calibration.ms)} ms; seed ${seed}`,
    );
    expect(calibration.changes).toBeGreaterThanOrEqual(8);
    const random = seededRandom(seed);
    const kept = [1, 3].map((g) => ({
      snapshot: base.snapshots[g] as Id,
      source: base.sources[g] as string,
    }));
    const failures: string[] = [];
    let landed = 0;
    for (let point = 0; point < killPoints; point++) {
      const byTime = point < timedKills;
      const killAfterChanges = byTime ? 0 : 1 + Math.floor(random() * calibration.changes);
      const killAfterMs = byTime ? 50 + Math.floor(random() * calibration.ms * 0.5) : undefined;
      const where = byTime
        ? `point ${point} (after ${killAfterMs} ms)`
        : `point ${point} (after change ${killAfterChanges})`;
      const repo = (await copyFixture(base, path.join(dir, `kill-${point}`))).repo;
      const run: PruneRun = await runCliPrune({ cli, repo, killAfterChanges, killAfterMs });
      if (run.outcome !== 'killed') {
        expect(run.code, `${where}: ${run.stderr}`).toBe(0);
        console.log(`${where}: the prune finished before the kill`);
        continue;
      }
      landed++;
      try {
        await resticOk(['unlock'], { repo });
        await resticCheck(repo);
        failures.push(...(await restoreAllDifferences(repo, kept, dir)).map((d) => `${where}: ${d}`));
        const second = await runCliPrune({ cli, repo });
        if (second.code !== 0) failures.push(`${where}: the second prune failed: ${second.stderr}`);
        const output = await resticCheck(repo, { readData: true });
        if (/not referenced in any index|contained in several indexes/.test(output)) {
          failures.push(`${where}: after the second prune restic still mentions:\n${output}`);
        }
        failures.push(...(await restoreAllDifferences(repo, kept, dir)).map((d) => `${where}, 2nd: ${d}`));
      } catch (error) {
        failures.push(`${where}: ${(error as Error).message}`);
      }
      console.log(`${where}: killed after ${run.changes} changes seen`);
      await removeTempDir(repo);
    }
    expect(failures).toEqual([]);
    expect(landed).toBeGreaterThanOrEqual(requiredKills);
  }, 600_000);
});

/**
 * What resuming after a crash costs: a backup SIGKILLed after it uploaded 50–80 % of the data, then run again,
 * compared byte for byte with a clean backup of the same data into a repository that chunks alike.
 *
 * The bound asserted: the resumed run writes at most what the killed run had not uploaded (the clean run's bytes
 * minus the complete packs the kill left) plus 16 KiB. What may legitimately differ is bookkeeping: one more
 * index file (the adopted packs' — its JSON wrapper, zstd frame and 32 bytes of IV and MAC), packs cut at other
 * places (36 bytes of header framing each), a snapshot time with other digits: tens of bytes in practice. 16 KiB
 * is far below the 16 MiB of a pack, so uploading any adopted pack again fails the test; blob by blob the data
 * bytes are checked exactly (bytes_added equals the clean run's minus the adopted packs' data blobs).
 */
import { cp } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliBuild, copyCliBuild } from '../testing/private-cli-build';
import { makeTempDir, removeTempDir, restic, resticOk } from '../testing/restic-cli';
import { type CliBackupRun, runCliBackup, startCliBackup } from './testing/cli-backup-process';
import {
  type CleanBackup,
  cleanBackup,
  createCrashTestSource,
  formatMiB,
  freshRepository,
  password,
  repositoryPath,
} from './testing/crash-test-setup';
import { killWhenPacksReach } from './testing/kill-on-repository-file';
import { censusPacks } from './testing/pack-census';
import { bytesWrittenBetween, inventoryRepository, totalSize } from './testing/repository-files';
import { seededRandom } from './testing/seeded-source-tree';
import { sourceSubtreeId } from './testing/snapshot-comparison';

const seed = process.env.CRASH_TEST_SEED ?? 'resume-after-kill-1';
const marginBytes = 16 * 1024;

let dir: string;
let cli: CliBuild;
let source: string;
let clean: CleanBackup;

beforeAll(async () => {
  dir = await makeTempDir('resume');
  cli = await copyCliBuild(`${dir}/cli`);
  source = `${dir}/source`;
  await createCrashTestSource(source, seed);
  clean = await cleanBackup(cli, repositoryPath(dir, 'clean'), source);
}, 120_000);

afterAll(async () => {
  if (dir !== undefined) await removeTempDir(dir);
});

/** After the last run: restic removes the dead processes' locks and then finds nothing at all to mention. */
async function expectFullyClean(repo: string): Promise<void> {
  await resticOk(['unlock'], { repo });
  const check = await restic(['check', '--read-data'], { repo });
  expect(check.code, check.stderr + check.stdout).toBe(0);
  expect(check.stdout).toContain('no errors were found');
  expect(check.stdout).not.toMatch(/not referenced in any index|contained in several indexes/);
}

describe('resuming a backup after SIGKILL', () => {
  it('writes only what was not uploaded before the kill, plus at most 16 KiB', async () => {
    const repo = repositoryPath(dir, 'resumed');
    await freshRepository(repo);
    const target = 0.5 + 0.1 * seededRandom(`${seed}:target`)();
    const killed = await killWhenPacksReach(
      () => startCliBackup({ cli, repo, source, password }),
      repo,
      target * clean.bytesWritten,
    );
    expect(killed.outcome).toBe('killed');
    const afterKill = await inventoryRepository(repo);
    const uploaded = totalSize(afterKill.packs);
    const census = await censusPacks(repo, password);
    // The kill landed where the measurement means something: 50–90 % uploaded (packs come in ~20 % steps here).
    expect(uploaded / clean.bytesWritten).toBeGreaterThanOrEqual(0.5);
    expect(uploaded / clean.bytesWritten).toBeLessThan(0.9);
    expect(census.unindexed.length).toBe(afterKill.packs.size); // nothing indexed them: adoption must

    // restic 0.14 resuming a copy of the same repository, for comparison: it does not adopt unindexed packs.
    const resticCopy = repositoryPath(dir, 'restic-resumed');
    await cp(repo, resticCopy, { recursive: true });

    const resumed = await runCliBackup({ cli, repo, source, password });
    expect(resumed.exitCode, resumed.errors.join('\n')).toBe(0);
    const written = bytesWrittenBetween(afterKill, await inventoryRepository(repo));
    const notUploaded = clean.bytesWritten - uploaded;
    expect(resumed.summary?.bytes_added).toBe(clean.bytesAdded - census.dataBlobBytes);
    expect(written).toBeLessThanOrEqual(notUploaded + marginBytes);
    expect(await sourceSubtreeId(repo, password, resumed.summary?.snapshot_id ?? '', source)).toBe(
      clean.subtree,
    );
    await expectFullyClean(repo);

    const before = await inventoryRepository(resticCopy);
    await resticOk(['backup', '--quiet', source], { repo: resticCopy });
    const resticWritten = bytesWrittenBetween(before, await inventoryRepository(resticCopy));
    console.log(
      `resume: clean backup wrote ${formatMiB(clean.bytesWritten)} in ${Math.round(clean.durationMs)} ms; ` +
        `killed at ${((100 * uploaded) / clean.bytesWritten).toFixed(0)} % uploaded (${formatMiB(uploaded)} in ` +
        `${afterKill.packs.size} packs, ${formatMiB(totalSize(afterKill.tempFiles))} in temp files left behind); ` +
        `resumed backup wrote ${formatMiB(written)} in ${Math.round(resumed.durationMs)} ms ` +
        `(not uploaded before the kill: ${formatMiB(notUploaded)}, so ${written - notUploaded} bytes over it; ` +
        `bound +${marginBytes}); restic 0.14 resuming the same repository wrote ${formatMiB(resticWritten)}`,
    );
  }, 120_000);

  it('a backup killed again and again on one repository still stores every blob exactly once', async () => {
    const repo = repositoryPath(dir, 'crash-loop');
    await freshRepository(repo);
    const kills: string[] = [];
    // Each run is killed once it has added one more pack than the runs before it left: a crash loop that still
    // makes progress. Up to five kills; a run that gets to the end first ends the loop.
    let completed: CliBackupRun | null = null;
    while (kills.length < 5) {
      const packBytes = totalSize((await inventoryRepository(repo)).packs);
      const run = await killWhenPacksReach(
        () => startCliBackup({ cli, repo, source, password }),
        repo,
        packBytes + 1,
      );
      expect(run.warnings).toEqual([]);
      if (run.outcome === 'exited') {
        completed = run;
        break;
      }
      const census = await censusPacks(repo, password);
      kills.push(`${census.packs} packs (${census.unindexed.length} unindexed)`);
    }
    const last = completed ?? (await runCliBackup({ cli, repo, source, password }));
    expect(last.exitCode, last.errors.join('\n')).toBe(0);
    expect(kills.length).toBeGreaterThanOrEqual(3);
    const census = await censusPacks(repo, password);
    // Every data blob is stored once: the packs of all runs together hold exactly the clean run's data blobs.
    expect(census.dataBlobBytes).toBe(clean.bytesAdded);
    expect(census.unindexed).toEqual([]);
    expect(await sourceSubtreeId(repo, password, last.summary?.snapshot_id ?? '', source)).toBe(
      clean.subtree,
    );
    const files = await inventoryRepository(repo);
    expect(files.locks.size).toBe(kills.length); // each killed run left its stale lock; none blocked the next
    await expectFullyClean(repo);
    console.log(
      `resume: crash loop of ${kills.length} kills (after each: ${kills.join(', ')}); the last run completed adding ` +
        `${formatMiB(last.summary?.bytes_added ?? 0)}; ${census.packs} packs hold ${formatMiB(census.dataBlobBytes)} ` +
        `of data blobs = the clean run's; ${files.tempFiles.size} temp files (${formatMiB(totalSize(files.tempFiles))}) left`,
    );
  }, 120_000);
});

/**
 * Crash safety, proven by SIGKILL: the built CLI backs up a seeded ~85 MB tree and is killed at 24 seeded points
 * spread over the backup, plus three moments read off the repository (lock, index, snapshot just written). After
 * every kill, the real
 * restic 0.14 must find the repository sound, the next backup (which adopts the unindexed packs) must complete
 * with a snapshot equal to the source, and restic must then find nothing to mention at all.
 *
 * One repository per kill point: every kill then lands in the same work — a first backup of the whole source,
 * the case with the most data in flight — so "spread over a backup" means the same thing for every point, and a
 * failure names one kill point that can be replayed (same seed, same fraction). The case of one repository
 * killed again and again, as a machine in a crash loop, is resume-after-kill.test.ts's.
 *
 * Kill points: a seeded position u in [0, 1) on the timeline of a calibration run. The first quarter of the points
 * falls in start-up (process, key, lock file and its 200 ms re-check, index load — about half the time of a backup
 * this size), counted from the process start; the rest in the data phase up to the snapshot write and exit,
 * counted from the run's own first progress line with bytes read, so that a slow start-up on a busy machine does
 * not push them all into start-up. When the machine runs faster than during calibration and a backup completes
 * before its kill, the timeline is shortened to that run's phases and the point retried; at least 20 kills must
 * land.
 * A kill during a lock refresh is out of reach (refreshes come every 5 minutes); what it can leave — a second
 * stale lock file of the same dead process, or a lock temp file — is of the kinds the lock point leaves.
 */
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
import { killWhenRepositoryHas } from './testing/kill-on-repository-file';
import { censusPacks } from './testing/pack-census';
import { inventoryRepository, type RepositoryFiles, totalSize } from './testing/repository-files';
import { type SeededTree, seededRandom } from './testing/seeded-source-tree';
import {
  type DirectoryListing,
  listingDifferences,
  resticListing,
  restoreWithCli,
  sourceSubtreeId,
  walkDirectory,
} from './testing/snapshot-comparison';

const seed = process.env.CRASH_TEST_SEED ?? 'crash-safety-1';
const killPoints = 24;
const requiredKills = 20;
const attemptsPerPoint = 3;
/** restic 0.14's hint for a pack in data/ that no index names (printed by check, exit code still 0). */
const orphanHint = /not referenced in any index/g;

let dir: string;
let cli: CliBuild;
let source: string;
let tree: SeededTree;
let sourceListing: DirectoryListing;
let reference: CleanBackup;
/** The faster clean run's timeline: start-up until the first bytes read, then the data phase until exit. */
let timeline: { firstDataMs: number; dataPhaseMs: number };

beforeAll(async () => {
  dir = await makeTempDir('crash-safety');
  cli = await copyCliBuild(`${dir}/cli`);
  source = `${dir}/source`;
  tree = await createCrashTestSource(source, seed);
  sourceListing = await walkDirectory(source);
  // Two clean runs: the faster one calibrates the kill points (the machine is shared), both must agree exactly.
  reference = await cleanBackup(cli, repositoryPath(dir, 'reference'), source);
  const second = await cleanBackup(cli, repositoryPath(dir, 'calibration'), source);
  expect(second.subtree).toBe(reference.subtree);
  expect(second.bytesAdded).toBe(reference.bytesAdded);
  const faster = second.durationMs < reference.durationMs ? second : reference;
  timeline = { firstDataMs: faster.firstDataMs, dataPhaseMs: faster.durationMs - faster.firstDataMs };
  await removeTempDir(second.repo);
}, 120_000);

afterAll(async () => {
  if (dir !== undefined) await removeTempDir(dir);
});

describe('SIGKILL during a backup', () => {
  it('the reference backup equals the source (restic check --read-data, restic ls, our restore byte for byte)', async () => {
    const check = await restic(['check', '--read-data'], { repo: reference.repo });
    expect(check.code, check.stderr + check.stdout).toBe(0);
    expect(check.stdout).not.toMatch(orphanHint);
    const listed = await resticListing(reference.repo, reference.snapshotId, source);
    expect(listingDifferences(sourceListing, listed)).toEqual([]);
    const target = `${dir}/restored`;
    await restoreWithCli({
      cli,
      repo: reference.repo,
      password,
      snapshotId: reference.snapshotId,
      sourcePath: source,
      target,
    });
    const restored = await walkDirectory(target, { content: true });
    expect(listingDifferences(await walkDirectory(source, { content: true }), restored)).toEqual([]);
    expect(restored.size).toBe(tree.files.length + tree.directories.length);
    await removeTempDir(target);
    console.log(
      `crash-safety: source ${tree.files.length} files, ${tree.directories.length} dirs, ${formatMiB(tree.totalBytes)}; ` +
        `clean backup ${Math.round(timeline.firstDataMs + timeline.dataPhaseMs)} ms ` +
        `(data from ${Math.round(timeline.firstDataMs)} ms), ` +
        `${formatMiB(reference.bytesWritten)} written (seed ${seed})`,
    );
  });

  it(`leaves a repository restic accepts at each of ${killPoints} + 3 kill points, and the next backup completes it exactly`, async () => {
    const random = seededRandom(`${seed}:kill-points`);
    // Stratified: one point in each of `killPoints` equal slices of [0, 1); then the three moments a clock rarely
    // hits, taken from the repository itself: our lock file written (the re-check wait), the index written
    // (packs indexed, no snapshot yet), the snapshot written (lock not yet released).
    const points: KillPoint[] = [
      ...Array.from(
        { length: killPoints },
        (_, i): KillPoint => ({ name: `t${i}`, u: (i + random()) / killPoints }),
      ),
      { name: 'lock', directory: 'locks' },
      { name: 'index', directory: 'index' },
      { name: 'snapshot', directory: 'snapshots' },
    ];
    const rows: KillReport[] = [];
    for (const point of points) {
      for (let attempt = 0; attempt < attemptsPerPoint; attempt++) {
        const repo = repositoryPath(dir, `kill-${point.name}-${attempt}`);
        await freshRepository(repo);
        const { killed, description } = await killAt(point, repo);
        if (killed.outcome === 'exited') {
          // It finished first: this machine is faster right now. Aim again with the faster run's timeline.
          expect(killed.exitCode, killed.errors.join('\n')).toBe(0);
          if ('u' in point) {
            timeline = {
              firstDataMs: Math.min(timeline.firstDataMs, killed.firstDataMs ?? killed.durationMs),
              dataPhaseMs: Math.min(timeline.dataPhaseMs, killed.durationMs - (killed.firstDataMs ?? 0)),
            };
          }
          await removeTempDir(repo);
          continue;
        }
        rows.push(await verifyKillPoint({ name: point.name, description, repo, killed }));
        await removeTempDir(repo);
        break;
      }
    }
    printReport(rows);
    expect(rows.length).toBeGreaterThanOrEqual(requiredKills);
    // The points really are spread: some before any pack was written, some with packs left unindexed.
    expect(rows.some((row) => row.packsAfterKill === 0)).toBe(true);
    expect(rows.some((row) => row.unindexedAfterKill > 0)).toBe(true);
  }, 600_000);
});

/** A seeded position u on the calibrated timeline, or the appearance of the first file in a repository directory. */
type KillPoint = { name: string; u: number } | { name: string; directory: 'locks' | 'index' | 'snapshots' };

async function killAt(
  point: KillPoint,
  repo: string,
): Promise<{ killed: CliBackupRun; description: string }> {
  if ('u' in point) {
    const delay = killDelay(point.u);
    const killed = await runCliBackup({ cli, repo, source, password, ...delay });
    const at = 'killAfterMs' in delay ? `${delay.killAfterMs} ms` : `data+${delay.killAfterDataMs} ms`;
    return { killed, description: `u=${(point.u * 100).toFixed(1)} % ${at}` };
  }
  const start = () => startCliBackup({ cli, repo, source, password });
  const killed = await killWhenRepositoryHas(start, repo, point.directory, (seen) => seen.count > 0);
  return { killed, description: `first file in ${point.directory}/` };
}

/** Where on the calibrated timeline position u lies: a quarter of the points in start-up, the rest after it. */
function killDelay(u: number): { killAfterMs: number } | { killAfterDataMs: number } {
  const { firstDataMs, dataPhaseMs } = timeline;
  const startUpShare = 0.25;
  if (u < startUpShare) return { killAfterMs: Math.round((u / startUpShare) * firstDataMs) };
  return { killAfterDataMs: Math.round(((u - startUpShare) / (1 - startUpShare)) * dataPhaseMs) };
}

interface KillReport {
  name: string;
  description: string;
  progressLines: number;
  bytesReadPercent: number;
  packsAfterKill: number;
  unindexedAfterKill: number;
  tempFiles: number;
  tempBytes: number;
  staleLocks: number;
  snapshotsAfterKill: number;
  resumedBytesAdded: number;
  resumedMs: number;
}

/** Everything that must hold after one kill; returns what the kill left, for the report. */
async function verifyKillPoint(options: {
  name: string;
  description: string;
  repo: string;
  killed: CliBackupRun;
}): Promise<KillReport> {
  const { repo, killed } = options;
  const where = `kill point ${options.name} (${options.description}, seed ${seed})`;
  const afterKill = await inventoryRepository(repo);
  const census = await censusPacks(repo, password);

  // 1. restic finds the repository sound as the kill left it. The killed run's lock is stale but still there,
  //    and restic check wants an exclusive lock, so this check runs without one (restic unlock comes below).
  const check = await restic(['--no-lock', 'check', '--read-data'], { repo });
  expect(check.code, `${where}\n${check.stderr}${check.stdout}`).toBe(0);
  // restic's orphans are exactly the packs no index names: the hint it may give, and nothing else.
  expect(check.stdout.match(orphanHint)?.length ?? 0, where).toBe(census.unindexed.length);
  for (const snapshotId of afterKill.snapshots.keys()) {
    // Killed after its snapshot was saved: that snapshot is complete and exact.
    expect(await sourceSubtreeId(repo, password, snapshotId, source), where).toBe(reference.subtree);
  }

  // 2. The next backup is not blocked by the stale non-exclusive lock, adopts the packs and completes.
  const resumed = await runCliBackup({ cli, repo, source, password });
  expect(resumed.exitCode, `${where}\n${resumed.errors.join('\n')}`).toBe(0);
  expect(resumed.warnings, where).toEqual([]);
  const summary = resumed.summary;
  if (summary === null) throw new Error(`${where}: the resumed backup printed no summary`);
  // Nothing the killed run packed is uploaded again: the resumed run stores exactly the rest.
  expect(summary.bytes_added, where).toBe(reference.bytesAdded - census.dataBlobBytes);
  const afterResume = await inventoryRepository(repo);
  expect([...afterResume.locks.keys()].sort(), where).toEqual([...afterKill.locks.keys()].sort());

  // 3. The snapshot equals the source: same tree as the clean backup, and restic lists the same entries.
  expect(await sourceSubtreeId(repo, password, summary.snapshot_id, source), where).toBe(reference.subtree);
  const listed = await resticListing(repo, summary.snapshot_id, source);
  expect(listingDifferences(sourceListing, listed), where).toEqual([]);

  // 4. restic's own tool removes the stale lock; then check, under its exclusive lock, has nothing to mention.
  await resticOk(['unlock'], { repo });
  const clean = await restic(['check', '--read-data'], { repo });
  expect(clean.code, `${where}\n${clean.stderr}${clean.stdout}`).toBe(0);
  expect(clean.stdout, where).not.toMatch(orphanHint);
  expect(clean.stdout, where).not.toContain('contained in several indexes');
  expect(clean.stdout, where).toContain('no errors were found');

  return report(
    options,
    killed,
    afterKill,
    census.packs,
    census.unindexed.length,
    summary.bytes_added,
    resumed,
  );
}

function report(
  options: { name: string; description: string },
  killed: CliBackupRun,
  afterKill: RepositoryFiles,
  packs: number,
  unindexed: number,
  resumedBytesAdded: number,
  resumed: CliBackupRun,
): KillReport {
  const progress = killed.lastProgress;
  return {
    name: options.name,
    description: options.description,
    progressLines: killed.progressLines,
    bytesReadPercent:
      progress && progress.bytesTotal > 0 ? (100 * progress.bytesDone) / progress.bytesTotal : 0,
    packsAfterKill: packs,
    unindexedAfterKill: unindexed,
    tempFiles: afterKill.tempFiles.size,
    tempBytes: totalSize(afterKill.tempFiles),
    staleLocks: afterKill.locks.size,
    snapshotsAfterKill: afterKill.snapshots.size,
    resumedBytesAdded,
    resumedMs: resumed.durationMs,
  };
}

function printReport(rows: readonly KillReport[]): void {
  const lines = rows.map(
    (r) =>
      `  ${r.name.padEnd(8)} ${r.description.padEnd(26)}` +
      ` | read ${r.bytesReadPercent.toFixed(0).padStart(3)} % (${r.progressLines} lines)` +
      ` | packs ${r.packsAfterKill} (unindexed ${r.unindexedAfterKill}), temp ${r.tempFiles} (${formatMiB(r.tempBytes)}), locks ${r.staleLocks},` +
      ` snapshots ${r.snapshotsAfterKill} | resumed: +${formatMiB(r.resumedBytesAdded)} in ${Math.round(r.resumedMs)} ms`,
  );
  const count = (test: (r: KillReport) => boolean) => rows.filter(test).length;
  console.log(
    [
      `crash-safety: ${rows.length} kills landed (timeline now ${Math.round(timeline.firstDataMs)} + ` +
        `${Math.round(timeline.dataPhaseMs)} ms; ` +
        `clean backup adds ${formatMiB(reference.bytesAdded)} of data blobs)`,
      ...lines,
      `  before any pack: ${count((r) => r.packsAfterKill === 0)}; with unindexed packs adopted: ` +
        `${count((r) => r.unindexedAfterKill > 0)}; with a stale lock: ${count((r) => r.staleLocks > 0)}; ` +
        `with temp files left: ${count((r) => r.tempFiles > 0)}; after the snapshot: ${count((r) => r.snapshotsAfterKill > 0)}`,
    ].join('\n'),
  );
}

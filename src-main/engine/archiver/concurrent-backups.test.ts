/**
 * Two backups into one repository at the same time, as two machines (or two sessions) sharing a repository do:
 * both hold non-exclusive locks, both must succeed, and the repository must stay one that restic accepts — with
 * each snapshot exactly what a backup on its own would have produced. A prune (exclusive) during a backup is
 * refused with REPO_LOCKED, and the backup is unaffected.
 */
import { execFile } from 'node:child_process';
import { cp, readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliBuild, copyCliBuild } from '../testing/private-cli-build';
import { makeTempDir, removeTempDir, restic, resticOk } from '../testing/restic-cli';
import { runCliBackup, startCliBackup } from './testing/cli-backup-process';
import { cleanBackup, freshRepository, password, repositoryPath } from './testing/crash-test-setup';
import { createSeededSourceTree } from './testing/seeded-source-tree';
import { sourceSubtreeId } from './testing/snapshot-comparison';

let dir: string;
let cli: CliBuild;
const sources: string[] = [];

beforeAll(async () => {
  dir = await makeTempDir('concurrent-backups');
  cli = await copyCliBuild(`${dir}/cli`);
  // The second tree holds a copy of the first plus files of its own: both backups race to store the same blobs.
  const a = `${dir}/source-a`;
  const b = `${dir}/source-b`;
  await createSeededSourceTree(a, {
    seed: 'concurrent-shared',
    bigFiles: 4,
    smallFiles: 120,
    directories: 8,
  });
  await cp(a, `${b}/copy`, { recursive: true });
  await createSeededSourceTree(`${b}/own`, {
    seed: 'concurrent-own',
    bigFiles: 2,
    smallFiles: 60,
    directories: 4,
  });
  sources.push(a, b);
}, 120_000);

afterAll(async () => {
  if (dir !== undefined) await removeTempDir(dir);
});

describe('two backups into one repository at once', () => {
  it('both succeed, restic check --read-data passes, and each snapshot equals a backup made alone', async () => {
    const repo = repositoryPath(dir, 'shared');
    await freshRepository(repo);
    const runs = await Promise.all(sources.map((source) => runCliBackup({ cli, repo, source, password })));
    for (const run of runs) {
      expect(run.exitCode, run.errors.join('\n')).toBe(0);
      expect(run.warnings).toEqual([]);
    }
    const check = await restic(['check', '--read-data'], { repo });
    expect(check.code, check.stderr + check.stdout).toBe(0);
    expect(check.stdout).toContain('no errors were found');
    const snapshots = JSON.parse((await resticOk(['snapshots', '--json'], { repo })).stdout) as unknown[];
    expect(snapshots).toHaveLength(2);
    for (const [i, source] of sources.entries()) {
      const alone = await cleanBackup(cli, repositoryPath(dir, `alone-${i}`), source);
      const summary = runs[i]?.summary;
      if (!summary) throw new Error('no summary');
      expect(await sourceSubtreeId(repo, password, summary.snapshot_id, source)).toBe(alone.subtree);
    }
  }, 180_000);

  it('refuses a prune while a backup holds its lock, and the backup completes', async () => {
    const repo = repositoryPath(dir, 'prune-during-backup');
    await freshRepository(repo);
    const running = startCliBackup({ cli, repo, source: sources[1] ?? '', password });
    // Wait for the backup's lock file (written once the key is derived), then try to prune.
    const deadline = Date.now() + 30_000;
    while ((await readdir(`${repo}/locks`)).length === 0) {
      if (Date.now() > deadline) throw new Error('the backup never took its lock');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const prune = await runCli(cli, ['prune', '--repo', repo, '--json']);
    const backupRun = await running.done;
    expect(prune.code).toBe(1);
    expect(prune.stderr).toMatch(/REPO_LOCKED/);
    expect(backupRun.exitCode, backupRun.errors.join('\n')).toBe(0);
    const check = await restic(['check'], { repo });
    expect(check.code, check.stderr + check.stdout).toBe(0);
  }, 120_000);
});

/** Runs the private CLI build with `args`; resolves with its exit code and output. */
function runCli(build: CliBuild, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [build.script, ...args],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', BACKUP_MANAGER_PASSWORD: password, ...build.env } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });
}

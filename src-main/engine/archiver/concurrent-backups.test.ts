/**
 * Two backups into one repository at the same time, as two machines (or two sessions) sharing a repository do:
 * both hold non-exclusive locks, both must succeed, and the repository must stay one that restic accepts — with
 * each snapshot exactly what a backup on its own would have produced.
 */
import { cp } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, restic, resticOk } from '../testing/restic-cli';
import { runCliBackup } from './testing/cli-backup-process';
import { cleanBackup, freshRepository, password, repositoryPath } from './testing/crash-test-setup';
import { type CliBuild, copyCliBuild } from './testing/private-cli-build';
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
});

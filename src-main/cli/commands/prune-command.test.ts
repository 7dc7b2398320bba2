/**
 * `backup-manager prune` and `forget --prune` through the CLI runner, on a repository our archiver wrote (four
 * snapshots sharing data): usage errors, restic's statistics, the JSON summary, a dry run that changes nothing
 * (for forget --dry-run --prune: planned as if the snapshots were gone), the lock, and a real forget --prune after
 * which restic checks the repository and restores the snapshot that was kept.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../engine/backend/local-backend';
import type { Id } from '../../engine/ids';
import { acquireLock } from '../../engine/lock/repository-lock';
import { writeGenerations } from '../../engine/prune/testing/generations';
import {
  backupWithEngine,
  copyFixture,
  type PruneFixture,
  repositoryListing,
} from '../../engine/prune/testing/prune-fixture';
import { resticCheck, restoreAllDifferences } from '../../engine/prune/testing/restic-verify';
import { Repository } from '../../engine/repository/repository';
import { makeTempDir, removeTempDir, testPassword } from '../../engine/testing/restic-cli';
import { runCli } from '../cli-runner';
import { forgetCommand } from './forget-command';
import { pruneCommand } from './prune-command';

let dir: string;
let base: PruneFixture;
let copies = 0;

beforeAll(async () => {
  dir = await makeTempDir('prune-cli');
  base = await backupWithEngine(path.join(dir, 'base'), await writeGenerations(path.join(dir, 'src'), 2));
}, 120_000);

afterAll(async () => {
  if (dir !== undefined) await removeTempDir(dir);
});

async function freshCopy(): Promise<string> {
  return (await copyFixture(base, path.join(dir, `copy-${++copies}`))).repo;
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (c: Buffer) => chunks.stdout.push(c));
  stderr.on('data', (c: Buffer) => chunks.stderr.push(c));
  const code = await runCli([pruneCommand, forgetCommand], {
    argv: args,
    env: { BACKUP_MANAGER_PASSWORD: testPassword },
    stdout,
    stderr,
    signal: new AbortController().signal,
  });
  return {
    code,
    stdout: Buffer.concat(chunks.stdout).toString(),
    stderr: Buffer.concat(chunks.stderr).toString(),
  };
}

function summary(stdout: string): Record<string, unknown> {
  const last = stdout.trim().split('\n').at(-1) ?? '{}';
  const parsed = JSON.parse(last) as Record<string, unknown>;
  expect(parsed.type).toBe('summary');
  return parsed;
}

/** Forgets generations 1 and 3 by deleting their snapshot files. */
async function forgetOddGenerations(repo: string): Promise<void> {
  const backend = new LocalBackend(repo);
  for (const g of [0, 2]) await backend.remove({ type: 'snapshot', name: base.snapshots[g] as Id });
  await backend.close();
}

describe('backup-manager prune', () => {
  it('refuses bad arguments with exit 2', async () => {
    const repo = await freshCopy();
    for (const args of [
      ['prune', '--repo', repo, '--max-unused', '100%'],
      ['prune', '--repo', repo, '--max-unused', 'lots'],
      ['prune', '--repo', repo, 'extra'],
      ['forget', '--repo', repo, '--keep-last', '1', '--max-unused', '5%'],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('USAGE');
    }
  });

  it('a dry run prints restic’s statistics and a JSON summary, and changes nothing', async () => {
    const repo = await freshCopy();
    await forgetOddGenerations(repo);
    const before = await repositoryListing(repo);
    const human = await run(['prune', '--repo', repo, '--dry-run']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^total prune: +\d+ blobs \/ /m);
    expect(human.stdout).toMatch(/^to repack: +\d+ packs$/m);
    expect(human.stdout).toMatch(/dry run: would remove \d+ packs/);
    const json = await run(['prune', '--repo', repo, '--dry-run', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const result = summary(json.stdout);
    expect(result.dry_run).toBe(true);
    expect(result.packs_removed).toBeGreaterThan(0);
    expect(result.bytes_removed).toBeGreaterThan(1_000_000);
    expect(await repositoryListing(repo)).toEqual(before);
  });

  it('fails with REPO_LOCKED while another process holds a lock, changing nothing', async () => {
    const repo = await freshCopy();
    await forgetOddGenerations(repo);
    const before = await repositoryListing(repo);
    const backend = new LocalBackend(repo);
    const lock = await acquireLock(await Repository.open(backend, testPassword), { exclusive: false });
    try {
      const result = await run(['prune', '--repo', repo]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('REPO_LOCKED');
    } finally {
      await lock.release();
      await backend.close();
    }
    expect(await repositoryListing(repo)).toEqual(before);
  });
});

describe('backup-manager forget --prune', () => {
  const policy = ['--keep-last', '1', '--group-by', 'host'];

  it('with --dry-run: plans as if the snapshots were removed, and changes nothing', async () => {
    const repo = await freshCopy();
    const before = await repositoryListing(repo);
    const result = await run(['forget', '--repo', repo, ...policy, '--dry-run', '--prune', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const pruned = summary(result.stdout);
    expect(pruned.dry_run).toBe(true);
    // Three of four generations would go: far more than nothing (no snapshot is actually removed).
    expect(pruned.bytes_removed).toBeGreaterThan(3_000_000);
    expect(await repositoryListing(repo)).toEqual(before);
  });

  it('removes the snapshots, prunes under the same lock; restic checks and restores what was kept', async () => {
    const repo = await freshCopy();
    const result = await run(['forget', '--repo', repo, ...policy, '--prune']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('3 snapshots have been removed, running prune');
    expect(result.stdout).toMatch(/^done: removed \d+ packs/m);
    const listing = await repositoryListing(repo);
    expect([...listing.keys()].filter((file) => file.startsWith('snapshots/'))).toEqual([
      `snapshots/${base.snapshots[3]}`,
    ]);
    expect(await readdir(path.join(repo, 'locks'))).toEqual([]);
    await resticCheck(repo, { readData: true });
    const kept = [{ snapshot: base.snapshots[3] as Id, source: base.sources[3] as string }];
    expect(await restoreAllDifferences(repo, kept, dir)).toEqual([]);
  }, 60_000);
});

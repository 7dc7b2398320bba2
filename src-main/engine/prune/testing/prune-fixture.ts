/**
 * Test-only: repositories holding one snapshot per generation (generations.ts), written by the real restic 0.14
 * or by our archiver, and copies of them to prune side by side. Both are initialised by our engine with a cheap
 * KDF, so each of the many restic runs does not spend half a second deriving the key; everything else (packs,
 * index files, snapshots) is written by the program under test. Small packs (4 MiB, restic's minimum) give
 * several packs per backup.
 */
import { cp, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { backup } from '../../archiver/archiver';
import { LocalBackend } from '../../backend/local-backend';
import { parseChunkerPolynomial } from '../../chunker/chunker-polynomial';
import type { Id } from '../../ids';
import { Repository } from '../../repository/repository';
import { resticOk, testPassword } from '../../testing/restic-cli';

export const fixturePackSize = 4 * 1024 * 1024;

export interface PruneFixture {
  repo: string;
  /** Source directory of each generation (index 0 = generation 1). */
  sources: string[];
  /** Snapshot of each generation. */
  snapshots: Id[];
}

export async function initRepository(repo: string): Promise<void> {
  const repository = await Repository.init(new LocalBackend(repo), testPassword, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
  await repository.backend.close();
}

export async function backupWithRestic(repo: string, sources: readonly string[]): Promise<PruneFixture> {
  await initRepository(repo);
  const snapshots: Id[] = [];
  for (const source of sources) {
    const { stdout } = await resticOk(['backup', '--json', '--pack-size', '4', '--host', 'test', source], {
      repo,
    });
    const summary = stdout
      .split('\n')
      .filter((line) => line.includes('"summary"'))
      .map((line) => JSON.parse(line) as { snapshot_id: Id })[0];
    if (summary === undefined) throw new Error(`restic backup printed no summary:\n${stdout}`);
    snapshots.push(summary.snapshot_id);
  }
  return { repo, sources: [...sources], snapshots };
}

export async function backupWithEngine(repo: string, sources: readonly string[]): Promise<PruneFixture> {
  await initRepository(repo);
  const snapshots: Id[] = [];
  for (const source of sources) {
    const backend = new LocalBackend(repo);
    try {
      const repository = await Repository.open(backend, testPassword, { packTargetSize: fixturePackSize });
      const summary = await backup(repository, { paths: [source], workers: 0, hostname: 'test' });
      snapshots.push(summary.snapshotId);
    } finally {
      await backend.close();
    }
  }
  return { repo, sources: [...sources], snapshots };
}

/** A copy of the fixture's repository at `repo` (same snapshots and sources). */
export async function copyFixture(fixture: PruneFixture, repo: string): Promise<PruneFixture> {
  await cp(fixture.repo, repo, { recursive: true });
  return { ...fixture, repo };
}

/** Every file of a repository directory except lock files (relative path → size): what prune may change. */
export async function repositoryListing(repo: string): Promise<Map<string, number>> {
  const listing = new Map<string, number>();
  const visit = async (relative: string): Promise<void> => {
    for (const entry of await readdir(path.join(repo, relative), { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await visit(child);
      else if (!child.startsWith('locks/')) listing.set(child, (await stat(path.join(repo, child))).size);
    }
  };
  await visit('');
  return listing;
}

/** Bytes of packs, index and snapshot files. */
export async function repositorySize(repo: string): Promise<number> {
  let size = 0;
  for (const [file, bytes] of await repositoryListing(repo)) {
    if (/^(data|index|snapshots)\//.test(file)) size += bytes;
  }
  return size;
}

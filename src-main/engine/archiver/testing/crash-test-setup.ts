/**
 * Test-only: what the crash tests share — the seeded source tree they back up, fresh repositories that all chunk
 * alike (one polynomial, so every repository stores the same blobs for the same files), and the clean backup the
 * interrupted ones are measured against.
 */
import path from 'node:path';
import { expect } from 'vitest';
import { LocalBackend } from '../../backend/local-backend';
import type { Id } from '../../ids';
import { Repository } from '../../repository/repository';
import type { CliBuild } from '../../testing/private-cli-build';
import { testPassword } from '../../testing/restic-cli';
import { runCliBackup } from './cli-backup-process';
import { inventoryRepository, totalSize } from './repository-files';
import { createSeededSourceTree, type SeededTree } from './seeded-source-tree';
import { sourceSubtreeId } from './snapshot-comparison';

export const password = testPassword;

/** ~86 MB in 335 files (15 of 2–8 MiB) and 24 directories: seconds to back up here, many packs and chunks. */
export function createCrashTestSource(root: string, seed: string): Promise<SeededTree> {
  return createSeededSourceTree(root, { seed, bigFiles: 15, smallFiles: 320, directories: 24 });
}

/** A new repository whose key opens fast (the CLI derives it at every start). */
export async function freshRepository(location: string): Promise<void> {
  const backend = new LocalBackend(location);
  await Repository.init(backend, password, {
    chunkerPolynomial: 0x3da3358b4dc173n,
    kdf: { N: 1024, r: 8, p: 1 },
  });
  await backend.close();
}

export interface CleanBackup {
  repo: string;
  snapshotId: Id;
  durationMs: number;
  /** From the start to the first bytes read: process start, key, lock, index (see CliBackupRun). */
  firstDataMs: number;
  /** `bytes_added` of the summary: stored bytes of the data blobs. */
  bytesAdded: number;
  /** Bytes of every file the backup added to the repository (packs, index, snapshot). */
  bytesWritten: number;
  /** The tree of the source directory's contents: equal trees mean equal names, metadata and content. */
  subtree: Id;
}

/** An uninterrupted backup of `source` into a new repository at `repo`. */
export async function cleanBackup(cli: CliBuild, repo: string, source: string): Promise<CleanBackup> {
  await freshRepository(repo);
  const before = totalSize((await inventoryRepository(repo)).all);
  const run = await runCliBackup({ cli, repo, source, password });
  expect(run.exitCode, run.errors.join('\n')).toBe(0);
  expect(run.warnings).toEqual([]);
  const summary = run.summary;
  if (summary === null) throw new Error('the clean backup printed no summary');
  return {
    repo,
    snapshotId: summary.snapshot_id,
    durationMs: run.durationMs,
    firstDataMs: run.firstDataMs ?? run.durationMs,
    bytesAdded: summary.bytes_added,
    bytesWritten: totalSize((await inventoryRepository(repo)).all) - before,
    subtree: await sourceSubtreeId(repo, password, summary.snapshot_id, source),
  };
}

export function repositoryPath(dir: string, name: string): string {
  return path.join(dir, 'repositories', name);
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/**
 * Test-only: does a snapshot hold exactly the source directory? Three views, from cheap to thorough:
 * - the subtree ID of the source directory: trees are canonical and name every file's content blobs, so two
 *   snapshots of an untouched directory agree on it exactly when they agree on names, metadata and content;
 * - restic's own listing (`restic ls --json`) against a walk of the source: names, types and sizes;
 * - a restore with our CLI, compared byte for byte with the source.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { LocalBackend } from '../../backend/local-backend';
import type { Id } from '../../ids';
import { Repository } from '../../repository/repository';
import type { CliBuild } from '../../testing/private-cli-build';
import { resticOk } from '../../testing/restic-cli';
import { decodeTree } from '../../tree/tree-codec';

/** What a directory holds: relative path → 'dir' or the file's size (or content hash, for restores). */
export type DirectoryListing = Map<string, string>;

/** The ID of the tree holding the contents of `sourcePath` in the snapshot. */
export async function sourceSubtreeId(
  location: string,
  password: string,
  snapshotId: Id,
  sourcePath: string,
): Promise<Id> {
  const backend = new LocalBackend(location);
  try {
    const repository = await Repository.open(backend, password);
    await repository.loadIndex();
    let tree = (await repository.loadSnapshot(snapshotId)).tree;
    for (const part of sourcePath.split('/').filter(Boolean)) {
      const node = decodeTree(await repository.readBlob('tree', tree), tree).find(
        (n) => n.name.toString() === part,
      );
      if (node?.subtree === undefined || node.subtree === null) {
        throw new Error(`snapshot ${snapshotId} has no directory ${sourcePath}`);
      }
      tree = node.subtree;
    }
    return tree;
  } finally {
    await backend.close();
  }
}

/** Names, types and sizes below `root`, as found on disk (`content: true` adds each file's SHA-256). */
export async function walkDirectory(
  root: string,
  options: { content?: boolean } = {},
): Promise<DirectoryListing> {
  const listing: DirectoryListing = new Map();
  const visit = async (relative: string): Promise<void> => {
    for (const name of (await readdir(path.join(root, relative))).sort()) {
      const child = relative === '' ? name : `${relative}/${name}`;
      const info = await lstat(path.join(root, child));
      if (info.isDirectory()) {
        listing.set(child, 'dir');
        await visit(child);
      } else if (options.content) {
        const hash = createHash('sha256').update(await readFile(path.join(root, child)));
        listing.set(child, `file ${info.size} ${hash.digest('hex')}`);
      } else {
        listing.set(child, `file ${info.size}`);
      }
    }
  };
  await visit('');
  return listing;
}

/** The entries below `sourcePath` in the snapshot, as restic lists them. */
export async function resticListing(
  repo: string,
  snapshotId: Id,
  sourcePath: string,
): Promise<DirectoryListing> {
  const { stdout } = await resticOk(['--no-lock', 'ls', '--json', snapshotId], { repo });
  const prefix = `${sourcePath}/`;
  const listing: DirectoryListing = new Map();
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const node = JSON.parse(line) as { struct_type?: string; type?: string; path?: string; size?: number };
    if (node.struct_type !== 'node' || !node.path?.startsWith(prefix)) continue;
    const relative = node.path.slice(prefix.length);
    listing.set(relative, node.type === 'dir' ? 'dir' : `${node.type} ${node.size ?? 0}`);
  }
  return listing;
}

/** Lines describing how two listings differ (empty when they are equal). */
export function listingDifferences(expected: DirectoryListing, actual: DirectoryListing): string[] {
  const differences: string[] = [];
  for (const [entry, what] of expected) {
    const found = actual.get(entry);
    if (found === undefined) differences.push(`missing: ${entry} (${what})`);
    else if (found !== what) differences.push(`differs: ${entry}: expected ${what}, found ${found}`);
  }
  for (const [entry, what] of actual) if (!expected.has(entry)) differences.push(`extra: ${entry} (${what})`);
  return differences;
}

/** Restores the source directory of a snapshot into `target` with our CLI (the contents land in `target`). */
export async function restoreWithCli(options: {
  cli: CliBuild;
  repo: string;
  password: string;
  snapshotId: Id;
  sourcePath: string;
  target: string;
}): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [
      options.cli.script,
      'restore',
      '--quiet',
      '--repo',
      options.repo,
      `${options.snapshotId}:${options.sourcePath}`,
      '--target',
      options.target,
    ],
    {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        BACKUP_MANAGER_PASSWORD: options.password,
        ...options.cli.env,
      },
    },
  );
}

/**
 * Test-only: what a local repository directory holds, file by file, including what the Backend interface hides —
 * the temp files of writes that a kill interrupted. Repository files are write-once, so the bytes a run wrote
 * are the sizes of the files that were not there before it.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Id, isId } from '../../ids';

export interface RepositoryFiles {
  packs: Map<Id, number>;
  indexes: Map<Id, number>;
  snapshots: Map<Id, number>;
  locks: Map<Id, number>;
  /** `…-tmp-…` files (relative path → size): writes cut off before their rename, never part of the repository. */
  tempFiles: Map<string, number>;
  /** Every file, relative path → size. */
  all: Map<string, number>;
}

const kinds = { data: 'packs', index: 'indexes', snapshots: 'snapshots', locks: 'locks' } as const;

export async function inventoryRepository(root: string): Promise<RepositoryFiles> {
  const files: RepositoryFiles = {
    packs: new Map(),
    indexes: new Map(),
    snapshots: new Map(),
    locks: new Map(),
    tempFiles: new Map(),
    all: new Map(),
  };
  for (const relative of await walkFiles(root, '')) {
    const size = await sizeOf(path.join(root, relative));
    if (size === null) continue;
    files.all.set(relative, size);
    const name = path.basename(relative);
    const top = relative.split('/')[0] ?? '';
    if (name.includes('-tmp-')) files.tempFiles.set(relative, size);
    else if (top in kinds && isId(name)) files[kinds[top as keyof typeof kinds]].set(name, size);
  }
  return files;
}

/** Bytes of the files in `after` that `before` did not have (locks left out: they come and go). */
export function bytesWrittenBetween(before: RepositoryFiles, after: RepositoryFiles): number {
  let bytes = 0;
  for (const [relative, size] of after.all) {
    if (!before.all.has(relative) && !relative.startsWith('locks/')) bytes += size;
  }
  return bytes;
}

export function totalSize(files: ReadonlyMap<unknown, number>): number {
  let bytes = 0;
  for (const size of files.values()) bytes += size;
  return bytes;
}

/** The file's size, or null when it vanished since it was listed (a temp file renamed, a lock removed). */
async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function walkFiles(root: string, relative: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(root, relative), { withFileTypes: true })) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await walkFiles(root, child)));
    else found.push(child);
  }
  return found;
}

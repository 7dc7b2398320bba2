/**
 * Measures a file tree (bytes and file count) without following symbolic links, the way a backup would read it.
 * Unreadable entries are counted and reported, never silently skipped: they become evidence.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { SizeEstimate } from './component';

export interface TreeSize extends SizeEstimate {
  exists: boolean;
  /** Entries that could not be read (path and reason), at most `maxErrors` of them. */
  unreadable: { path: string; reason: string }[];
  unreadableCount: number;
}

export async function measureTree(root: string, maxErrors = 5): Promise<TreeSize> {
  const result: TreeSize = { exists: false, bytes: 0, files: 0, unreadable: [], unreadableCount: 0 };
  const note = (p: string, error: unknown) => {
    result.unreadableCount++;
    if (result.unreadable.length < maxErrors)
      result.unreadable.push({ path: p, reason: (error as NodeJS.ErrnoException).code ?? String(error) });
  };
  let rootStat: Awaited<ReturnType<typeof lstat>>;
  try {
    rootStat = await lstat(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return result;
    note(root, error);
    return result;
  }
  result.exists = true;
  if (!rootStat.isDirectory()) {
    result.files = 1;
    result.bytes = rootStat.isFile() ? rootStat.size : 0;
    return result;
  }
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      note(dir, error);
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        pending.push(full);
        continue;
      }
      result.files++;
      if (!entry.isFile()) continue; // symlinks, sockets, devices: an entry, no content
      try {
        result.bytes += (await lstat(full)).size;
      } catch (error) {
        note(full, error);
      }
    }
  }
  return result;
}

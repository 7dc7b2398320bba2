/**
 * Counts what a backup will walk (files and bytes) ahead of the archiver, so progress can show totals, a percentage
 * and an ETA while the backup runs — restic's scanner does the same. It scans each directory with one native call
 * (one lstat per entry when the addon is missing), yielding to the event loop every few hundred entries, and
 * reports in batches. The scans, made the way the walk needs them, are left in a ScanCache for the walk.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { type EntrySize, entrySizesFromScan, readDirectoryScan } from '../tree/fs/directory-scan';
import { joinPath } from '../tree/fs/node-from-path';
import type { TargetTrie } from './backup-targets';
import type { ExcludeMatcher } from './exclude-patterns';
import type { ScanCache } from './scan-cache';

export async function scanTotals(
  trie: TargetTrie,
  excludes: ExcludeMatcher,
  signal: AbortSignal,
  report: (files: number, bytes: number) => void,
  /** Where to leave full scans (with xattrs) for the walk; null: no addon, count with lstat. */
  cache: ScanCache | null,
): Promise<void> {
  let files = 0;
  let bytes = 0;
  let sinceYield = 0;
  const flush = () => {
    if (files > 0 || bytes > 0) report(files, bytes);
    files = 0;
    bytes = 0;
  };
  const list = cache === null ? entriesOneByOne : (dir: Buffer) => scanForWalk(dir, cache);

  const visitDirectory = async (path: Buffer): Promise<void> => {
    for (const entry of list(path)) {
      if (signal.aborted) return;
      if (excludes.excludes(entry.path)) continue;
      if (++sinceYield >= 256) {
        sinceYield = 0;
        flush();
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (entry.kind === 'unreadable') continue; // the archiver reports what it cannot read; this only counts
      files += entry.kind === 'dir' ? 0 : 1;
      bytes += entry.kind === 'file' ? entry.size : 0;
      if (entry.kind === 'dir') await visitDirectory(entry.path);
    }
  };

  const visitTarget = async (path: Buffer): Promise<void> => {
    const entry = entryOf(path);
    if (entry.kind === 'dir') return visitDirectory(path);
    if (entry.kind !== 'unreadable') files++;
    if (entry.kind === 'file') bytes += entry.size;
  };

  const walkTrie = async (node: TargetTrie): Promise<void> => {
    if (node.isTarget) return visitTarget(node.path);
    for (const child of node.children) await walkTrie(child);
  };
  await walkTrie(trie);
  flush();
}

function entryOf(path: Buffer): EntrySize {
  try {
    const info = lstatSync(path);
    const kind = info.isFile() ? 'file' : info.isDirectory() ? 'dir' : 'other';
    return { path, kind, size: info.isFile() ? info.size : 0 };
  } catch {
    return { path, kind: 'unreadable', size: 0 }; // as below
  }
}

/** Scans `dir` as the walk will need it, keeps the scan for the walk when there is room, and counts from it. */
function scanForWalk(dir: Buffer, cache: ScanCache): EntrySize[] {
  let scan: Buffer;
  try {
    scan = readDirectoryScan(dir, true);
  } catch {
    return []; // the archiver reports a directory it cannot read; the scanner only counts
  }
  cache.offer(dir, scan);
  return entrySizesFromScan(dir, scan, true);
}

function entriesOneByOne(dir: Buffer): EntrySize[] {
  let names: Buffer[];
  try {
    names = readdirSync(dir, { encoding: 'buffer' });
  } catch {
    return []; // as above
  }
  return names.sort(Buffer.compare).map((name) => entryOf(joinPath(dir, name)));
}

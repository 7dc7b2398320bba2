/**
 * Counts what a backup will walk (files and bytes) ahead of the archiver, so progress can show totals, a percentage
 * and an ETA while the backup runs — restic's scanner does the same. It only reads directory listings and lstat
 * (synchronously, see readDirectoryNamesSync, yielding every few hundred entries), and reports in batches.
 */
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { joinPath } from '../tree/fs/node-from-path';
import type { TargetTrie } from './backup-targets';
import type { ExcludeMatcher } from './exclude-patterns';

export async function scanTotals(
  trie: TargetTrie,
  excludes: ExcludeMatcher,
  signal: AbortSignal,
  report: (files: number, bytes: number) => void,
): Promise<void> {
  let files = 0;
  let bytes = 0;
  let sinceYield = 0;
  const flush = () => {
    if (files > 0 || bytes > 0) report(files, bytes);
    files = 0;
    bytes = 0;
  };

  const visit = async (path: Buffer): Promise<void> => {
    if (signal.aborted) return;
    if (++sinceYield >= 256) {
      sinceYield = 0;
      flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const info = lstatOrNull(path); // unreadable entries are the archiver's to report
    if (info === null) return;
    if (info.isFile()) {
      files++;
      bytes += info.size;
      return;
    }
    if (!info.isDirectory()) {
      files++;
      return;
    }
    for (const name of namesOrEmpty(path).sort(Buffer.compare)) {
      const child = joinPath(path, name);
      if (!excludes.excludes(child)) await visit(child);
    }
  };

  const walkTrie = async (node: TargetTrie): Promise<void> => {
    if (node.isTarget) return visit(node.path);
    for (const child of node.children) await walkTrie(child);
  };
  await walkTrie(trie);
  flush();
}

function lstatOrNull(path: Buffer): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null; // the archiver reports what it cannot read; the scanner only counts
  }
}

function namesOrEmpty(path: Buffer): Buffer[] {
  try {
    return readdirSync(path, { encoding: 'buffer' });
  } catch {
    return []; // as above
  }
}

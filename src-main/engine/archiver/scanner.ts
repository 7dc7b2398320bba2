/**
 * Counts what a backup will walk (files and bytes) ahead of the archiver, so progress can show totals, a percentage
 * and an ETA while the backup runs — restic's scanner does the same. It only reads directory listings and lstat,
 * and reports in batches.
 */
import { lstat, readdir } from 'node:fs/promises';
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
  const flush = () => {
    if (files > 0 || bytes > 0) report(files, bytes);
    files = 0;
    bytes = 0;
  };

  const visit = async (path: Buffer): Promise<void> => {
    if (signal.aborted) return;
    const info = await lstat(path).catch(() => null); // unreadable entries are the archiver's to report
    if (info === null) return;
    if (info.isFile()) {
      files++;
      bytes += info.size;
      if (files >= 1000) flush();
      return;
    }
    if (!info.isDirectory()) {
      files++;
      return;
    }
    const entries = await readdir(path, { encoding: 'buffer' }).catch(() => [] as Buffer[]);
    for (const name of entries.sort(Buffer.compare)) {
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

/**
 * Test-only: SIGKILL a running backup at a moment defined by what it has written to the repository — once its
 * complete packs add up to some amount (a kill placed by how much was uploaded, whatever the speed of the
 * machine), or right after its first lock, index or snapshot file appears (the phases a clock rarely hits).
 * Files appear by a rename into their directory; watching the directories sees each one at once (a polling walk
 * of data/'s 256 directories lags a pack or two behind on a busy machine).
 */
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isId } from '../../ids';
import type { CliBackupRun, RunningCliBackup } from './cli-backup-process';
import { inventoryRepository } from './repository-files';

export type RepositoryDirectory = 'data' | 'index' | 'snapshots' | 'locks';

/** Complete files of one kind seen so far (those present before the start included). */
export interface FilesSeen {
  count: number;
  bytes: number;
}

/**
 * Starts a backup with `start` and kills it as soon as the complete files in `directory` satisfy `when`.
 * Resolves with the run (outcome 'exited' if it finished first).
 */
export async function killWhenRepositoryHas(
  start: () => RunningCliBackup,
  repo: string,
  directory: RepositoryDirectory,
  when: (seen: FilesSeen) => boolean,
): Promise<CliBackupRun> {
  const inventory = await inventoryRepository(repo);
  const before = {
    data: inventory.packs,
    index: inventory.indexes,
    snapshots: inventory.snapshots,
    locks: inventory.locks,
  };
  const sizes = new Map<string, number>(before[directory]);
  const seen: FilesSeen = { count: sizes.size, bytes: 0 };
  for (const size of sizes.values()) seen.bytes += size;
  let running: RunningCliBackup | null = null;
  const check = () => {
    if (when(seen)) running?.kill();
  };
  const onEvent = (dir: string, name: string | null) => {
    if (name === null || !isId(name) || sizes.has(name)) return;
    sizes.set(name, 0); // claimed now, sized below: each file counts once
    stat(path.join(dir, name)).then(
      (info) => {
        sizes.set(name, info.size);
        seen.count++;
        seen.bytes += info.size;
        check();
      },
      () => sizes.delete(name), // gone again (a lock replaced, say): not a file that stays
    );
  };
  const dirs =
    directory === 'data'
      ? Array.from({ length: 256 }, (_, i) => path.join(repo, 'data', i.toString(16).padStart(2, '0')))
      : [path.join(repo, directory)];
  const watchers: FSWatcher[] = dirs.map((dir) => watch(dir, (_event, name) => onEvent(dir, name)));
  // Started once the watchers are in place, so no file can appear unseen.
  running = start();
  check();
  try {
    return await running.done;
  } finally {
    for (const watcher of watchers) watcher.close();
  }
}

/** Kills the backup once the complete packs in `repo` add up to `packBytes` or more. */
export function killWhenPacksReach(
  start: () => RunningCliBackup,
  repo: string,
  packBytes: number,
): Promise<CliBackupRun> {
  return killWhenRepositoryHas(start, repo, 'data', (seen) => seen.bytes >= packBytes);
}

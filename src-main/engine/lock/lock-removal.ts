/**
 * `unlock`: restic 0.14's RemoveStaleLocks (only locks that are stale; unreadable ones are left alone) and
 * RemoveAllLocks (every file in locks/, read or not — the way out when a lock is held by a process that will
 * never come back, or cannot even be read).
 */
import type { Id } from '../ids';
import type { Repository } from '../repository/repository';
import type { StoredLock } from './lock-file';
import { readLocks, type UnreadableLock } from './lock-listing';
import { lockStaleness, type StalenessContext } from './lock-staleness';

export interface RemoveLocksOptions {
  /** Every lock, stale or not. */
  all: boolean;
  /** For tests: the clock, hostname and process check used to decide staleness. */
  staleness?: StalenessContext;
}

export interface RemovedLocks {
  /** The lock files deleted. */
  removed: Id[];
  /** Locks left in place because they are not stale (only without `all`). */
  kept: StoredLock[];
  /** Lock files left in place because they cannot be read (only without `all`). */
  unreadable: UnreadableLock[];
}

export async function removeLocks(
  repository: Repository,
  options: RemoveLocksOptions,
): Promise<RemovedLocks> {
  const result: RemovedLocks = { removed: [], kept: [], unreadable: [] };
  if (options.all) {
    // Collected first: deleting while the backend is listing the same directory could skip entries.
    const ids: Id[] = [];
    for await (const file of repository.backend.list('lock')) ids.push(file.name);
    for (const id of ids) {
      await repository.backend.remove({ type: 'lock', name: id });
      result.removed.push(id);
    }
    return result;
  }
  const stale: Id[] = [];
  for await (const stored of readLocks(repository, { onUnreadable: (u) => result.unreadable.push(u) })) {
    if (lockStaleness(stored.lock, options.staleness).stale) stale.push(stored.id);
    else result.kept.push(stored);
  }
  for (const id of stale) {
    await repository.backend.remove({ type: 'lock', name: id });
    result.removed.push(id);
  }
  return result;
}

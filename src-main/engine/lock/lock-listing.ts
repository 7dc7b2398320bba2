/**
 * Reading every lock of a repository the way restic 0.14's ForAllLocks does: a lock file that disappears between
 * the listing and the read was released meanwhile and is simply skipped; one that cannot be read (damaged, another
 * repository's key, not a lock) is ignored by restic, and here reported to the caller before being ignored.
 */
import { isEngineError } from '../errors';
import { type Id, shortId } from '../ids';
import type { Repository } from '../repository/repository';
import { type LockRecord, loadLock, type StoredLock } from './lock-file';
import { formatAge, lockStaleness, type StalenessContext } from './lock-staleness';

export interface UnreadableLock {
  id: Id;
  /** Why it could not be read (the engine error's message). */
  reason: string;
}

export interface ReadLocksOptions {
  /** A lock file to leave out (our own, while checking for others). */
  except?: Id;
  /** Called for each lock file that exists but cannot be read. */
  onUnreadable?: (lock: UnreadableLock) => void;
}

/** Yields each readable lock; stop iterating early to stop reading. */
export async function* readLocks(
  repository: Repository,
  options: ReadLocksOptions = {},
): AsyncGenerator<StoredLock> {
  for await (const file of repository.backend.list('lock')) {
    if (file.name === options.except) continue;
    let lock: LockRecord;
    try {
      lock = await loadLock(repository, file.name);
    } catch (error) {
      if (!isEngineError(error)) throw error;
      // Gone between list and read: it was released (or refreshed) meanwhile, so there is nothing to honour.
      if (error.code === 'NOT_FOUND') continue;
      options.onUnreadable?.({ id: file.name, reason: error.message });
      continue;
    }
    yield { id: file.name, lock };
  }
}

/**
 * Who holds a lock, for messages: `an exclusive lock held by PID 1234 on host by user (UID 1000, GID 1000),
 * created 2024-05-01T10:00:00Z (3m12s ago), lock file 1a2b3c4d` — plus why it is stale when it is.
 */
export function describeLock(stored: StoredLock, context: StalenessContext = {}): string {
  const { lock, id } = stored;
  const now = context.now ?? new Date();
  const ids =
    lock.uid !== undefined || lock.gid !== undefined ? ` (UID ${lock.uid ?? 0}, GID ${lock.gid ?? 0})` : '';
  const user = lock.username === '' ? 'an unknown user' : lock.username;
  const host = lock.hostname === '' ? 'an unknown host' : lock.hostname;
  const ageMs = now.getTime() - Date.parse(lock.time);
  const age = ageMs >= 0 ? `${formatAge(ageMs)} ago` : `${formatAge(-ageMs)} in the future`;
  const staleness = lockStaleness(lock, { ...context, now });
  const stale = staleness.stale ? `; it is stale (${staleness.description})` : '';
  return (
    `${lock.exclusive ? 'an exclusive' : 'a non-exclusive'} lock held by PID ${lock.pid} on ${host} by ${user}` +
    `${ids}, created ${lock.time} (${age}), lock file ${shortId(id)}${stale}`
  );
}

/**
 * Lock files this process wrote and could not remove, because the storage went away at that moment (a dropped
 * SFTP connection, an unreachable S3 endpoint). Such a lock names this process, which is still running, so
 * nobody counts it as stale for 30 minutes: an exclusive operation (prune, check) would be refused until then,
 * and a helper that runs for weeks keeps it "alive" forever by restic's process check. So it is remembered here,
 * per repository location, and removed the next time this process takes a lock there (a retried session does
 * so first thing).
 */
import type { Id } from '../ids';

interface LeftBehind {
  id: Id;
  /** Lets restic's SIGHUP probe see us as alive while the file exists; called once it is gone. */
  releaseGuard: () => void;
}

const leftBehind = new Map<string, LeftBehind[]>();

export function rememberLeftBehindLock(location: string, id: Id, releaseGuard: () => void): void {
  const entries = leftBehind.get(location) ?? [];
  entries.push({ id, releaseGuard });
  leftBehind.set(location, entries);
}

/** The lock files of `location` this process left behind (for tests and messages). */
export function leftBehindLocks(location: string): Id[] {
  return (leftBehind.get(location) ?? []).map((entry) => entry.id);
}

/**
 * Removes the lock files left behind at `location`; one that still cannot be removed stays remembered (and is
 * reported through `warn`), the others are forgotten.
 */
export async function removeLeftBehindLocks(
  location: string,
  remove: (id: Id) => Promise<void>,
  warn: (message: string) => void,
): Promise<void> {
  const entries = leftBehind.get(location);
  if (entries === undefined) return;
  const kept: LeftBehind[] = [];
  for (const entry of entries) {
    try {
      await remove(entry.id);
      entry.releaseGuard();
    } catch (error) {
      kept.push(entry);
      warn(
        `${location}: our earlier lock file ${entry.id.slice(0, 8)} still cannot be removed (${(error as Error).message})`,
      );
    }
  }
  if (kept.length === 0) leftBehind.delete(location);
  else leftBehind.set(location, kept);
}

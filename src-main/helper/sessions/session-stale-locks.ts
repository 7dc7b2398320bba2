/**
 * Locks left by processes that died on this machine — a helper killed in the middle of a session, the machine
 * reset — are removed before the session locks the repository. Otherwise every exclusive operation afterwards
 * (check, forget, prune, restic's as well as ours) refuses the repository until someone runs `unlock` by hand.
 * Only locks written here by a process that is no longer running are removed: a lock of another machine, or of a
 * process that still runs, is never touched (restic 0.14 removes those only through `unlock`, and so do we).
 */
import { readLocks } from '../../engine/lock/lock-listing';
import { lockStaleness, type StalenessContext } from '../../engine/lock/lock-staleness';
import type { Repository } from '../../engine/repository/repository';
import type { SessionLogger } from './session-context';

export async function removeLocksOfDeadLocalProcesses(
  repository: Repository,
  log: SessionLogger,
  staleness?: StalenessContext,
): Promise<number> {
  const dead: { id: string; description: string }[] = [];
  for await (const stored of readLocks(repository, {
    onUnreadable: (u) => log.warning(`Lock ${u.id} cannot be read, left in place: ${u.reason}`),
  })) {
    const verdict = lockStaleness(stored.lock, staleness);
    if (verdict.stale && verdict.reason === 'process')
      dead.push({ id: stored.id, description: verdict.description });
  }
  for (const lock of dead) {
    await repository.backend.remove({ type: 'lock', name: lock.id });
    log.info(`Removed lock ${lock.id.slice(0, 8)} left behind: ${lock.description}`);
  }
  return dead.length;
}

/**
 * The snapshots a `forget` judges. Like restic, a snapshot file that cannot be read or decoded (or whose time Go
 * could not parse) is skipped with a warning instead of failing the whole command: it is then neither kept by
 * the decision nor removed, so skipping it can only make `forget` do less.
 */
import { isEngineError } from '../errors';
import type { Repository } from '../repository/repository';
import { TimeZone } from '../tree/time/zone';
import type { SnapshotEntry } from './apply-keep-rules';
import { parseSnapshotClock } from './snapshot-clock';

export async function loadSnapshotsForForget(
  repository: Repository,
  onSkipped: (id: string, message: string) => void,
): Promise<SnapshotEntry[]> {
  const entries: SnapshotEntry[] = [];
  for await (const file of repository.backend.list('snapshot')) {
    try {
      const snapshot = await repository.loadSnapshot(file.name);
      parseSnapshotClock(snapshot.time, TimeZone.utc());
      entries.push({ id: file.name, snapshot });
    } catch (error) {
      if (!isEngineError(error, 'CORRUPT') && !isEngineError(error, 'NOT_FOUND')) throw error;
      onSkipped(file.name, (error as Error).message);
    }
  }
  // A stable starting order (restic's is that of parallel loading); policies only see it for equal times.
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

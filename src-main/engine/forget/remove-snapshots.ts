/**
 * Carrying out a `forget` decision: the removed snapshots' files are deleted one at a time, after the whole
 * decision was made. Each snapshot file stands alone (nothing else refers to it), so a crash or cancellation
 * between two deletions leaves a consistent repository with some snapshots still there; running `forget` again
 * finishes the job. The data they referenced stays until a prune.
 */
import { EngineError } from '../errors';
import type { Id } from '../ids';
import type { Repository } from '../repository/repository';

export interface RemoveSnapshotsOptions {
  signal?: AbortSignal;
  /** Called after each snapshot file is gone. */
  onRemoved?: (id: Id) => void;
}

export async function removeSnapshots(
  repository: Repository,
  ids: readonly Id[],
  options: RemoveSnapshotsOptions = {},
): Promise<void> {
  for (const id of ids) {
    if (options.signal?.aborted) {
      throw new EngineError('CANCELLED', 'forget cancelled: some snapshots were not removed');
    }
    await repository.backend.remove({ type: 'snapshot', name: id });
    options.onRemoved?.(id);
  }
}

/**
 * Cancellation of a prune. Before the first deletion a cancelled prune leaves every file it found (at most new,
 * additional packs and index files); after the new index is written it stops between two deletions, which is
 * just as consistent: the next prune finds what is left and finishes the job.
 */
import { EngineError } from '../errors';

export function cancelledError(detail = 'nothing was deleted'): EngineError {
  return new EngineError('CANCELLED', `prune was cancelled; ${detail}`);
}

export function throwIfCancelled(signal: AbortSignal | undefined, detail?: string): void {
  if (signal?.aborted) throw cancelledError(detail);
}

/**
 * Small helpers for the check's many small backend reads (index files, pack tails, trees): a few of them in
 * flight hide the latency of each, and cancellation is checked between items.
 */
import { EngineError } from '../errors';

export function cancelledError(): EngineError {
  return new EngineError('CANCELLED', 'the check was cancelled');
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}

/** Runs `work` for every item with at most `limit` running at once; the first failure rejects (others finish). */
export async function forEachConcurrently<T>(
  items: Iterable<T>,
  limit: number,
  signal: AbortSignal | undefined,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failure: { error: unknown } | null = null;
  const runner = async () => {
    for (;;) {
      if (failure !== null) return;
      throwIfCancelled(signal);
      const next = iterator.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
  };
  const runners = Array.from({ length: Math.max(1, limit) }, runner);
  await Promise.allSettled(runners).then((results) => {
    for (const result of results) if (result.status === 'rejected') failure ??= { error: result.reason };
  });
  if (failure !== null) throw (failure as { error: unknown }).error;
}

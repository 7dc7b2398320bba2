/**
 * `--read-data-subset`: which packs to read. `n/t` takes the packs whose ID's first byte modulo t is n-1 (restic's
 * buckets: running 1/t … t/t reads every pack exactly once); `x%` a random selection of that share of the packs.
 */
import { EngineError } from '../errors';
import type { Id } from '../ids';
import { type DataSubset, maxDataSubsetBuckets } from './check-types';

/** Parses `n/t` or `x%` (x may have decimals); INVALID_ARGUMENT naming the value otherwise. */
export function parseDataSubset(text: string): DataSubset {
  const bucket = /^(\d+)\/(\d+)$/.exec(text);
  if (bucket) {
    const part = Number(bucket[1]);
    const total = Number(bucket[2]);
    if (part < 1 || total < 1 || part > total) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `read-data subset ${text}: n/t needs positive integers with n <= t, e.g. 1/5`,
      );
    }
    if (total > maxDataSubsetBuckets) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `read-data subset ${text}: t must be at most ${maxDataSubsetBuckets}`,
      );
    }
    return { kind: 'bucket', part, total };
  }
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent) {
    const value = Number(percent[1]);
    if (!(value > 0 && value <= 100)) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `read-data subset ${text}: the percentage must be above 0% and at most 100%`,
      );
    }
    return { kind: 'percent', percent: value };
  }
  throw new EngineError(
    'INVALID_ARGUMENT',
    `read-data subset ${JSON.stringify(text)}: give n/t (e.g. 2/5) or a percentage (e.g. 10%)`,
  );
}

/** The packs to read. `random` returns a number in [0, 1) (tests pass a deterministic one). */
export function selectPacks(
  packs: readonly Id[],
  subset: DataSubset,
  random: () => number = Math.random,
): Set<Id> {
  if (subset.kind === 'all') return new Set(packs);
  if (subset.kind === 'bucket') {
    return new Set(
      packs.filter((id) => Number.parseInt(id.slice(0, 2), 16) % subset.total === subset.part - 1),
    );
  }
  let count = Math.floor(packs.length * (subset.percent / 100));
  if (packs.length > 0 && count < 1) count = 1;
  // A partial Fisher–Yates shuffle: the first `count` positions are a uniform random selection.
  const order = [...packs];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (order.length - i));
    [order[i], order[j]] = [order[j] as Id, order[i] as Id];
  }
  return new Set(order.slice(0, count));
}

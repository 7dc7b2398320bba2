/**
 * restic's `--max-unused` limit: how much unused data prune may leave in partly used packs instead of repacking
 * them. "unlimited", a percentage (of the data that remains, after the prune), or an absolute size with restic's
 * suffixes (b/B, k/K, m/M, g/G, t/T — powers of 1024). Parsing and the arithmetic follow restic 0.14's
 * verifyPruneOptions exactly, so the same flag gives the same plan.
 */
import { EngineError } from '../errors';

export type MaxUnusedLimit =
  | { kind: 'unlimited' }
  /** 0 ≤ percent < 100: unused data may be this share of the repository after pruning. */
  | { kind: 'percent'; percent: number }
  | { kind: 'bytes'; bytes: number };

/** restic's default. */
export const defaultMaxUnused: MaxUnusedLimit = { kind: 'percent', percent: 5 };

const decimal = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const integer = /^[+-]?\d+$/;
const units: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

function invalid(message: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', message);
}

/** restic's parseSizeStr: an integer with an optional unit suffix. Negative sizes are refused. */
export function parseSize(text: string): number {
  if (text === '') throw invalid('expected a size, got an empty string');
  const unit = units[text.slice(-1).toLowerCase()];
  const number = unit === undefined ? text : text.slice(0, -1);
  if (!integer.test(number)) throw invalid(`${JSON.stringify(text)} is not a size (like 100, 512k, 2G)`);
  const value = Number(number) * (unit ?? 1);
  if (value < 0) throw invalid(`a size cannot be negative: ${JSON.stringify(text)}`);
  if (!Number.isSafeInteger(value)) throw invalid(`size ${JSON.stringify(text)} is too large`);
  return value;
}

export function parseMaxUnused(text: string): MaxUnusedLimit {
  const trimmed = text.trim();
  if (trimmed === '') throw invalid(`invalid value for --max-unused: ${JSON.stringify(text)}`);
  if (trimmed === 'unlimited') return { kind: 'unlimited' };
  if (trimmed.endsWith('%')) {
    const number = trimmed.slice(0, -1);
    if (!decimal.test(number)) {
      throw invalid(`invalid percentage ${JSON.stringify(text)} passed for --max-unused`);
    }
    const percent = Number(number);
    if (percent < 0) throw invalid('percentage for --max-unused must be positive');
    if (percent >= 100) throw invalid('percentage for --max-unused must be below 100%');
    return { kind: 'percent', percent };
  }
  try {
    return { kind: 'bytes', bytes: parseSize(trimmed) };
  } catch (error) {
    throw invalid(
      `invalid number of bytes ${JSON.stringify(text)} for --max-unused: ${(error as Error).message}`,
    );
  }
}

/**
 * The unused bytes tolerated after pruning, given the bytes of used blobs: restic's `p / (100 - p) * used`
 * (p percent of what remains, used + unused), truncated to an integer as Go's uint64 conversion does.
 */
export function maxUnusedBytes(limit: MaxUnusedLimit, usedBytes: number): number {
  switch (limit.kind) {
    case 'unlimited':
      return Number.POSITIVE_INFINITY;
    case 'percent':
      return Math.floor((limit.percent / (100 - limit.percent)) * usedBytes);
    case 'bytes':
      return limit.bytes;
  }
}

export function describeMaxUnused(limit: MaxUnusedLimit): string {
  switch (limit.kind) {
    case 'unlimited':
      return 'unlimited';
    case 'percent':
      return `${limit.percent}%`;
    case 'bytes':
      return `${limit.bytes} bytes`;
  }
}

import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { maxUnusedBytes, parseMaxUnused, parseSize } from './max-unused';

describe('--max-unused, as restic 0.14 parses it', () => {
  it('takes unlimited, percentages below 100 and sizes with restic’s suffixes', () => {
    expect(parseMaxUnused('unlimited')).toEqual({ kind: 'unlimited' });
    expect(parseMaxUnused(' 5% ')).toEqual({ kind: 'percent', percent: 5 });
    expect(parseMaxUnused('0.5%')).toEqual({ kind: 'percent', percent: 0.5 });
    expect(parseMaxUnused('0%')).toEqual({ kind: 'percent', percent: 0 });
    expect(parseMaxUnused('1000')).toEqual({ kind: 'bytes', bytes: 1000 });
    expect(parseMaxUnused('10b')).toEqual({ kind: 'bytes', bytes: 10 });
    expect(parseMaxUnused('2k')).toEqual({ kind: 'bytes', bytes: 2048 });
    expect(parseMaxUnused('3M')).toEqual({ kind: 'bytes', bytes: 3 * 1024 ** 2 });
    expect(parseMaxUnused('1g')).toEqual({ kind: 'bytes', bytes: 1024 ** 3 });
    expect(parseMaxUnused('1T')).toEqual({ kind: 'bytes', bytes: 1024 ** 4 });
    expect(parseSize('7')).toBe(7);
  });

  it('refuses what restic refuses (and negative sizes, which restic would wrap around)', () => {
    for (const bad of [
      '',
      ' ',
      '100%',
      '150%',
      '-1%',
      'x%',
      '%',
      '5MB',
      'lots',
      '1.5G',
      '-5',
      'Inf%',
      'NaN%',
    ]) {
      let caught: unknown;
      try {
        parseMaxUnused(bad);
      } catch (error) {
        caught = error;
      }
      expect(isEngineError(caught, 'INVALID_ARGUMENT'), JSON.stringify(bad)).toBe(true);
    }
  });

  it('a percentage is of what remains: p / (100 - p) of the used bytes, truncated', () => {
    expect(maxUnusedBytes({ kind: 'percent', percent: 5 }, 1900)).toBe(100);
    expect(maxUnusedBytes({ kind: 'percent', percent: 50 }, 1234)).toBe(1234);
    expect(maxUnusedBytes({ kind: 'percent', percent: 10 }, 1000)).toBe(111);
    expect(maxUnusedBytes({ kind: 'percent', percent: 0 }, 1000)).toBe(0);
    expect(maxUnusedBytes({ kind: 'bytes', bytes: 42 }, 1000)).toBe(42);
    expect(maxUnusedBytes({ kind: 'unlimited' }, 1000)).toBe(Number.POSITIVE_INFINITY);
  });
});

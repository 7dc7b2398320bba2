import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { parseDataSubset, selectPacks } from './data-subset';

/** 512 distinct pack IDs, two for each first byte. */
const packs = Array.from(
  { length: 512 },
  (_, i) => `${(i % 256).toString(16).padStart(2, '0')}${i.toString(16).padStart(62, '0')}`,
);

describe('read-data subsets', () => {
  it('parses n/t and x% as restic does, and refuses anything else', () => {
    expect(parseDataSubset('2/5')).toEqual({ kind: 'bucket', part: 2, total: 5 });
    expect(parseDataSubset('12.5%')).toEqual({ kind: 'percent', percent: 12.5 });
    for (const bad of ['0/5', '6/5', '1/0', '1/257', '0%', '100.1%', '5', 'abc', '1/2/3', '-1/2', '']) {
      let error: unknown;
      try {
        parseDataSubset(bad);
      } catch (caught) {
        error = caught;
      }
      expect(isEngineError(error, 'INVALID_ARGUMENT'), bad).toBe(true);
    }
  });

  it('n/t picks by the first byte of the pack ID; 1/t … t/t cover every pack exactly once', () => {
    const seen = new Map<string, number>();
    for (let part = 1; part <= 7; part++) {
      for (const id of selectPacks(packs, { kind: 'bucket', part, total: 7 })) {
        expect(Number.parseInt(id.slice(0, 2), 16) % 7).toBe(part - 1);
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
    }
    expect(seen.size).toBe(packs.length);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
  });

  it('x% picks that share at random, at least one pack', () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const ten = selectPacks(packs, { kind: 'percent', percent: 10 }, random);
    expect(ten.size).toBe(51);
    for (const id of ten) expect(packs).toContain(id);
    const other = selectPacks(packs, { kind: 'percent', percent: 10 }, random);
    expect([...other]).not.toEqual([...ten]);
    expect(selectPacks(packs.slice(0, 3), { kind: 'percent', percent: 1 }).size).toBe(1);
    expect(selectPacks([], { kind: 'percent', percent: 50 }).size).toBe(0);
    expect(selectPacks(packs, { kind: 'all' }).size).toBe(packs.length);
  });
});

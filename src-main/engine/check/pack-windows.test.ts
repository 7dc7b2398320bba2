import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackedBlob } from '../repository/blob';
import { byOffset } from './pack-layout';
import { type PackReadPlan, planPackReads } from './pack-windows';
import { maxStoredBlobLength } from './tree-loader';

const id = (n: number) => n.toString(16).padStart(64, '0');
const blob = (n: number, offset: number, length: number): PackedBlob => ({
  type: 'data',
  id: id(n),
  offset,
  length,
});
const ranges = (plan: PackReadPlan) => plan.windows.map((w) => [w.start, w.end, w.blobs.length]);

/** The plan's promises, whatever the entries claim. */
function expectSoundPlan(
  plan: PackReadPlan,
  sorted: readonly PackedBlob[],
  size: number,
  step: number,
): void {
  let at = 0;
  for (const window of plan.windows) {
    expect(window.start).toBe(at); // contiguous from byte 0
    expect(window.end).toBeGreaterThanOrEqual(window.start);
    const length = window.end - window.start;
    const largest = Math.max(0, ...window.blobs.map((b) => b.length));
    expect(length).toBeLessThanOrEqual(Math.max(2 * step, step + largest));
    for (const b of window.blobs) {
      expect(b.offset).toBeGreaterThanOrEqual(window.start);
      expect(b.offset + b.length).toBeLessThanOrEqual(window.end);
    }
    at = window.end;
  }
  expect(at).toBe(size); // up to the last byte
  // Every entry planned exactly once.
  const planned = [...plan.windows.flatMap((w) => w.blobs), ...plan.apart, ...plan.misplaced];
  expect(planned).toHaveLength(sorted.length);
  expect(new Set(planned)).toEqual(new Set(sorted));
  for (const b of plan.apart) expect(b.offset + b.length).toBeLessThanOrEqual(size);
  for (const b of plan.misplaced) {
    expect(b.offset < 0 || b.offset + b.length > size || b.length > maxStoredBlobLength).toBe(true);
  }
}

describe('planning the reads of a pack', () => {
  it('tiles a regular pack in windows cut between blobs, the header riding with the last blobs', () => {
    const blobs = Array.from({ length: 10 }, (_, i) => blob(i, i * 1000, 1000));
    const plan = planPackReads(blobs, 10_500, 3000);
    expect(ranges(plan)).toEqual([
      [0, 3000, 3],
      [3000, 6000, 3],
      [6000, 9000, 3],
      [9000, 10_500, 1],
    ]);
    expect(plan.apart).toEqual([]);
    expect(plan.misplaced).toEqual([]);
  });

  it('gives a blob larger than a window a window of its own', () => {
    const plan = planPackReads([blob(1, 0, 100), blob(2, 100, 5000), blob(3, 5100, 100)], 5300, 1000);
    expect(ranges(plan)).toEqual([
      [0, 100, 1],
      [100, 5100, 1],
      [5100, 5300, 1],
    ]);
  });

  it('reads gaps and an oversized tail in bounded windows', () => {
    const plan = planPackReads([blob(1, 2500, 100)], 6000, 1000);
    expect(ranges(plan)).toEqual([
      [0, 1000, 0],
      [1000, 2000, 0],
      [2000, 2600, 1],
      [2600, 3600, 0],
      [3600, 4600, 0],
      [4600, 6000, 0],
    ]);
    expect(ranges(planPackReads([], 100, 1000))).toEqual([[0, 100, 0]]);
    expect(planPackReads([], 0, 1000).windows).toEqual([]);
  });

  it('sets apart entries overlapping across a cut, and never reads entries outside the pack', () => {
    const big = blob(4, 500, maxStoredBlobLength + 1);
    const sorted = byOffset([
      blob(1, 0, 800),
      blob(2, 700, 800),
      blob(3, 1400, 200),
      blob(5, 1900, 200),
      big,
    ]);
    const plan = planPackReads(sorted, 2000, 1000);
    expect(plan.misplaced.map((b) => b.id)).toEqual([id(4), id(5)]);
    expect(plan.apart.map((b) => b.id)).toEqual([id(2)]);
    expectSoundPlan(plan, sorted, 2000, 1000);
  });

  it('keeps its promises for any entries an index may claim (property)', () => {
    const entry = fc.record({ offset: fc.integer({ min: -10, max: 12_000 }), length: fc.nat({ max: 4000 }) });
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 30 }),
        fc.nat({ max: 12_000 }),
        fc.integer({ min: 1, max: 3000 }),
        (entries, size, step) => {
          const sorted = byOffset(entries.map((e, i) => blob(i, e.offset, e.length)));
          expectSoundPlan(planPackReads(sorted, size, step), sorted, size, step);
        },
      ),
    );
  });
});

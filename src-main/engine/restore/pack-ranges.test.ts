import { describe, expect, it } from 'vitest';
import type { BlobLocation } from '../repository/master-index';
import { type PlannedBlob, packRanges, type RangeFile } from './pack-ranges';

const pack = (n: number) => String(n).repeat(64).slice(0, 64);
const blob = (
  packNumber: number,
  offset: number,
  length: number,
  id = `${packNumber}:${offset}`,
): PlannedBlob => ({
  location: {
    type: 'data',
    id: id.padEnd(64, '0'),
    packId: pack(packNumber),
    offset,
    length,
  } as BlobLocation,
  plainLength: length - 32,
});
const file = (...blobs: PlannedBlob[]): RangeFile & { name?: string } => ({
  content: { blobs },
  rangeCount: -1,
});
const limits = { maxGapBytes: 1000, maxRangeBytes: 10_000 };

describe('packRanges', () => {
  it('reads each (pack, offset) once, however many files and offsets use it, and maps every use', () => {
    const shared = blob(1, 0, 132);
    const a = file(shared, blob(1, 132, 232), shared);
    const b = file(shared);
    const ranges = packRanges([a, b], limits);
    expect(ranges).toHaveLength(1);
    expect(ranges[0]).toMatchObject({ packId: pack(1), offset: 0, length: 364 });
    expect(ranges[0]?.blobs.map((x) => x.targets.map((t) => [t.file === a ? 'a' : 'b', t.offset]))).toEqual([
      [
        ['a', 0],
        ['a', 300],
        ['b', 0],
      ],
      [['a', 100]],
    ]);
    expect([a.rangeCount, b.rangeCount]).toEqual([1, 1]);
  });

  it('sorts by offset, splits at large gaps and at the range limit, and counts the ranges of each file', () => {
    const far = file(blob(1, 5000, 100), blob(1, 0, 100)); // stored out of order, 4900 bytes apart
    const long = file(blob(2, 0, 6000), blob(2, 6000, 6000)); // together longer than 10 000
    const two = file(blob(3, 0, 100), blob(4, 0, 100)); // two packs
    const ranges = packRanges([far, long, two], limits);
    expect(ranges.map((r) => [r.packId.slice(0, 1), r.offset, r.length])).toEqual([
      ['1', 0, 100],
      ['1', 5000, 100],
      ['2', 0, 6000],
      ['2', 6000, 6000],
      ['3', 0, 100],
      ['4', 0, 100],
    ]);
    expect([far.rangeCount, long.rangeCount, two.rangeCount]).toEqual([2, 2, 2]);
  });

  it('merges blobs separated by a small gap into one range covering the gap', () => {
    const f = file(blob(1, 0, 100), blob(1, 600, 100));
    const [range, ...rest] = packRanges([f], limits);
    expect(rest).toEqual([]);
    expect(range).toMatchObject({ offset: 0, length: 700 });
    expect(f.rangeCount).toBe(1);
  });
});

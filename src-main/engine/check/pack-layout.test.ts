import { describe, expect, it } from 'vitest';
import type { PackedBlob } from '../repository/blob';
import {
  byOffset,
  headerIndexDifferences,
  headerLocation,
  impliedPackSize,
  layoutProblem,
} from './pack-layout';

const id = (n: number) => n.toString(16).padStart(64, '0');
const blob = (n: number, offset: number, length: number, extra: Partial<PackedBlob> = {}): PackedBlob => ({
  type: 'data',
  id: id(n),
  offset,
  length,
  ...extra,
});

describe('pack layout', () => {
  it('entries must tile the pack from offset 0', () => {
    expect(layoutProblem(byOffset([blob(2, 100, 50), blob(1, 0, 100)]))).toBeNull();
    expect(layoutProblem([blob(1, 0, 100), blob(2, 90, 50)])).toMatch(
      /overlapping blobs: data blob 0+2 at offset 90/,
    );
    expect(layoutProblem([blob(1, 0, 100), blob(2, 120, 50)])).toMatch(
      /gap: nothing between offsets 100 and 120/,
    );
    expect(layoutProblem([blob(1, 8, 100)])).toMatch(/gap/);
  });

  it('the implied size counts blobs, header entries (37 or 41 bytes), crypto overhead and the length field', () => {
    expect(impliedPackSize([blob(1, 0, 100), blob(2, 100, 50, { uncompressedLength: 80 })])).toBe(
      150 + 37 + 41 + 32 + 4,
    );
  });

  it("the header length field must fit the file and restic's limit", () => {
    expect(headerLocation(100, 1000, 'pack p')).toEqual({ offset: 896, length: 100 });
    expect(() => headerLocation(10, 1000, 'pack p')).toThrow(/pack p: header length 10 is too small/);
    expect(() => headerLocation(997, 1000, 'pack p')).toThrow(/exceeds the file/);
    expect(() => headerLocation(50, 20, 'pack p')).toThrow(/file too small/);
    expect(() => headerLocation(17 * 1024 * 1024, 64 * 1024 * 1024, 'pack p')).toThrow(/restic's limit/);
  });

  it('header and index must list the same entries; differences are named', () => {
    const index = [blob(1, 0, 100), blob(2, 100, 50, { uncompressedLength: 70 })];
    expect(headerIndexDifferences(index, [...index].reverse())).toEqual([]);
    const wrongLength = [blob(1, 0, 100), blob(2, 100, 51, { uncompressedLength: 70 })];
    expect(headerIndexDifferences(wrongLength, index)).toEqual([
      `the header lists what the index does not: data blob ${id(2)} at offset 100 (51 bytes, 70 uncompressed)`,
      `the index lists what the header does not: data blob ${id(2)} at offset 100 (50 bytes, 70 uncompressed)`,
    ]);
    const treeInstead = [blob(1, 0, 100), blob(2, 100, 50, { uncompressedLength: 70, type: 'tree' })];
    expect(headerIndexDifferences(treeInstead, index)).toHaveLength(2);
    const many = Array.from({ length: 6 }, (_, i) => blob(10 + i, 150 + i * 10, 10));
    expect(headerIndexDifferences([...index, ...many], index)).toEqual([
      expect.stringMatching(/^the header lists what the index does not: .* and 3 more$/),
    ]);
  });
});

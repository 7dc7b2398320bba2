/**
 * Grouping the blobs a batch of files needs by pack, the way restic's file restorer does: every (pack, offset)
 * once however many files or offsets use it, in pack order, cut into byte ranges so that each range is read from
 * the backend once. Needed blobs further apart than `maxGapBytes` start a new range (reading a big gap costs more
 * than a second request); no range grows beyond `maxRangeBytes` (bounded memory).
 */
import type { Id } from '../ids';
import type { BlobLocation } from '../repository/master-index';

export interface PlannedBlob {
  location: BlobLocation;
  /** Plaintext length: the blob's share of the file. */
  plainLength: number;
}

export interface RangeFile {
  content: { blobs: readonly PlannedBlob[] };
  /** Set by `packRanges`: how many ranges hold blobs of this file. */
  rangeCount: number;
}

export interface RangeBlob<F extends RangeFile> {
  location: BlobLocation;
  plainLength: number;
  /** Where the plaintext goes: each file using the blob, at each offset it has it. */
  targets: { file: F; offset: number }[];
}

export interface PackRange<F extends RangeFile> {
  packId: Id;
  offset: number;
  length: number;
  blobs: RangeBlob<F>[];
}

export interface RangeLimits {
  maxGapBytes: number;
  maxRangeBytes: number;
}

export function packRanges<F extends RangeFile>(files: readonly F[], limits: RangeLimits): PackRange<F>[] {
  const packs = new Map<Id, Map<number, RangeBlob<F>>>();
  for (const file of files) {
    let offset = 0;
    for (const blob of file.content.blobs) {
      const { packId, offset: packOffset } = blob.location;
      let pack = packs.get(packId);
      if (pack === undefined) {
        pack = new Map();
        packs.set(packId, pack);
      }
      let entry = pack.get(packOffset);
      if (entry === undefined) {
        entry = { location: blob.location, plainLength: blob.plainLength, targets: [] };
        pack.set(packOffset, entry);
      }
      entry.targets.push({ file, offset });
      offset += blob.plainLength;
    }
  }
  const ranges: PackRange<F>[] = [];
  const lastRangeOf = new Map<F, PackRange<F>>();
  for (const file of files) file.rangeCount = 0;
  for (const [packId, pack] of packs) {
    let current: PackRange<F> | undefined;
    for (const blob of [...pack.values()].sort((a, b) => a.location.offset - b.location.offset)) {
      const end = blob.location.offset + blob.location.length;
      if (
        current === undefined ||
        blob.location.offset - (current.offset + current.length) > limits.maxGapBytes ||
        end - current.offset > limits.maxRangeBytes
      ) {
        current = { packId, offset: blob.location.offset, length: 0, blobs: [] };
        ranges.push(current);
      }
      current.length = Math.max(current.length, end - current.offset);
      current.blobs.push(blob);
      for (const { file } of blob.targets) {
        if (lastRangeOf.get(file) !== current) {
          lastRangeOf.set(file, current);
          file.rangeCount++;
        }
      }
    }
  }
  return ranges;
}

/**
 * Pure checks of a pack's layout, shared by the structure check (main thread) and the data check (worker
 * threads): the index entries of a pack must tile it from offset 0 without gaps or overlaps, the file size must be
 * what they imply, and the header stored in the pack must list exactly the blobs the index lists there, at the
 * same offsets with the same lengths (restic's checker compares type, ID, offset, length and uncompressed length).
 *
 * Nothing here allocates by a length read from the repository: lengths are compared, never used to size buffers.
 */
import { containerOverhead, decrypt } from '../crypto/container';
import type { MasterKey } from '../crypto/master-key';
import { EngineError } from '../errors';
import type { PackedBlob } from '../repository/blob';
import {
  compressedEntrySize,
  decodeHeaderEntries,
  headerLengthFieldSize,
  packFileSize,
} from '../repository/pack-header';
import { checkHeaderLength } from '../repository/pack-reader';

/** What restic reads eagerly from a pack's end: the length field and a header of up to 15 entries. */
export const eagerTailLength = 15 * compressedEntrySize + containerOverhead + headerLengthFieldSize;

/** How many differences between header and index are spelled out in one message. */
const maxListedDifferences = 3;

export function byOffset(blobs: readonly PackedBlob[]): PackedBlob[] {
  return [...blobs].sort((a, b) => a.offset - b.offset || a.length - b.length);
}

/** The size the index implies for a pack holding these blobs (as restic's `pack.Size`). */
export function impliedPackSize(blobs: readonly PackedBlob[]): number {
  return packFileSize(blobs);
}

/** null when the blobs (sorted by offset) tile the pack from 0; otherwise what is wrong. */
export function layoutProblem(sorted: readonly PackedBlob[]): string | null {
  let end = 0;
  for (const blob of sorted) {
    if (blob.offset < end) {
      return `the index has overlapping blobs: ${blob.type} blob ${blob.id} at offset ${blob.offset} starts before the previous blob ends (${end})`;
    }
    if (blob.offset > end) {
      return `the index has a gap: nothing between offsets ${end} and ${blob.offset}`;
    }
    end = blob.offset + blob.length;
  }
  return null;
}

/** Where the encrypted header is, from the trailing length field; CORRUPT when that cannot be. */
export function headerLocation(
  lengthField: number,
  fileSize: number,
  what: string,
): { offset: number; length: number } {
  if (fileSize < containerOverhead + headerLengthFieldSize) {
    throw new EngineError('CORRUPT', `${what}: file too small for a pack (${fileSize} bytes)`);
  }
  checkHeaderLength(lengthField, fileSize, what);
  return { offset: fileSize - headerLengthFieldSize - lengthField, length: lengthField };
}

/**
 * Decrypts and decodes a pack header; CORRUPT unless the blobs it lists and the header exactly fill the file
 * (a header claiming blobs beyond the file, or leaving bytes unaccounted for, is refused).
 */
export function decodePackHeader(
  key: MasterKey,
  encryptedHeader: Uint8Array,
  fileSize: number,
  what: string,
): PackedBlob[] {
  const blobs = decodeHeaderEntries(decrypt(key, encryptedHeader, `${what} header`), what);
  const expected = packFileSize(blobs);
  if (expected !== fileSize) {
    throw new EngineError(
      'CORRUPT',
      `${what}: header describes ${blobs.length} blobs making a ${expected}-byte pack, but the file has ${fileSize} bytes`,
    );
  }
  return blobs;
}

function sameEntry(a: PackedBlob, b: PackedBlob): boolean {
  return (
    a.offset === b.offset &&
    a.length === b.length &&
    a.type === b.type &&
    a.id === b.id &&
    a.uncompressedLength === b.uncompressedLength
  );
}

/** The common case, cheaply: both lists in the same (offset) order and equal entry by entry. */
function sameEntries(header: readonly PackedBlob[], index: readonly PackedBlob[]): boolean {
  if (header.length !== index.length) return false;
  for (let i = 0; i < header.length; i++) {
    if (!sameEntry(header[i] as PackedBlob, index[i] as PackedBlob)) return false;
  }
  return true;
}

function entryKey(blob: PackedBlob): string {
  return `${blob.offset}:${blob.type}:${blob.id}:${blob.length}:${blob.uncompressedLength ?? 0}`;
}

function describeEntry(blob: PackedBlob): string {
  const compressed = blob.uncompressedLength === undefined ? '' : `, ${blob.uncompressedLength} uncompressed`;
  return `${blob.type} blob ${blob.id} at offset ${blob.offset} (${blob.length} bytes${compressed})`;
}

/** Differences between the header and the index entries of one pack (empty when they agree exactly). */
export function headerIndexDifferences(
  header: readonly PackedBlob[],
  index: readonly PackedBlob[],
): string[] {
  if (sameEntries(header, index)) return [];
  const counts = new Map<string, number>();
  for (const blob of index) counts.set(entryKey(blob), (counts.get(entryKey(blob)) ?? 0) + 1);
  const onlyInHeader: PackedBlob[] = [];
  for (const blob of header) {
    const key = entryKey(blob);
    const left = counts.get(key) ?? 0;
    if (left === 0) onlyInHeader.push(blob);
    else counts.set(key, left - 1);
  }
  const onlyInIndex = index.filter((blob) => {
    const key = entryKey(blob);
    const left = counts.get(key) ?? 0;
    if (left === 0) return false;
    counts.set(key, left - 1);
    return true;
  });
  const differences: string[] = [];
  const list = (blobs: PackedBlob[], where: string) => {
    if (blobs.length === 0) return;
    const shown = blobs.slice(0, maxListedDifferences).map(describeEntry).join('; ');
    const more =
      blobs.length > maxListedDifferences ? ` and ${blobs.length - maxListedDifferences} more` : '';
    differences.push(`${where}: ${shown}${more}`);
  };
  list(onlyInHeader, 'the header lists what the index does not');
  list(onlyInIndex, 'the index lists what the header does not');
  return differences;
}

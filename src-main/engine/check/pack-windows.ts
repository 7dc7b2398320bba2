/**
 * How the data check reads a pack: in windows of a few megabytes that tile the file from its first byte to its
 * last, cut only between blobs, so each window is hashed in order as the next bytes of the pack and its blobs are
 * decoded from it. A check then holds a few windows per worker instead of whole 16 MiB packs (restic's check
 * --read-data streams packs too).
 *
 * What a damaged or hostile index claims is planned for, never trusted to size anything beyond the pack:
 * - an entry outside the pack, or longer than any blob can be, is `misplaced` — reported, never read;
 * - an entry that overlaps a window it does not start in (entries overlapping each other) is read `apart`, on its
 *   own, after the windows;
 * - a gap with no blobs is still read (hashed) in windows of at most the window size.
 * The last window runs to the end of the file, so the header usually comes with the last blobs.
 */
import type { PackedBlob } from '../repository/blob';
import { maxStoredBlobLength } from './tree-loader';

export interface PackWindow {
  /** Byte range in the pack file: [start, end). */
  start: number;
  end: number;
  /** Entries wholly inside the window, by offset. */
  blobs: PackedBlob[];
}

export interface PackReadPlan {
  /** Contiguous, in order, covering [0, size); empty only for an empty file. */
  windows: PackWindow[];
  /** Entries overlapping an earlier entry across a window boundary: read and decoded on their own. */
  apart: PackedBlob[];
  /** Entries placed (partly) outside the file, or longer than a blob can be: damaged without reading. */
  misplaced: PackedBlob[];
}

/**
 * Plans the reads of a pack of `size` bytes holding `sorted` (index entries by offset). Windows hold at most
 * `windowBytes`, except one holding a single larger blob, and the last one, which takes up to `windowBytes` more
 * to reach the end of the file (the header), so a regular pack needs no read for its header alone.
 */
export function planPackReads(
  sorted: readonly PackedBlob[],
  size: number,
  windowBytes: number,
): PackReadPlan {
  const step = Math.max(1, Math.floor(windowBytes));
  const plan: PackReadPlan = { windows: [], apart: [], misplaced: [] };
  let start = 0;
  let end = 0;
  let blobs: PackedBlob[] = [];
  const close = (at: number) => {
    plan.windows.push({ start, end: at, blobs });
    start = at;
    end = at;
    blobs = [];
  };
  for (const blob of sorted) {
    const blobEnd = blob.offset + blob.length;
    if (blob.offset < 0 || blob.length > maxStoredBlobLength || blobEnd > size) {
      plan.misplaced.push(blob);
      continue;
    }
    if (blob.offset < start) {
      plan.apart.push(blob);
      continue;
    }
    if (blobs.length > 0 && blobEnd - start > step) close(end);
    // A gap before the blob larger than a window is read in windows of its own.
    while (blobs.length === 0 && blob.offset - start > step) close(start + step);
    if (blob.offset < start) {
      plan.apart.push(blob);
      continue;
    }
    blobs.push(blob);
    end = Math.max(end, blobEnd);
  }
  if (blobs.length > 0 && size - start > 2 * step) close(end);
  // The rest of the file (the header, or a gap): windows of at most `step`, the last one reaching the end.
  while (size - start > 2 * step && blobs.length === 0) close(start + step);
  if (size > start || blobs.length > 0) close(size);
  return plan;
}

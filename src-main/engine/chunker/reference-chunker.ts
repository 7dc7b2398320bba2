/**
 * restic's content-defined chunker (restic/chunker v0.4.0) in plain TypeScript: the reference implementation.
 * The engine cuts files with `Chunker` (chunker.ts), whose byte loop is the C port of this class in the hotpath
 * addon; this class stays as the readable, independently tested definition the native loop is checked against
 * (native-chunker.test.ts) — it is not a fallback, nothing in production uses it.
 *
 * The algorithm, per chunk: skip the first MinSize − 64 bytes without hashing; then slide every byte through a
 * 64-byte Rabin fingerprint and cut after a byte when `fp & (2^20 − 1) == 0` or the chunk reached MaxSize — but
 * never before MinSize. At the end of the input the rest is the last chunk; empty input has no chunks.
 *
 * It is a streaming state machine: feed the input in buffers of any size with `push`, which reports the cut
 * offsets found so far; between buffers it keeps only the 64-byte window, the fingerprint and two counters, so
 * memory does not grow with the input and the boundaries do not depend on how the input was split.
 */
import { maxChunkSize, minChunkSize, splitMask } from './chunk-limits';
import type { ContentChunker } from './chunker';
import type { Polynomial } from './gf2-polynomial';
import { indexShiftInHi, type RabinTables, rabinTablesFor, windowSize } from './rabin-tables';

/** Bytes at the start of every chunk that are not hashed: a cut cannot happen there, and the 64 bytes before
 * MinSize are enough to fill the window for the first possible cut. */
const skipSize = minChunkSize - windowSize;
// Module-local copies of imported constants: the hot loop must not read them through a module namespace object,
// which some transpilers (CommonJS interop) turn every use into.
const windowLength = windowSize;
const topByteShift = indexShiftInHi;
const cutMask = splitMask;
const maxSize = maxChunkSize;
const minSize = minChunkSize;

export class ReferenceChunker implements ContentChunker {
  private readonly tables: RabinTables;
  /**
   * The 64 bytes hashed before the next one, oldest first. Only kept current between `push` calls and at chunk
   * starts; inside a buffer the outgoing byte is read straight from the buffer (no per-byte window writes).
   */
  private readonly window = new Uint8Array(windowSize);
  /** Fingerprint bits 32–52. */
  private fpHi = 0;
  /** Fingerprint bits 0–31 (as int32; only its bit pattern matters). */
  private fpLo = 0;
  /** Bytes of the current chunk seen so far. */
  private count = 0;
  /** Bytes pushed since the start of the input. */
  private consumed = 0;

  constructor(polynomial: Polynomial) {
    this.tables = rabinTablesFor(polynomial);
    this.startChunk();
  }

  /** Bytes pushed since the start of the current input. */
  get position(): number {
    return this.consumed;
  }

  /**
   * Feeds the next bytes of the input. Returns the cuts found in them as input offsets (each the exclusive end
   * of a chunk), ascending. The chunker does not keep `data`; the caller may reuse it afterwards.
   */
  push(data: Uint8Array): number[] {
    // One array type in the hot loop whether the caller passes a Buffer or a plain Uint8Array.
    const bytes =
      data.constructor === Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
    const cuts: number[] = [];
    const length = bytes.length;
    let i = 0;
    while (i < length) {
      if (this.count < skipSize) {
        const step = Math.min(skipSize - this.count, length - i);
        this.count += step;
        i += step;
        continue;
      }
      const untilMax = maxSize - this.count;
      const end = Math.min(length, i + untilMax);
      // Index of the byte after which the chunk has MinSize bytes; no cut before it.
      const firstCutIndex = i + (minSize - this.count) - 1;
      const hit = this.hash(bytes, i, end, firstCutIndex);
      if (hit >= 0 || end - i === untilMax) {
        const cut = hit >= 0 ? hit + 1 : end;
        cuts.push(this.consumed + cut);
        this.startChunk();
        i = cut;
      } else {
        this.rememberWindow(bytes, i, end);
        this.count += end - i;
        i = end;
      }
    }
    this.consumed += length;
    return cuts;
  }

  /**
   * Ends the input. Returns the end offset of the last chunk, or undefined when there is none pending (the input
   * was empty or ended exactly at a cut). The chunker is then ready for a new input (each file starts fresh).
   */
  finish(): number | undefined {
    const lastEnd = this.count > 0 ? this.consumed : undefined;
    this.consumed = 0;
    this.startChunk();
    return lastEnd;
  }

  /**
   * restic's reset: an empty window and fingerprint, then the byte 0x01 slid in. Its trace leaves the window
   * after 64 more bytes, before the first possible cut, but it is part of the state, so it is reproduced.
   */
  private startChunk(): void {
    this.window.fill(0);
    this.window[windowSize - 1] = 1;
    // Sliding 0x01 into a zero state: out[0] = 0, mod[0] = 0, so fp = 1.
    this.fpHi = 0;
    this.fpLo = 1;
    this.count = 0;
  }

  /**
   * Slides bytes[start, end) through the fingerprint. Returns the index of the first byte at or after
   * `firstCutIndex` after which fp matches the split mask, or -1 (then the fingerprint state is saved).
   * The hot loop: per byte two table lookups to remove the outgoing byte, two to reduce, no allocation.
   */
  private hash(bytes: Uint8Array, start: number, end: number, firstCutIndex: number): number {
    const { outHi, outLo, modHi, modLo } = this.tables;
    const window = this.window;
    let hi = this.fpHi;
    let lo = this.fpLo;
    // The first 64 bytes push out the bytes of the saved window; later ones push out bytes of this buffer.
    const headEnd = Math.min(end, start + windowLength);
    let j = start;
    for (; j < headEnd; j++) {
      const out = window[j - start]!;
      hi ^= outHi[out]!;
      lo ^= outLo[out]!;
      const top = hi >>> topByteShift;
      hi = ((hi << 8) | (lo >>> 24)) ^ modHi[top]!;
      lo = ((lo << 8) | bytes[j]!) ^ modLo[top]!;
      if ((lo & cutMask) === 0 && j >= firstCutIndex) return j;
    }
    for (; j < end; j++) {
      const out = bytes[j - windowLength]!;
      hi ^= outHi[out]!;
      lo ^= outLo[out]!;
      const top = hi >>> topByteShift;
      hi = ((hi << 8) | (lo >>> 24)) ^ modHi[top]!;
      lo = ((lo << 8) | bytes[j]!) ^ modLo[top]!;
      if ((lo & cutMask) === 0 && j >= firstCutIndex) return j;
    }
    this.fpHi = hi;
    this.fpLo = lo;
    return -1;
  }

  /** After hashing bytes[start, end) without a cut, the window becomes the last 64 bytes of history. */
  private rememberWindow(bytes: Uint8Array, start: number, end: number): void {
    const hashed = end - start;
    if (hashed >= windowSize) {
      this.window.set(bytes.subarray(end - windowSize, end));
    } else {
      this.window.copyWithin(0, hashed);
      this.window.set(bytes.subarray(start, end), windowSize - hashed);
    }
  }
}

/** The chunk end offsets of a whole buffer by the reference implementation (for tests). */
export function referenceChunkBoundaries(data: Uint8Array, polynomial: Polynomial): number[] {
  const chunker = new ReferenceChunker(polynomial);
  const ends = chunker.push(data);
  const last = chunker.finish();
  if (last !== undefined) ends.push(last);
  return ends;
}

/**
 * The memory a chunk worker cuts chunks into. A chunk is up to 8 MiB and has to be one contiguous buffer (it is
 * hashed, compressed and encrypted as a whole), but most are near 1 MiB and most files are far smaller.
 *
 * - ChunkBufferPool recycles chunk-sized buffers. A fresh large buffer comes from mmap and costs a page fault per
 *   4 KiB on first touch — over a backup, hundreds of thousands of faults and seconds of kernel time — so large
 *   chunks take buffers of a power-of-two size from a free list and give them back once encoded. The free list is
 *   capped: what it holds is resident memory that nothing uses.
 * - ChunkAssembler collects the bytes of the chunk being cut as reads arrive, straight into such a buffer, which
 *   then becomes the chunk: each byte is copied once (read buffer → chunk), and nothing of the size of the largest
 *   possible chunk is held unless a chunk that large is being cut.
 */
import { discardBuffer } from '../parallel/garbage-collector';

/** Chunks below this size are plain allocations: cheap from malloc, and they would waste a pooled buffer. */
export const minPooledChunk = 256 * 1024;
/** First buffer for a chunk that spans reads; it doubles (one copy) if the chunk grows beyond it. */
const firstAssemblySize = 2 * 1024 * 1024;

export class ChunkBufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private freeBytes = 0;

  constructor(private readonly maxFreeBytes = 8 * 1024 * 1024) {}

  /** A buffer of `length` bytes (contents undefined): pooled when large, with room up to the next power of two. */
  take(length: number): Buffer {
    if (length < minPooledChunk) return Buffer.allocUnsafeSlow(length);
    const size = 2 ** Math.ceil(Math.log2(length));
    const reused = this.free.get(size)?.pop();
    if (reused !== undefined) this.freeBytes -= size;
    return Buffer.from(reused ?? Buffer.allocUnsafeSlow(size).buffer, 0, length);
  }

  /** A copy of `source` in a buffer of its own. */
  copyOf(source: Uint8Array): Buffer {
    const copy = this.take(source.length);
    copy.set(source);
    return copy;
  }

  /** Takes a chunk's buffer back once nothing uses it any more; keeps it only while the free list has room. */
  give(chunk: Uint8Array): void {
    const buffer = chunk.buffer as ArrayBuffer;
    const size = buffer.byteLength;
    if (chunk.byteOffset !== 0 || size < minPooledChunk || (size & (size - 1)) !== 0) return;
    if (this.freeBytes + size > this.maxFreeBytes) {
      // Not kept, and given back because nothing reads it again: its pages go now, not at the next collection.
      discardBuffer(new Uint8Array(buffer));
      return;
    }
    const list = this.free.get(size) ?? [];
    list.push(buffer);
    this.free.set(size, list);
    this.freeBytes += size;
  }

  /** Bytes held in the free list (for tests and measurements). */
  get idleBytes(): number {
    return this.freeBytes;
  }
}

/** Resident bytes a chunk occupies: its whole buffer when pooled (the pages of a reused buffer were touched). */
export function chunkFootprint(chunk: Uint8Array): number {
  return chunk.byteOffset === 0 && chunk.length >= minPooledChunk ? chunk.buffer.byteLength : chunk.length;
}

/** Collects the bytes of the chunk being cut across reads; see the module comment. */
export class ChunkAssembler {
  private pending: Buffer | null = null;
  private length = 0;

  constructor(private readonly pool: ChunkBufferPool) {}

  /** Bytes collected for the current chunk. */
  get size(): number {
    return this.length;
  }

  /** Adds bytes of the current chunk (copied; `bytes` may be reused by the caller afterwards). */
  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const needed = this.length + bytes.length;
    const pending = this.pending === null || needed > this.pending.length ? this.grow(needed) : this.pending;
    pending.set(bytes, this.length);
    this.length = needed;
  }

  /**
   * Ends the current chunk with `tail` (its last bytes) and returns it: the collected buffer itself, or a buffer
   * of its exact size when the chunk is small (so a small chunk never holds a large buffer).
   */
  take(tail: Uint8Array): Buffer {
    if (this.pending === null) return this.pool.copyOf(tail);
    this.append(tail);
    const pending = this.pending as Buffer;
    const length = this.length;
    this.pending = null;
    this.length = 0;
    if (length < minPooledChunk) {
      const chunk = this.pool.copyOf(pending.subarray(0, length));
      this.pool.give(pending);
      return chunk;
    }
    return Buffer.from(pending.buffer, 0, length);
  }

  /** Drops the collected bytes (a file that could not be read to its end). */
  reset(): void {
    if (this.pending !== null) this.pool.give(this.pending);
    this.pending = null;
    this.length = 0;
  }

  /** Moves the collected bytes into a buffer with room for `needed`, at least doubling (one copy per doubling). */
  private grow(needed: number): Buffer {
    const old = this.pending;
    const taken = this.pool.take(Math.max(needed, firstAssemblySize, 2 * (old?.length ?? 0)));
    // The pool hands out views as long as asked for; the assembler uses the buffer's whole room.
    const grown = Buffer.from(taken.buffer, 0, taken.buffer.byteLength);
    if (old !== null) {
      grown.set(old.subarray(0, this.length));
      this.pool.give(old);
    }
    this.pending = grown;
    return grown;
  }
}

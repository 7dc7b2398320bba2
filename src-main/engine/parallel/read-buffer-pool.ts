/**
 * Buffers for the large reads the main thread hands to workers (a check's packs, a restore's pack ranges): the
 * worker hands each buffer back with its reply (transferred both ways, never copied), and the next read goes into
 * it. A read into a fresh buffer costs a page fault per 4 KiB, and a dead buffer stays resident until a
 * collection; reused, the same few buffers carry every read, and memory stays at what is in flight.
 *
 * Buffers are made in power-of-two sizes, so a spare fits the next read of about the same size (packs vary by a
 * few hundred kilobytes around 16 MiB; sized to the megabyte, a spare too small by one step was useless). The room
 * beyond a read costs nothing: large buffers are mapped on their own, and pages never touched are not resident;
 * a spare taken for a smaller read than it held before releases the pages beyond the new read, so a buffer's
 * memory follows what it holds now, not the largest read it ever held.
 * A buffer handed back beyond `maxSpare` has its pages released at once (discardBuffer) and is counted to
 * `dropped`, so the caller's collector frees its object soon.
 */
import { discardBuffer, type GarbagePacer } from './garbage-collector';

/** Reads from this size up use pooled buffers. */
export const pooledReadSize = 1024 * 1024;

export class ReadBufferPool {
  private readonly spare: ArrayBuffer[] = [];
  /** Buffers this pool made: only those may be transferred whole (a backend's small buffer may share memory). */
  private readonly ours = new WeakSet<ArrayBuffer>();

  /** `maxSpare`: buffers kept for the next reads (those in flight come back one by one: one is usually enough). */
  constructor(
    private readonly maxSpare: number,
    private readonly dropped?: GarbagePacer,
  ) {}

  /** A buffer of `length` bytes to read into — the smallest spare one that fits, or a new one; none when small. */
  take(length: number): Uint8Array | undefined {
    if (length < pooledReadSize) return undefined;
    let best = -1;
    for (let i = 0; i < this.spare.length; i++) {
      const size = this.spare[i]?.byteLength ?? 0;
      if (size >= length && (best < 0 || size < (this.spare[best]?.byteLength ?? 0))) best = i;
    }
    let buffer: ArrayBuffer;
    if (best >= 0) {
      buffer = this.spare.splice(best, 1)[0] as ArrayBuffer;
      discardBuffer(new Uint8Array(buffer, length)); // pages not yet touched are not resident: a no-op for them
    } else {
      buffer = Buffer.allocUnsafeSlow(2 ** Math.ceil(Math.log2(length))).buffer as ArrayBuffer;
    }
    this.ours.add(buffer);
    return new Uint8Array(buffer, 0, length);
  }

  /** Whether `data` lies in a buffer of this pool (and so may be transferred whole). */
  owns(data: Uint8Array): boolean {
    return this.ours.has(data.buffer as ArrayBuffer);
  }

  /**
   * Takes back a buffer a worker handed back. A transferred buffer arrives as a new object, so it cannot be
   * recognised by identity: the caller passes only what a worker returned of a read it was sent (the worker's own
   * after the transfer; nothing else refers to it), and only buffers of a pooled size are kept. A spare replaces a
   * smaller one, so the pool keeps the buffers that fit the most reads.
   */
  giveBack(data: Uint8Array | undefined): void {
    if (data === undefined || !(data.buffer instanceof ArrayBuffer)) return;
    const buffer = data.buffer;
    if (buffer.byteLength < pooledReadSize || this.spare.includes(buffer)) return;
    this.spare.push(buffer);
    this.spare.sort((a, b) => b.byteLength - a.byteLength);
    while (this.spare.length > this.maxSpare) {
      const extra = this.spare.pop() as ArrayBuffer;
      // Nothing reads it again: its pages go now, its object at the next collection.
      discardBuffer(new Uint8Array(extra));
      this.dropped?.note(extra.byteLength);
    }
  }

  /** Bytes of the spare buffers (for tests and measurements). */
  get spareBytes(): number {
    return this.spare.reduce((sum, spare) => sum + spare.byteLength, 0);
  }
}

/**
 * Whether a buffer may be transferred to a worker: one of `pool`'s, or one that owns all of its memory (a large
 * read's). A small Buffer may be a view into Node's shared 8 KiB pool, which a transfer would take from every
 * other Buffer in it; those are copied instead.
 */
export function transferable(data: Uint8Array, pool: ReadBufferPool): boolean {
  return pool.owns(data) || (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength);
}

/**
 * Buffers for the large reads the main thread hands to workers (a check's packs, a restore's pack ranges): the
 * worker hands each buffer back with its reply (transferred both ways, never copied), and the next read goes into
 * it. A read into a fresh buffer costs a page fault per 4 KiB, and the dead buffer would wait in the worker for a
 * collection; reused, the same few buffers carry every read, and memory stays at what is in flight. Spare buffers
 * are only ever ones that were in flight, so keeping up to the bytes in flight keeps nothing extra; one handed back
 * beyond that is dropped and counted (`dropped`), so the caller's collector frees it soon.
 */
import type { GarbagePacer } from './garbage-collector';

/** Reads from this size up use pooled buffers, sized in steps of it (so one fits the next range of similar size). */
export const pooledReadSize = 1024 * 1024;

export class ReadBufferPool {
  private readonly spare: ArrayBuffer[] = [];
  /** Buffers this pool made: only those may be transferred whole (a backend's small buffer may share memory). */
  private readonly ours = new WeakSet<ArrayBuffer>();

  /**
   * `maxSpareBytes`: spare buffers kept beyond that are left to the collector — told through `dropped`, as they
   * arrive in this thread's young generation and die there.
   */
  constructor(
    private readonly maxSpareBytes: number,
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
    const buffer =
      best >= 0
        ? (this.spare.splice(best, 1)[0] as ArrayBuffer)
        : (Buffer.allocUnsafeSlow(Math.ceil(length / pooledReadSize) * pooledReadSize).buffer as ArrayBuffer);
    this.ours.add(buffer);
    return new Uint8Array(buffer, 0, length);
  }

  /** Whether `data` lies in a buffer of this pool (and so may be transferred whole). */
  owns(data: Uint8Array): boolean {
    return this.ours.has(data.buffer as ArrayBuffer);
  }

  /** Takes back a buffer a worker handed back; kept while the spare ones stay within the limit. */
  giveBack(data: Uint8Array | undefined): void {
    if (data === undefined || !this.owns(data)) return;
    const buffer = data.buffer as ArrayBuffer;
    if (this.spare.includes(buffer)) return;
    if (this.spareBytes + buffer.byteLength <= this.maxSpareBytes) this.spare.push(buffer);
    else this.dropped?.note(buffer.byteLength);
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

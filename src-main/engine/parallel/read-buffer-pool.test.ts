import { describe, expect, it } from 'vitest';
import type { GarbagePacer } from './garbage-collector';
import { pooledReadSize, ReadBufferPool, transferable } from './read-buffer-pool';

const MiB = 1024 * 1024;

describe('ReadBufferPool', () => {
  it('gives no buffer for small reads, and large ones rounded up to a power of two', () => {
    const pool = new ReadBufferPool(4);
    expect(pool.take(pooledReadSize - 1)).toBeUndefined();
    const buffer = pool.take(16 * MiB + 5);
    expect(buffer?.length).toBe(16 * MiB + 5);
    expect(buffer?.byteOffset).toBe(0);
    expect(buffer?.buffer.byteLength).toBe(32 * MiB);
  });

  it('reuses a buffer handed back: the smallest spare one that fits', () => {
    const pool = new ReadBufferPool(4);
    const big = pool.take(20 * MiB) as Uint8Array;
    const small = pool.take(4 * MiB) as Uint8Array;
    pool.giveBack(big);
    pool.giveBack(small);
    pool.giveBack(small); // twice: kept once
    expect(pool.spareBytes).toBe(36 * MiB);
    expect(pool.take(3 * MiB)?.buffer).toBe(small.buffer);
    expect(pool.take(3 * MiB)?.buffer).toBe(big.buffer);
    expect(pool.spareBytes).toBe(0);
  });

  it('keeps the largest spares up to its limit, releasing and reporting the others', () => {
    const noted: number[] = [];
    const pacer: GarbagePacer = { note: (bytes) => noted.push(bytes) };
    const pool = new ReadBufferPool(1, pacer);
    const small = pool.take(3 * MiB) as Uint8Array;
    const large = pool.take(9 * MiB) as Uint8Array;
    pool.giveBack(small);
    pool.giveBack(large);
    expect(pool.spareBytes).toBe(16 * MiB);
    expect(noted).toEqual([4 * MiB]);
    expect(pool.take(5 * MiB)?.buffer).toBe(large.buffer);
  });

  it('reuses a buffer that went to a worker and came back (a transfer makes a new object each way)', () => {
    const pool = new ReadBufferPool(1);
    const sent = pool.take(16 * MiB + 5) as Uint8Array;
    sent[0] = 42;
    // What postMessage does with a transferred buffer, there and back.
    const atWorker = structuredClone(sent, { transfer: [sent.buffer as ArrayBuffer] });
    const back = structuredClone(atWorker, { transfer: [atWorker.buffer as ArrayBuffer] });
    expect(back.buffer).not.toBe(sent.buffer);
    pool.giveBack(back);
    expect(pool.spareBytes).toBe(32 * MiB);
    const again = pool.take(17 * MiB) as Uint8Array;
    expect(again.buffer).toBe(back.buffer);
    expect(again[0]).toBe(42); // the same memory, not a fresh allocation
  });

  it('keeps no small buffers; transfers only its own or buffers that own their memory', () => {
    const pool = new ReadBufferPool(4);
    const foreign = Buffer.alloc(2 * MiB);
    pool.giveBack(Buffer.alloc(pooledReadSize - 1));
    pool.giveBack(undefined);
    expect(pool.spareBytes).toBe(0);
    const ours = pool.take(2 * MiB) as Uint8Array;
    expect(pool.owns(ours)).toBe(true);
    expect(transferable(ours.subarray(0, 10), pool)).toBe(true);
    expect(transferable(foreign, pool)).toBe(true);
    // A small Buffer shares Node's 8 KiB pool with other Buffers: never transferred.
    expect(transferable(Buffer.from('small'), pool)).toBe(false);
  });
});

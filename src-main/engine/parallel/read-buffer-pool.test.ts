import { describe, expect, it } from 'vitest';
import type { GarbagePacer } from './garbage-collector';
import { pooledReadSize, ReadBufferPool, transferable } from './read-buffer-pool';

const MiB = 1024 * 1024;

describe('ReadBufferPool', () => {
  it('gives no buffer for small reads, and large ones rounded up to whole megabytes', () => {
    const pool = new ReadBufferPool(64 * MiB);
    expect(pool.take(pooledReadSize - 1)).toBeUndefined();
    const buffer = pool.take(16 * MiB + 5);
    expect(buffer?.length).toBe(16 * MiB + 5);
    expect(buffer?.byteOffset).toBe(0);
    expect(buffer?.buffer.byteLength).toBe(17 * MiB);
  });

  it('reuses a buffer handed back: the smallest spare one that fits', () => {
    const pool = new ReadBufferPool(64 * MiB);
    const big = pool.take(20 * MiB) as Uint8Array;
    const small = pool.take(4 * MiB) as Uint8Array;
    pool.giveBack(big);
    pool.giveBack(small);
    pool.giveBack(small); // twice: kept once
    expect(pool.spareBytes).toBe(24 * MiB);
    expect(pool.take(3 * MiB)?.buffer).toBe(small.buffer);
    expect(pool.take(3 * MiB)?.buffer).toBe(big.buffer);
    expect(pool.spareBytes).toBe(0);
  });

  it('keeps spares up to its limit and reports the dropped ones to the pacer', () => {
    const noted: number[] = [];
    const pacer: GarbagePacer = { note: (bytes) => noted.push(bytes) };
    const pool = new ReadBufferPool(10 * MiB, pacer);
    const a = pool.take(8 * MiB);
    const b = pool.take(8 * MiB);
    pool.giveBack(a);
    pool.giveBack(b);
    expect(pool.spareBytes).toBe(8 * MiB);
    expect(noted).toEqual([8 * MiB]);
  });

  it('takes back only its own buffers; transfers only its own or buffers that own their memory', () => {
    const pool = new ReadBufferPool(64 * MiB);
    const foreign = Buffer.alloc(2 * MiB);
    pool.giveBack(foreign);
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

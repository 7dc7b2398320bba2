import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChunkAssembler, ChunkBufferPool, chunkFootprint, minPooledChunk } from './chunk-buffers';

const MiB = 1024 * 1024;

describe('ChunkBufferPool', () => {
  it('gives small chunks exact buffers of their own, large ones power-of-two buffers it takes back', () => {
    const pool = new ChunkBufferPool(8 * MiB);
    const small = pool.take(1000);
    expect(small.length).toBe(1000);
    expect(small.buffer.byteLength).toBeLessThan(minPooledChunk);
    pool.give(small); // not pooled: left to the collector
    expect(pool.idleBytes).toBe(0);

    const large = pool.take(MiB + 1);
    expect(large.length).toBe(MiB + 1);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength).toBe(2 * MiB);
    pool.give(large);
    expect(pool.idleBytes).toBe(2 * MiB);
    const again = pool.take(1.5 * MiB);
    expect(again.buffer).toBe(large.buffer); // the same memory, reused
    expect(pool.idleBytes).toBe(0);
  });

  it('keeps no more than its limit idle, and refuses views it did not make', () => {
    const pool = new ChunkBufferPool(4 * MiB);
    const a = pool.take(2 * MiB);
    const b = pool.take(2 * MiB);
    const c = pool.take(2 * MiB);
    for (const chunk of [a, b, c]) pool.give(chunk);
    expect(pool.idleBytes).toBe(4 * MiB);
    pool.give(Buffer.alloc(3 * MiB)); // not a power of two
    pool.give(Buffer.from(new ArrayBuffer(2 * MiB), 4096, MiB)); // a view inside a buffer
    expect(pool.idleBytes).toBe(4 * MiB);
  });

  it('copies exactly', () => {
    const pool = new ChunkBufferPool();
    const source = randomBytes(700 * 1024);
    const copy = pool.copyOf(source);
    expect(copy.equals(source)).toBe(true);
    expect(copy.buffer).not.toBe(source.buffer);
  });

  it('counts a pooled chunk by its whole buffer, a small one by its length', () => {
    const pool = new ChunkBufferPool();
    expect(chunkFootprint(pool.take(3 * MiB))).toBe(4 * MiB);
    expect(chunkFootprint(pool.take(1234))).toBe(1234);
  });
});

describe('ChunkAssembler', () => {
  /** Cuts `data` at `cuts` (end offsets), feeding it in reads of `readSize` as the chunk worker does. */
  function assemble(data: Buffer, cuts: number[], readSize: number, pool = new ChunkBufferPool()): Buffer[] {
    const assembler = new ChunkAssembler(pool);
    const chunks: Buffer[] = [];
    let next = 0;
    for (let base = 0; base < data.length; base += readSize) {
      const read = data.subarray(base, base + readSize);
      let consumed = 0;
      while (next < cuts.length && (cuts[next] as number) <= base + read.length) {
        const end = (cuts[next++] as number) - base;
        chunks.push(assembler.take(read.subarray(consumed, end)));
        consumed = end;
      }
      assembler.append(read.subarray(consumed));
    }
    if (assembler.size > 0) chunks.push(assembler.take(Buffer.alloc(0)));
    return chunks;
  }

  it('rebuilds every chunk exactly, within a read, across reads, and growing past its first buffer', () => {
    const data = randomBytes(13 * MiB + 12345);
    // Chunks of every kind: inside one read, spanning reads, larger than the first 2 MiB buffer, a small tail.
    const cuts = [100_000, 600_000, 3 * MiB + 7, 3 * MiB + 500_000, 11 * MiB + 3, 13 * MiB];
    for (const readSize of [64 * 1024, MiB, 3 * MiB]) {
      const chunks = assemble(data, cuts, readSize);
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
      const ends = [...cuts, data.length];
      expect(chunks.map((chunk) => chunk.length)).toEqual(ends.map((end, i) => end - (ends[i - 1] ?? 0)));
    }
  });

  it('hands small chunks out in buffers of their size, never a large pooled one', () => {
    const data = randomBytes(3 * MiB);
    const chunks = assemble(data, [1000, MiB + 2000, MiB + 3000], MiB);
    expect(chunks.map((chunk) => chunk.buffer.byteLength < minPooledChunk)).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('reuses buffers taken back by the pool, and reset drops a half-read chunk', () => {
    const pool = new ChunkBufferPool(16 * MiB);
    const assembler = new ChunkAssembler(pool);
    assembler.append(randomBytes(MiB));
    assembler.append(randomBytes(MiB));
    const first = assembler.take(randomBytes(10));
    pool.give(first);
    assembler.append(randomBytes(MiB));
    assembler.reset();
    expect(assembler.size).toBe(0);
    expect(pool.idleBytes).toBeGreaterThan(0);
    const second = assembler.take(randomBytes(300 * 1024));
    expect(second.length).toBe(300 * 1024);
  });
});

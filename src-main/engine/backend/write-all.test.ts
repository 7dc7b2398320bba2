import { describe, expect, it } from 'vitest';
import { type VectorWriter, writeAll } from './write-all';

/** A writer that takes at most `limit` bytes per call, as a pipe or a full disk may. */
function shortWriter(limit: number): VectorWriter & { written: Buffer[]; calls: number } {
  const writer = {
    written: [] as Buffer[],
    calls: 0,
    async writev(buffers: Uint8Array[]) {
      writer.calls++;
      let left = limit;
      for (const buffer of buffers) {
        if (left === 0) break;
        const taken = buffer.subarray(0, left);
        writer.written.push(Buffer.from(taken));
        left -= taken.length;
      }
      return { bytesWritten: limit - left };
    },
  };
  return writer;
}

describe('writeAll', () => {
  it('resumes after short writes, inside parts and at their boundaries, skipping empty parts', async () => {
    const parts = [
      Buffer.from('abc'),
      Buffer.alloc(0),
      Buffer.from('defgh'),
      Buffer.from('i'),
      Buffer.alloc(0),
    ];
    for (const limit of [1, 2, 3, 4, 9, 100]) {
      const writer = shortWriter(limit);
      await writeAll(writer, parts);
      expect(Buffer.concat(writer.written).toString(), `limit ${limit}`).toBe('abcdefghi');
      expect(writer.calls).toBe(Math.ceil(9 / limit));
    }
  });

  it('sends at most 512 buffers per call', async () => {
    const writer = shortWriter(Number.MAX_SAFE_INTEGER);
    const batches: number[] = [];
    const counting: VectorWriter = {
      writev: (buffers) => {
        batches.push(buffers.length);
        return writer.writev(buffers);
      },
    };
    await writeAll(
      counting,
      Array.from({ length: 1100 }, () => Buffer.from('x')),
    );
    expect(batches).toEqual([512, 512, 76]);
    expect(Buffer.concat(writer.written).length).toBe(1100);
  });
});

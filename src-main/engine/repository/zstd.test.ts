import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Compressor } from 'zstd-napi';
import { corruptMessage } from '../testing/corrupt-message';
import {
  compressZstd,
  compressZstdPrefixed,
  compressZstdTransient,
  decompressZstd,
  decompressZstdTransient,
} from './zstd';

describe('zstd wrapper', () => {
  it('round-trips with and without a known length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (data) => {
        const frame = compressZstd(data);
        expect(decompressZstd(frame, { what: 'x', expectedLength: data.length })).toEqual(Buffer.from(data));
        expect(decompressZstd(frame, { what: 'x' })).toEqual(Buffer.from(data));
      }),
    );
  });

  it('writes one frame with the content size and without a checksum', () => {
    const frame = compressZstd(Buffer.alloc(10_000, 'a'));
    expect(frame.readUInt32LE(0)).toBe(0xfd2fb528);
    const descriptor = frame[4] ?? 0;
    expect(descriptor & 0x04).toBe(0); // Content_Checksum_flag
    expect(descriptor >> 6).not.toBe(0); // Frame_Content_Size_flag: size present
  });

  it('gives the same frames from the scratch buffer, each valid until the next call', () => {
    const inputs = [
      Buffer.alloc(10_000, 'a'),
      randomBytes(3000),
      Buffer.from('x'.repeat(200_000)),
      Buffer.alloc(0),
    ];
    for (const input of inputs) {
      const transient = compressZstdTransient(input);
      expect(Buffer.from(transient)).toEqual(compressZstd(input));
      expect(decompressZstd(transient, { what: 'x', expectedLength: input.length })).toEqual(input);
    }
    // The scratch buffer is reused: an earlier result is overwritten by a later call.
    const first = compressZstdTransient(Buffer.alloc(50_000, 'q'));
    const copy = Buffer.from(first);
    compressZstdTransient(randomBytes(50_000));
    expect(first.equals(copy)).toBe(false);
  });

  it('decodes frames without a declared content size (as restic sometimes writes) and concatenated frames', () => {
    const noSize = new Compressor();
    noSize.setParameters({ compressionLevel: 3, contentSizeFlag: false });
    const a = Buffer.from('first frame '.repeat(100));
    const b = randomBytes(3000);
    const frames = Buffer.concat([noSize.compress(a), compressZstd(b)]);
    const expected = Buffer.concat([a, b]);
    expect(decompressZstd(frames, { what: 'x' })).toEqual(expected);
    expect(decompressZstd(frames, { what: 'x', expectedLength: expected.length })).toEqual(expected);
  });

  it('rejects a length other than the expected one', () => {
    const frame = compressZstd(Buffer.alloc(1000, 1));
    expect(corruptMessage(() => decompressZstd(frame, { what: 'blob b1', expectedLength: 999 }))).toContain(
      'blob b1',
    );
    expect(corruptMessage(() => decompressZstd(frame, { what: 'blob b1', expectedLength: 1001 }))).toContain(
      'expected 1001',
    );
  });

  it('caps output when the length is unknown (a small frame cannot inflate past the cap)', () => {
    const bomb = compressZstd(Buffer.alloc(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024);
    expect(
      corruptMessage(() => decompressZstd(bomb, { what: 'index file i', maxLength: 1024 * 1024 })),
    ).toContain('more than');
    expect(
      corruptMessage(() =>
        decompressZstd(bomb, { what: 'blob', expectedLength: 2 ** 31, maxLength: 2 ** 20 }),
      ),
    ).toContain('implausible');
  });

  it('reports garbage, truncated and empty input as CORRUPT naming the object', () => {
    const frame = compressZstd(Buffer.from('hello world '.repeat(50)));
    expect(corruptMessage(() => decompressZstd(randomBytes(100), { what: 'snapshot s1' }))).toContain(
      'snapshot s1',
    );
    expect(
      corruptMessage(() => decompressZstd(frame.subarray(0, frame.length - 3), { what: 'idx' })),
    ).toContain('idx');
    expect(
      corruptMessage(() => decompressZstd(frame.subarray(0, 10), { what: 'idx', expectedLength: 600 })),
    ).toContain('idx');
    expect(corruptMessage(() => decompressZstd(Buffer.alloc(0), { what: 'empty' }))).toContain('empty');
    // A failed call must not poison the next one.
    expect(decompressZstd(frame, { what: 'ok' }).toString()).toBe('hello world '.repeat(50));
  });

  it('compresses behind a prefix into one buffer: the same frame as compressZstd', () => {
    for (const data of [
      Buffer.alloc(0),
      Buffer.from('abc'),
      randomBytes(70_000),
      Buffer.alloc(3_000_000, 7),
    ]) {
      const prefixed = compressZstdPrefixed(data, Uint8Array.of(2));
      expect(prefixed[0]).toBe(2);
      expect(prefixed.subarray(1).equals(compressZstd(data))).toBe(true);
      expect(decompressZstd(prefixed.subarray(1), { what: 'x' }).equals(data)).toBe(true);
    }
  });

  it('decompresses into the scratch buffer (transient): right bytes, reused memory, large frames apart', () => {
    const a = Buffer.alloc(200_000, 1);
    const b = randomBytes(300_000);
    const first = decompressZstdTransient(compressZstd(a), { what: 'a', expectedLength: a.length });
    expect(first.equals(a)).toBe(true);
    const second = decompressZstdTransient(compressZstd(b), { what: 'b', expectedLength: b.length });
    expect(second.equals(b)).toBe(true);
    expect(second.buffer).toBe(first.buffer); // one scratch buffer, valid until the next call
    const huge = Buffer.alloc(20 * 1024 * 1024, 3);
    const own = decompressZstdTransient(compressZstd(huge), { what: 'huge', expectedLength: huge.length });
    expect(own.equals(huge)).toBe(true);
    expect(own.buffer).not.toBe(first.buffer); // beyond the scratch limit: a buffer of its own
    expect(() =>
      decompressZstdTransient(compressZstd(a), { what: 'short', expectedLength: a.length - 1 }),
    ).toThrow(/short/);
  });
});

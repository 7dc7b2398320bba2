import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decrypt } from '../crypto/container';
import { generateMasterKey } from '../crypto/master-key';
import { idOf } from '../ids';
import { corruptMessage } from '../testing/corrupt-message';
import type { EncodedBlob } from './blob';
import { decodeBlob, encodeBlob } from './blob-codec';

const key = generateMasterKey();
const packId = 'c'.repeat(64);

function describeEncoded(blob: EncodedBlob) {
  return {
    type: blob.type,
    id: blob.id,
    length: blob.data.length,
    uncompressedLength: blob.uncompressedLength,
  };
}

const plaintexts = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.string({ maxLength: 3000 }).map((s) => Buffer.from(s.repeat(3))),
);

describe('blob codec', () => {
  it('round-trips any blob, compressed or not, of either type', () => {
    fc.assert(
      fc.property(
        plaintexts,
        fc.boolean(),
        fc.constantFrom('data' as const, 'tree' as const),
        (pt, compress, type) => {
          const blob = encodeBlob(key, type, pt, { compress });
          expect(blob.id).toBe(idOf(pt));
          expect(blob.type).toBe(type);
          if (!compress || pt.length === 0) expect(blob.uncompressedLength).toBeUndefined();
          if (blob.uncompressedLength !== undefined) expect(blob.uncompressedLength).toBe(pt.length);
          expect(decodeBlob(key, describeEncoded(blob), blob.data, packId)).toEqual(Buffer.from(pt));
        },
      ),
    );
  });

  it('compresses when it pays, stores raw when it does not, never marks an empty blob compressed', () => {
    const text = Buffer.from('a fairly compressible line of text\n'.repeat(200));
    const compressed = encodeBlob(key, 'data', text, { compress: true });
    expect(compressed.uncompressedLength).toBe(text.length);
    expect(compressed.data.length).toBeLessThan(text.length / 5);
    const random = randomBytes(4096);
    const raw = encodeBlob(key, 'data', random, { compress: true });
    expect(raw.uncompressedLength).toBeUndefined();
    expect(decrypt(key, raw.data, 'x')).toEqual(random);
    expect(encodeBlob(key, 'tree', Buffer.alloc(0), { compress: true }).uncompressedLength).toBeUndefined();
  });

  it('trusts a caller-supplied ID (the archiver hashes before deduplication)', () => {
    const pt = Buffer.from('chunk');
    expect(encodeBlob(key, 'data', pt, { compress: false, id: idOf(pt) }).id).toBe(idOf(pt));
  });

  it('rejects any flipped bit, a wrong length, a wrong ID and a wrong uncompressed length as CORRUPT', () => {
    fc.assert(
      fc.property(plaintexts, fc.nat(), (pt, pos) => {
        const blob = encodeBlob(key, 'data', pt, { compress: true });
        const damaged = Buffer.from(blob.data);
        const at = pos % damaged.length;
        damaged[at] = (damaged[at] ?? 0) ^ 0x10;
        const message = corruptMessage(() => decodeBlob(key, describeEncoded(blob), damaged, packId));
        expect(message).toContain(blob.id);
        expect(message).toContain(packId);
      }),
    );
    const pt = Buffer.from('hello hello hello hello hello hello hello');
    const blob = encodeBlob(key, 'tree', pt, { compress: true });
    expect(blob.uncompressedLength).toBeDefined();
    const d = describeEncoded(blob);
    expect(
      corruptMessage(() => decodeBlob(key, { ...d, length: d.length + 1 }, blob.data, packId)),
    ).toContain('expected');
    expect(corruptMessage(() => decodeBlob(key, { ...d, id: 'e'.repeat(64) }, blob.data, packId))).toContain(
      'not to the blob ID',
    );
    expect(
      corruptMessage(() => decodeBlob(key, { ...d, uncompressedLength: pt.length + 1 }, blob.data, packId)),
    ).toContain(blob.id);
    // Compressed payload read as if it were raw: the hash no longer matches.
    expect(
      corruptMessage(() => decodeBlob(key, { ...d, uncompressedLength: undefined }, blob.data, packId)),
    ).toContain(blob.id);
  });

  it('decodes into the scratch buffer when asked (transient): same plaintext, same checks', () => {
    const text = Buffer.from('a compressible blob '.repeat(500));
    const stored = encodeBlob(key, 'data', text, { compress: true });
    expect(stored.uncompressedLength).toBe(text.length);
    const plain = decodeBlob(key, describeEncoded(stored), stored.data, packId, { transient: true });
    expect(plain.equals(text)).toBe(true);
    const other = encodeBlob(key, 'data', Buffer.from('another one '.repeat(400)), { compress: true });
    const next = decodeBlob(key, describeEncoded(other), other.data, packId, { transient: true });
    expect(next.buffer).toBe(plain.buffer); // the scratch buffer: the first plaintext is gone now
    const damaged = Buffer.from(stored.data);
    damaged[40] = (damaged[40] ?? 0) ^ 1;
    expect(
      corruptMessage(() => decodeBlob(key, describeEncoded(stored), damaged, packId, { transient: true })),
    ).toContain(stored.id);
  });

  it('releases the memory of a transient plaintext at the next transient decode, not before', () => {
    // Random data does not compress: the plaintext is the decrypted payload itself, a buffer of its own.
    const large = randomBytes(3 * 1024 * 1024);
    const stored = encodeBlob(key, 'data', large, { compress: true });
    expect(stored.uncompressedLength).toBeUndefined();
    const plain = decodeBlob(key, describeEncoded(stored), stored.data, packId, { transient: true });
    expect(plain.equals(large)).toBe(true);
    const small = encodeBlob(key, 'data', Buffer.from('next'), { compress: true });
    decodeBlob(key, describeEncoded(small), small.data, packId, { transient: true });
    // Its pages were handed back to the system (the addon is built for the tests): they read as zeros now.
    const middle = plain.subarray(1024 * 1024, 2 * 1024 * 1024);
    expect(middle.every((byte) => byte === 0)).toBe(true);
    // A decode that is not transient keeps its result.
    const kept = decodeBlob(key, describeEncoded(stored), stored.data, packId);
    decodeBlob(key, describeEncoded(small), small.data, packId, { transient: true });
    decodeBlob(key, describeEncoded(small), small.data, packId, { transient: true });
    expect(kept.equals(large)).toBe(true);
  });

  it('decodes in place when asked: the plaintext of a raw blob is a view into the stored bytes', () => {
    const random = randomBytes(200_000); // does not compress: stored raw
    const raw = encodeBlob(key, 'data', random, { compress: true });
    const plain = decodeBlob(key, describeEncoded(raw), raw.data, packId, { inPlace: true, transient: true });
    expect(plain.equals(random)).toBe(true);
    expect(plain.buffer).toBe(raw.data.buffer);
    // A later transient decode does not release it: it is the caller's buffer, not one of the codec's.
    const small = encodeBlob(key, 'data', Buffer.from('next'), { compress: true });
    decodeBlob(key, describeEncoded(small), small.data, packId, { transient: true });
    expect(plain.equals(random)).toBe(true);
  });

  it('decodes a compressed blob in place (payload over the stored bytes), with every check of the copying way', () => {
    const text = Buffer.from('compressible in place '.repeat(700));
    const stored = encodeBlob(key, 'tree', text, { compress: true });
    expect(stored.uncompressedLength).toBe(text.length);
    const bytes = Buffer.from(stored.data);
    expect(decodeBlob(key, describeEncoded(stored), bytes, packId, { inPlace: true }).equals(text)).toBe(
      true,
    );
    expect(bytes.equals(stored.data)).toBe(false); // overwritten with the payload
    const damaged = Buffer.from(stored.data);
    damaged[30] = (damaged[30] ?? 0) ^ 1;
    const before = Buffer.from(damaged);
    expect(
      corruptMessage(() => decodeBlob(key, describeEncoded(stored), damaged, packId, { inPlace: true })),
    ).toContain(stored.id);
    expect(damaged.equals(before)).toBe(true);
    // A wrong ID is still caught after an in-place decryption.
    const wrongId = { ...describeEncoded(stored), id: 'f'.repeat(64) };
    expect(
      corruptMessage(() => decodeBlob(key, wrongId, Buffer.from(stored.data), packId, { inPlace: true })),
    ).toContain('not to the blob ID');
  });
});

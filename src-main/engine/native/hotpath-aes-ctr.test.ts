/**
 * The addon's in-place AES-256-CTR (hotpath/aes-ctr.c) against node:crypto's 'aes-256-ctr': the same key stream
 * for any length and any starting counter, including the 128-bit counter wrapping round, with the IV and the key
 * allowed to lie in the buffer being transformed.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadHotpathAddon } from './hotpath-addon';

const addon = loadHotpathAddon();

function reference(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

describe('aes256CtrInPlace', () => {
  it('is available under Node, which exports its OpenSSL to addons', () => {
    // If this fails, the engine still works (node:crypto and a copy), only with an allocation per blob: a Node
    // build without exported OpenSSL symbols is what to look for.
    expect(addon.aesCtrInPlaceAvailable).toBe(true);
  });

  it('gives exactly the key stream of node:crypto for any length and starting counter (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ maxLength: 5000 }),
        (key, iv, plaintext) => {
          const data = Buffer.from(plaintext);
          expect(addon.aes256CtrInPlace(key, iv, data)).toBe(true);
          expect(data.equals(reference(key, iv, plaintext))).toBe(true);
          // Applying it again decrypts.
          addon.aes256CtrInPlace(key, iv, data);
          expect(data.equals(Buffer.from(plaintext))).toBe(true);
        },
      ),
    );
  });

  it('carries the counter over all 128 bits, as restic and node:crypto do', () => {
    const key = randomBytes(32);
    const iv = Buffer.alloc(16, 0xff); // the very next block wraps round to zero
    iv[15] = 0xfe;
    const plaintext = randomBytes(1024 * 1024 + 7);
    const data = Buffer.from(plaintext);
    addon.aes256CtrInPlace(key, iv, data);
    expect(data.equals(reference(key, iv, plaintext))).toBe(true);
  });

  it('works on a view in the middle of a larger buffer and leaves the rest alone', () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const whole = randomBytes(4096);
    const before = Buffer.from(whole);
    const view = whole.subarray(100, 3000);
    addon.aes256CtrInPlace(key, iv, view);
    expect(view.equals(reference(key, iv, before.subarray(100, 3000)))).toBe(true);
    expect(whole.subarray(0, 100).equals(before.subarray(0, 100))).toBe(true);
    expect(whole.subarray(3000).equals(before.subarray(3000))).toBe(true);
  });

  it('reads the IV before transforming, even when the IV is a view of the same bytes', () => {
    const key = randomBytes(32);
    const plaintext = randomBytes(64);
    const data = Buffer.from(plaintext);
    const iv = data.subarray(0, 16); // overlaps the data: must be taken as it was before the call
    addon.aes256CtrInPlace(key, iv, data);
    expect(data.equals(reference(key, plaintext.subarray(0, 16), plaintext))).toBe(true);
  });

  it('refuses keys and IVs of the wrong size and non-byte arrays', () => {
    const data = Buffer.alloc(16);
    expect(() => addon.aes256CtrInPlace(Buffer.alloc(16), Buffer.alloc(16), data)).toThrow(
      /key must be 32 bytes/,
    );
    expect(() => addon.aes256CtrInPlace(Buffer.alloc(32), Buffer.alloc(12), data)).toThrow(
      /iv must be 16 bytes/,
    );
    expect(() =>
      addon.aes256CtrInPlace(Buffer.alloc(32), Buffer.alloc(16), new Uint16Array(8) as unknown as Uint8Array),
    ).toThrow(/data must be a Uint8Array/);
    expect(data.equals(Buffer.alloc(16))).toBe(true);
  });
});

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import {
  ciphertextLength,
  containerOverhead,
  decrypt,
  decryptInPlace,
  encrypt,
  tryDecrypt,
} from './container';
import { clampPoly1305R, generateMasterKey, type MasterKey } from './master-key';

const key = generateMasterKey();

function expectCorrupt(fn: () => unknown, what: string): void {
  try {
    fn();
  } catch (error) {
    expect(isEngineError(error, 'CORRUPT')).toBe(true);
    expect((error as Error).message).toContain(what);
    return;
  }
  expect.unreachable('decrypt accepted damaged data');
}

describe('encryption container', () => {
  it('round-trips any plaintext with exactly 32 bytes of overhead', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (plaintext) => {
        const sealed = encrypt(key, plaintext);
        expect(sealed.length).toBe(ciphertextLength(plaintext.length));
        expect(sealed.length - plaintext.length).toBe(containerOverhead);
        expect(decrypt(key, sealed, 'blob x')).toEqual(Buffer.from(plaintext));
      }),
    );
  });

  it('decrypts in place: the plaintext is a view over the ciphertext, no new buffer (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.nat({ max: 64 }), (plaintext, padding) => {
        // The container inside a larger buffer, as a blob inside a pack read.
        const pack = Buffer.alloc(padding + plaintext.length + containerOverhead + padding, 0xa5);
        const sealed = encrypt(key, plaintext);
        sealed.copy(pack, padding);
        const opened = decryptInPlace(key, pack.subarray(padding, padding + sealed.length), 'blob x');
        expect(opened).toEqual(Buffer.from(plaintext));
        expect(opened.buffer).toBe(pack.buffer);
        expect(opened.byteOffset).toBe(pack.byteOffset + padding + 16);
        expect(pack.subarray(0, padding).every((byte) => byte === 0xa5)).toBe(true);
        expect(pack.subarray(padding + sealed.length).every((byte) => byte === 0xa5)).toBe(true);
      }),
    );
  });

  it('leaves a container that does not verify as it was, and says CORRUPT', () => {
    const sealed = encrypt(key, randomBytes(1000));
    sealed[500] = (sealed[500] ?? 0) ^ 1;
    const before = Buffer.from(sealed);
    expectCorrupt(() => decryptInPlace(key, sealed, 'data blob 42'), 'data blob 42');
    expect(sealed.equals(before)).toBe(true);
    expectCorrupt(() => decryptInPlace(key, sealed.subarray(0, 31), 'data blob 43'), 'too short');
  });

  it('uses a fresh nonce every time', () => {
    const a = encrypt(key, Buffer.from('same'));
    const b = encrypt(key, Buffer.from('same'));
    expect(a.subarray(0, 16).equals(b.subarray(0, 16))).toBe(false);
  });

  it('is AES-256-CTR with the IV as the initial counter block', () => {
    const plaintext = Buffer.alloc(100, 7);
    const sealed = encrypt(key, plaintext);
    const iv = sealed.subarray(0, 16);
    const reference = createCipheriv('aes-256-ctr', key.encrypt, iv).update(plaintext);
    expect(sealed.subarray(16, 116).equals(reference)).toBe(true);
  });

  it('rejects any single flipped bit as CORRUPT naming the object', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (pt, pos, bit) => {
          const sealed = encrypt(key, pt);
          const damaged = Buffer.from(sealed);
          const at = pos % damaged.length;
          damaged[at] = (damaged[at] ?? 0) ^ (1 << bit);
          expectCorrupt(() => decrypt(key, damaged, 'pack 1234'), 'pack 1234');
        },
      ),
    );
  });

  it('rejects any truncation as CORRUPT', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (pt, cut) => {
        const sealed = encrypt(key, pt);
        const truncated = sealed.subarray(0, cut % sealed.length);
        expectCorrupt(() => decrypt(key, truncated, 'index file abc'), 'index file abc');
      }),
    );
  });

  it('rejects data sealed with another key', () => {
    const other = generateMasterKey();
    expect(tryDecrypt(other, encrypt(key, Buffer.from('secret')))).toBeNull();
    expectCorrupt(() => decrypt(other, encrypt(key, Buffer.from('secret')), 'config'), 'config');
  });

  it('refuses an all-zero nonce even with a valid tag for it', () => {
    // Seal by hand (encrypt() never picks a zero nonce); the same construction with another nonce is the control.
    const sealWithNonce = (nonce: Buffer, plaintext: Buffer): Buffer => {
      const ct = createCipheriv('aes-256-ctr', key.encrypt, nonce).update(plaintext);
      const aes = createCipheriv('aes-128-ecb', key.macK, null);
      aes.setAutoPadding(false);
      const tag = poly1305(ct, Buffer.concat([key.macR, aes.update(nonce)]));
      return Buffer.concat([nonce, ct, tag]);
    };
    const plaintext = Buffer.from('payload');
    expect(tryDecrypt(key, sealWithNonce(Buffer.alloc(16, 1), plaintext))).toEqual(plaintext);
    expect(tryDecrypt(key, sealWithNonce(Buffer.alloc(16, 0), plaintext))).toBeNull();
  });

  it('tags exactly as @noble/ciphers Poly1305 over the ciphertext, keyed r ‖ AES-128_k(nonce) (property)', () => {
    // The container's Poly1305 is native (hotpath addon); the audited pure-JS one is the oracle.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70_000 }), (length) => {
        const sealed = encrypt(key, randomBytes(length));
        const nonce = sealed.subarray(0, 16);
        const ciphertext = sealed.subarray(16, sealed.length - 16);
        const aes = createCipheriv('aes-128-ecb', key.macK, null);
        aes.setAutoPadding(false);
        const expected = poly1305(ciphertext, Buffer.concat([key.macR, aes.update(nonce)]));
        expect(sealed.subarray(sealed.length - 16)).toEqual(Buffer.from(expected));
      }),
      { numRuns: 100 },
    );
  });

  it('computes Poly1305 over the ciphertext only, keyed r ‖ AES-128_k(nonce) (RFC 8439 vector)', () => {
    // RFC 8439 §2.5.2: with r and s given, the tag of the message. We get s out of AES by choosing the nonce
    // as AES-128-DECRYPT_k(s), which makes AES-128_k(nonce) = s.
    const r = Buffer.from('85d6be7857556d337f4452fe42d506a8', 'hex');
    const s = Buffer.from('0103808afb0db2fd4abff6af4149f51b', 'hex');
    const message = Buffer.from('Cryptographic Forum Research Group');
    const expectedTag = 'a8061dc1305136c6c22b8baf0c0127a9';
    const macK = Buffer.alloc(16, 0x42);
    const d = createDecipheriv('aes-128-ecb', macK, null);
    d.setAutoPadding(false);
    const nonce = d.update(s);
    const testKey: MasterKey = { encrypt: Buffer.alloc(32, 1), macK, macR: clampPoly1305R(r) };
    // The container's ciphertext is `message`; decrypt accepts it only if our tag equals the RFC's.
    const container = Buffer.concat([nonce, message, Buffer.from(expectedTag, 'hex')]);
    expect(tryDecrypt(testKey, container)).not.toBeNull();
  });
});

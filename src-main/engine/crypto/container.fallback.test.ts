/**
 * The container where the process has no OpenSSL for the addon's in-place AES-CTR (an Electron build whose
 * BoringSSL is not exported): encryption and decryption go through node:crypto and give the same bytes.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { HotpathBinding } from '../native/hotpath-addon';

let inPlaceCalls = 0;

vi.mock('../native/hotpath-addon', async (importOriginal) => {
  const original = await importOriginal<typeof import('../native/hotpath-addon')>();
  const real = original.loadHotpathAddon();
  const withoutOpenSsl: HotpathBinding = {
    ...real,
    aesCtrInPlaceAvailable: false,
    aes256CtrInPlace: () => {
      inPlaceCalls++;
      return false;
    },
  };
  return { ...original, loadHotpathAddon: () => withoutOpenSsl };
});

const { decrypt, decryptInPlace, encrypt } = await import('./container');
const { generateMasterKey } = await import('./master-key');

describe('the container without the in-place AES-CTR', () => {
  it('encrypts and decrypts with node:crypto, to the same bytes, never calling the addon for AES', () => {
    const key = generateMasterKey();
    const plaintext = randomBytes(100_003);
    const sealed = encrypt(key, plaintext);
    const expected = createCipheriv('aes-256-ctr', key.encrypt, sealed.subarray(0, 16)).update(plaintext);
    expect(sealed.subarray(16, 16 + plaintext.length).equals(expected)).toBe(true);
    expect(decrypt(key, sealed, 'blob').equals(plaintext)).toBe(true);
    const opened = decryptInPlace(key, sealed, 'blob');
    expect(opened.equals(plaintext)).toBe(true);
    expect(opened.buffer).toBe(sealed.buffer);
    expect(inPlaceCalls).toBe(0);
  });
});

/**
 * restic's encryption container: `IV(16) ‖ AES-256-CTR(plaintext) ‖ Poly1305-AES tag(16)`.
 *
 * The tag is Poly1305 over the ciphertext only (no nonce, no associated data) with the one-time key
 * `r ‖ AES-128_k(nonce)`. Every function here is a pure function of the key bytes and the data (no shared state),
 * so the archiver can run it in worker threads.
 *
 * AES comes from OpenSSL: through node:crypto, and — where the process exports it — through our hotpath addon,
 * which runs AES-CTR over a buffer in place (node:crypto always writes a new buffer, and a backup, check or restore
 * would allocate, fault in and collect as many bytes again as it encrypts or decrypts). Poly1305, which Node does
 * not offer on its own, comes from the addon too (C, RFC 8439): in pure JavaScript it was the slowest step of a
 * backup. Without the addon, sealing or opening a container throws EngineError('IO_ERROR') instead of quietly
 * running several times slower.
 */

import { createCipheriv, createDecipheriv, randomFillSync, timingSafeEqual } from 'node:crypto';
import { EngineError } from '../errors';
import { loadHotpathAddon } from '../native/hotpath-addon';
import type { MasterKey } from './master-key';

export const ivLength = 16;
export const macLength = 16;
/** Bytes a container adds to its plaintext. */
export const containerOverhead = ivLength + macLength;

export function ciphertextLength(plaintextLength: number): number {
  return plaintextLength + containerOverhead;
}

export function plaintextLength(ciphertextLength: number): number {
  return ciphertextLength - containerOverhead;
}

/**
 * Nonces come from one CSPRNG buffer refilled 4 KiB at a time: a backup encrypts tens of thousands of blobs, and
 * a separate randomBytes() call for each showed up in profiles. Each nonce is still 16 fresh random bytes, never
 * reused (the buffer is consumed, not recycled). Per thread, like every module state.
 */
const noncePool = Buffer.alloc(4096);
let noncePoolOffset = noncePool.length;

function freshNonce(): Buffer {
  for (;;) {
    if (noncePoolOffset + ivLength > noncePool.length) {
      randomFillSync(noncePool);
      noncePoolOffset = 0;
    }
    const nonce = Buffer.from(noncePool.subarray(noncePoolOffset, noncePoolOffset + ivLength));
    noncePoolOffset += ivLength;
    // restic refuses an all-zero nonce; with 128 random bits this loop runs once in practice.
    if (!isAllZero(nonce)) return nonce;
  }
}

/** Encrypts `plaintext` into a fresh container (random nonce). */
export function encrypt(key: MasterKey, plaintext: Uint8Array): Buffer {
  const nonce = freshNonce();
  const out = Buffer.allocUnsafe(plaintext.length + containerOverhead);
  nonce.copy(out, 0);
  const ciphertext = out.subarray(ivLength, ivLength + plaintext.length);
  ciphertext.set(plaintext);
  ctrInPlace(key, nonce, ciphertext);
  out.set(computeTag(key, nonce, ciphertext), ivLength + plaintext.length);
  return out;
}

/**
 * XORs `data` with the key stream of `key.encrypt` from `nonce`, in place: through the addon where it can, else
 * through node:crypto and a copy back.
 */
function ctrInPlace(key: MasterKey, nonce: Uint8Array, data: Uint8Array): void {
  const addon = loadHotpathAddon();
  if (addon.aesCtrInPlaceAvailable && addon.aes256CtrInPlace(key.encrypt, nonce, data)) return;
  const cipher = createCipheriv('aes-256-ctr', key.encrypt, nonce);
  const head = cipher.update(data);
  data.set(head, 0);
  data.set(cipher.final(), head.length);
}

/**
 * Verifies and decrypts a container. A failed MAC (wrong key or damaged data) throws CORRUPT with a message naming
 * `what` (the file or blob the bytes came from).
 */
export function decrypt(key: MasterKey, data: Uint8Array, what: string): Buffer {
  verifyContainer(key, data, what);
  return decryptVerified(key, data);
}

/**
 * Like `decrypt`, but the plaintext is written over the ciphertext and returned as a view into `data` (16 bytes in):
 * no buffer is allocated. `data` is changed: for callers that own it and are done with the ciphertext — a pack
 * read that was hashed already. When the MAC fails, `data` is left as it was.
 */
export function decryptInPlace(key: MasterKey, data: Uint8Array, what: string): Buffer {
  verifyContainer(key, data, what);
  const ciphertext = data.subarray(ivLength, data.length - macLength);
  ctrInPlace(key, data.subarray(0, ivLength), ciphertext);
  return Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
}

/** Throws CORRUPT unless `data` is a container sealed with `key`. */
function verifyContainer(key: MasterKey, data: Uint8Array, what: string): void {
  if (data.length < containerOverhead) {
    throw new EngineError('CORRUPT', `${what}: encrypted data too short (${data.length} bytes)`);
  }
  if (!tagMatches(key, data)) {
    throw new EngineError('CORRUPT', `${what}: ciphertext verification failed (damaged data or wrong key)`);
  }
}

/** Whether the container's nonce is usable and its tag matches (the container is at least the overhead long). */
function tagMatches(key: MasterKey, data: Uint8Array): boolean {
  const nonce = data.subarray(0, ivLength);
  if (isAllZero(nonce)) return false;
  const ciphertext = data.subarray(ivLength, data.length - macLength);
  const tag = data.subarray(data.length - macLength);
  // Constant-time compare: the MAC check must not leak how many tag bytes matched.
  return timingSafeEqual(computeTag(key, nonce, ciphertext), tag);
}

/**
 * Like `decrypt`, but returns null when the container does not verify — for callers where a mismatch is an
 * expected outcome (trying a password against each key file), not an error.
 */
export function tryDecrypt(key: MasterKey, data: Uint8Array): Buffer | null {
  if (data.length < containerOverhead || !tagMatches(key, data)) return null;
  return decryptVerified(key, data);
}

/** The plaintext of a container whose tag was checked, in a new buffer (`data` is not changed). */
function decryptVerified(key: MasterKey, data: Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-256-ctr', key.encrypt, data.subarray(0, ivLength));
  const head = decipher.update(data.subarray(ivLength, data.length - macLength));
  const tail = decipher.final();
  return tail.length === 0 ? head : Buffer.concat([head, tail]);
}

/** Poly1305-AES: one-time key = `r ‖ AES-128-ECB_k(nonce)`, message = ciphertext. */
function computeTag(key: MasterKey, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const aes = createCipheriv('aes-128-ecb', key.macK, null);
  aes.setAutoPadding(false);
  const s = aes.update(nonce);
  const oneTimeKey = new Uint8Array(32);
  oneTimeKey.set(key.macR, 0);
  oneTimeKey.set(s.subarray(0, 16), 16);
  return loadHotpathAddon().poly1305(oneTimeKey, ciphertext);
}

function isAllZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

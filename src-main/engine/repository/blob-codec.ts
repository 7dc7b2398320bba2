/**
 * Blob encoding: plaintext → (zstd) → encrypt, and back with every check restic's reader makes (MAC, length,
 * SHA-256 == blob ID). Pure functions of key bytes and data, so they can run in worker threads.
 */
import { decrypt, decryptInPlace, encrypt } from '../crypto/container';
import type { MasterKey } from '../crypto/master-key';
import { EngineError } from '../errors';
import { type Id, idOf } from '../ids';
import { discardBuffer } from '../parallel/garbage-collector';
import type { BlobType, EncodedBlob } from './blob';
import { compressZstdTransient, decompressZstd, decompressZstdTransient } from './zstd';

export interface EncodeBlobOptions {
  /** Try zstd (v2 repositories only; v1 headers cannot describe compressed blobs). */
  compress: boolean;
  /** The blob ID when the caller already hashed the plaintext (the archiver hashes before dedup). */
  id?: Id;
}

/**
 * Encodes a blob. With `compress`, the payload is zstd-compressed unless that does not make it smaller — then it
 * is stored raw, which v2 allows (restic itself always compresses). An empty blob is never marked compressed:
 * `uncompressed_length = 0` would read as "not compressed".
 */
export function encodeBlob(
  key: MasterKey,
  type: BlobType,
  plaintext: Uint8Array,
  options: EncodeBlobOptions,
): EncodedBlob {
  const id = options.id ?? idOf(plaintext);
  if (options.compress && plaintext.length > 0) {
    // A scratch view, encrypted (copied) at once below.
    const compressed = compressZstdTransient(plaintext);
    if (compressed.length < plaintext.length) {
      return { type, id, data: encrypt(key, compressed), uncompressedLength: plaintext.length };
    }
  }
  return { type, id, data: encrypt(key, plaintext) };
}

/** What the decoder needs to know about a stored blob (a PackedBlob fits). */
export interface BlobDescription {
  type: BlobType;
  id: Id;
  length: number;
  uncompressedLength?: number;
}

export interface DecodeBlobOptions {
  /**
   * Decompress into this thread's scratch buffer (see decompressZstdTransient), and release the decrypted payload
   * at the next transient decode: the plaintext is then valid only until the next transient decode — for callers
   * that use it at once and keep nothing.
   */
  transient?: boolean;
  /**
   * Decrypt where the stored bytes lie: `data` is overwritten (with the plaintext or, for a compressed blob, the
   * compressed payload), and no buffer is allocated for the payload. For callers that own `data` and have no further
   * use for the stored bytes — a pack read already hashed, a restore range. Left as it was when the MAC fails.
   */
  inPlace?: boolean;
}

/**
 * The decrypted payload of the last transient decode, released at the next one. A check or a restore decrypts
 * gigabytes blob by blob, each into a buffer of its own that V8 frees only at a collection; the transient contract
 * (the result is valid until the next transient decode) lets its pages go as soon as the next blob is decoded.
 */
let lastTransientPayload: Buffer | null = null;

function releaseTransientPayload(): void {
  if (lastTransientPayload !== null) discardBuffer(lastTransientPayload);
  lastTransientPayload = null;
}

/**
 * Decodes a stored blob: decrypt, decompress when the entry says so (checking the length), and check that the
 * plaintext hashes to the blob ID. Failures are CORRUPT naming the pack and the blob.
 */
export function decodeBlob(
  key: MasterKey,
  blob: BlobDescription,
  data: Uint8Array,
  packId: Id,
  options: DecodeBlobOptions = {},
): Buffer {
  const what = `${blob.type} blob ${blob.id} in pack ${packId}`;
  if (data.length !== blob.length) {
    throw new EngineError('CORRUPT', `${what}: read ${data.length} bytes, expected ${blob.length}`);
  }
  if (options.transient) releaseTransientPayload();
  const payload = options.inPlace ? decryptInPlace(key, data, what) : decrypt(key, data, what);
  // A payload decrypted in place belongs to the caller's buffer: nothing of ours to release.
  if (options.transient && !options.inPlace) lastTransientPayload = payload;
  const decompress = options.transient ? decompressZstdTransient : decompressZstd;
  const plaintext =
    blob.uncompressedLength === undefined
      ? payload
      : decompress(payload, { what, expectedLength: blob.uncompressedLength });
  const actual = idOf(plaintext);
  if (actual !== blob.id) {
    throw new EngineError('CORRUPT', `${what}: content hashes to ${actual}, not to the blob ID`);
  }
  return plaintext;
}

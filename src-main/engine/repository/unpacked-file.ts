/**
 * "Unpacked" files — index, snapshot and lock files: one encrypted container each, named after the SHA-256 of the
 * stored (encrypted) bytes. In a v2 repository the plaintext is `0x02 ‖ zstd(JSON)`; v1 stores the raw JSON.
 */

import { decrypt, encrypt } from '../crypto/container';
import type { MasterKey } from '../crypto/master-key';
import { EngineError } from '../errors';
import { type Id, idOf } from '../ids';
import type { RepositoryVersion } from './config';
import { compressZstdPrefixed, decompressZstd } from './zstd';

/** Marks a zstd-compressed plaintext in v2 (restic's "version byte" of unpacked files). */
const compressedMarker = 0x02;
const markerBytes = Uint8Array.of(compressedMarker);

export interface StoredFile {
  id: Id;
  bytes: Buffer;
}

/** Encodes JSON bytes as an unpacked file of a repository of `version`. */
export function encodeUnpacked(key: MasterKey, json: Uint8Array, version: RepositoryVersion): StoredFile {
  const plaintext = version >= 2 ? compressZstdPrefixed(json, markerBytes) : json;
  const bytes = encrypt(key, plaintext);
  return { id: idOf(bytes), bytes };
}

/**
 * Verifies and decodes an unpacked file: the stored bytes must hash to `id`, decrypt, and hold either raw JSON
 * (`{`/`[` first — v1, or written before an upgrade to v2) or `0x02 ‖ zstd(JSON)`. Returns the JSON bytes.
 */
export function decodeUnpacked(key: MasterKey, bytes: Uint8Array, id: Id, what: string): Buffer {
  const actual = idOf(bytes);
  if (actual !== id)
    throw new EngineError('CORRUPT', `${what}: content hash is ${actual}, not the file's name`);
  const plaintext = decrypt(key, bytes, what);
  const first = plaintext[0];
  if (first === 0x7b || first === 0x5b) return plaintext;
  if (first === compressedMarker) return decompressZstd(plaintext.subarray(1), { what });
  const shown = first === undefined ? 'empty' : `first byte 0x${first.toString(16).padStart(2, '0')}`;
  throw new EngineError('CORRUPT', `${what}: unknown encoding (${shown})`);
}

/** Parses JSON from an unpacked file, as CORRUPT naming the file when it is not JSON. */
export function parseJson(json: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'));
  } catch (error) {
    throw new EngineError('CORRUPT', `${what}: not valid JSON`, { cause: error });
  }
}

/**
 * Repository IDs: 32-byte SHA-256 values, written as 64 lower-case hex characters in file names and JSON.
 */
import { createHash } from 'node:crypto';

export type Id = string;

const idPattern = /^[0-9a-f]{64}$/;

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The ID (hex) of the given bytes. */
export function idOf(data: Uint8Array): Id {
  return createHash('sha256').update(data).digest('hex');
}

export function isId(value: unknown): value is Id {
  return typeof value === 'string' && idPattern.test(value);
}

export function idToBytes(id: Id): Buffer {
  if (!isId(id)) throw new TypeError(`not a repository ID: ${JSON.stringify(id)}`);
  return Buffer.from(id, 'hex');
}

export function idFromBytes(bytes: Uint8Array): Id {
  if (bytes.length !== 32) throw new TypeError(`an ID has 32 bytes, got ${bytes.length}`);
  return Buffer.from(bytes).toString('hex');
}

/** The short form restic prints (first 8 hex characters). */
export function shortId(id: Id): string {
  return id.slice(0, 8);
}

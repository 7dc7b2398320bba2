/**
 * The repository's master key: the keys every encrypted file, blob and header of a repository is sealed with
 * (restic's `crypto.Key`). Plain bytes, no classes, so it can be posted to worker threads as is
 * (structured clone copies the Uint8Arrays).
 */
import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors';
import { base64Check, JsonFields, type StringCheck } from '../json-fields';

export interface MasterKey {
  /** AES-256 key for AES-CTR (32 bytes). */
  readonly encrypt: Uint8Array;
  /** AES-128 key that encrypts the nonce into Poly1305's `s` (16 bytes). */
  readonly macK: Uint8Array;
  /** Poly1305 `r`, clamped (16 bytes). */
  readonly macR: Uint8Array;
}

export const encryptionKeyLength = 32;
export const macKeyLength = 16;

/**
 * Clears the bits Poly1305 requires to be zero in `r` (RFC 8439 §2.5). restic stores `r` already clamped; we
 * clamp again on load so a key file written by a sloppy tool still yields the MAC restic computes.
 */
export function clampPoly1305R(r: Uint8Array): Uint8Array {
  if (r.length !== macKeyLength) throw new TypeError(`Poly1305 r has ${macKeyLength} bytes, got ${r.length}`);
  const out = Uint8Array.from(r);
  for (const i of [3, 7, 11, 15]) out[i] = (out[i] ?? 0) & 0x0f;
  for (const i of [4, 8, 12]) out[i] = (out[i] ?? 0) & 0xfc;
  return out;
}

export function generateMasterKey(): MasterKey {
  return {
    encrypt: randomBytes(encryptionKeyLength),
    macK: randomBytes(macKeyLength),
    macR: clampPoly1305R(randomBytes(macKeyLength)),
  };
}

/**
 * Builds a key from the 64 bytes scrypt derives from a password (restic's `crypto.KDF` split):
 * 0–31 encryption key, 32–47 `mac.k`, 48–63 `mac.r`.
 */
export function masterKeyFromDerivedBytes(derived: Uint8Array): MasterKey {
  if (derived.length !== 64) throw new TypeError(`a derived key has 64 bytes, got ${derived.length}`);
  return {
    encrypt: Uint8Array.from(derived.subarray(0, 32)),
    macK: Uint8Array.from(derived.subarray(32, 48)),
    macR: clampPoly1305R(derived.subarray(48, 64)),
  };
}

/** restic's master-key JSON, field order as Go prints it: `{"mac":{"k":…,"r":…},"encrypt":…}`. */
export function encodeMasterKeyJson(key: MasterKey): Buffer {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return Buffer.from(
    JSON.stringify({ mac: { k: b64(key.macK), r: b64(key.macR) }, encrypt: b64(key.encrypt) }),
    'utf8',
  );
}

/** Base64 that decodes to exactly `length` bytes. */
function base64Bytes(length: number): StringCheck {
  return (s) =>
    base64Check(s) ?? (Buffer.from(s, 'base64').length === length ? null : `must decode to ${length} bytes`);
}

/** Parses the decrypted `data` of a key file. `what` names the key file for the error message. */
export function decodeMasterKeyJson(json: Uint8Array, what: string): MasterKey {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(json).toString('utf8'));
  } catch (error) {
    throw new EngineError('CORRUPT', `${what}: master key is not valid JSON`, { cause: error });
  }
  const fields = new JsonFields(value, what, 'master key');
  const mac = fields.object('mac');
  const macK = mac?.string('k', { required: true, check: base64Bytes(macKeyLength) });
  const macR = mac?.string('r', { required: true, check: base64Bytes(macKeyLength) });
  const encrypt = fields.string('encrypt', { required: true, check: base64Bytes(encryptionKeyLength) });
  fields.done();
  return {
    encrypt: Uint8Array.from(Buffer.from(encrypt, 'base64')),
    macK: Uint8Array.from(Buffer.from(macK as string, 'base64')),
    macR: clampPoly1305R(Buffer.from(macR as string, 'base64')),
  };
}

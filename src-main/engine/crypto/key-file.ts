/**
 * restic key files (`keys/<id>`): plain JSON (not encrypted) holding scrypt parameters, a salt, and the master key
 * encrypted with a key derived from the user's password.
 *
 * Writing: restic calibrates scrypt to ~0.5 s at key creation. We use fixed parameters instead — N=2^15, r=8, p=5,
 * what restic 0.14's calibration chose on our reference VM (it picked p=5…8 there depending on load; 0.3–0.5 s with
 * Node's scrypt, 32 MiB of memory) — so a key we write costs an attacker about as much as one restic writes, and
 * opening takes a predictable time instead of depending on how busy the machine was when the key was made.
 * Reading accepts any valid parameters (restic's own and other tools'), within a memory cap.
 */
import { randomBytes, scrypt } from 'node:crypto';
import { EngineError } from '../errors';
import { base64Check, checkWith, JsonFields } from '../json-fields';
import { encrypt, tryDecrypt } from './container';
import {
  decodeMasterKeyJson,
  encodeMasterKeyJson,
  type MasterKey,
  masterKeyFromDerivedBytes,
} from './master-key';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const defaultScryptParams: ScryptParams = { N: 32768, r: 8, p: 5 };

/** scrypt needs about 128·r·(N+p) bytes; refuse parameters above this so a hostile key file cannot exhaust memory. */
const maxScryptMemory = 1024 * 1024 * 1024;
const saltLength = 64;
const derivedKeyLength = 64;

/** The fields of a key file, as restic names and orders them. */
export interface KeyFile {
  created: string;
  username: string;
  hostname: string;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64 of 64 random bytes. */
  salt: string;
  /** base64 of the encrypted master-key JSON. */
  data: string;
}

export interface KeyFileOrigin {
  /** RFC 3339 creation time. */
  created: string;
  username: string;
  hostname: string;
}

/** Derives the user key of a password (scrypt, 64 bytes, split as restic does). */
export async function deriveUserKey(
  password: string,
  salt: Uint8Array,
  params: ScryptParams,
): Promise<MasterKey> {
  const { N, r, p } = params;
  const memory = scryptMemory(params);
  const derived = await new Promise<Buffer>((resolve, reject) => {
    // Node's default maxmem (32 MiB) is below what N=2^15, r=8 needs; allow what these parameters need.
    scrypt(
      Buffer.from(password, 'utf8'),
      salt,
      derivedKeyLength,
      { N, r, p, maxmem: memory + (1 << 20) },
      (e, key) => (e ? reject(e) : resolve(key)),
    );
  });
  return masterKeyFromDerivedBytes(derived);
}

function scryptMemory({ N, r, p }: ScryptParams): number {
  return 128 * r * (N + p + 2);
}

function validParams(params: ScryptParams): boolean {
  const { N, r, p } = params;
  return (
    Number.isSafeInteger(N) &&
    N > 1 &&
    (N & (N - 1)) === 0 &&
    Number.isSafeInteger(r) &&
    r >= 1 &&
    Number.isSafeInteger(p) &&
    p >= 1 &&
    r * p < 2 ** 30 &&
    scryptMemory(params) <= maxScryptMemory
  );
}

/** Creates the bytes of a new key file wrapping `masterKey` under `password`. */
export async function createKeyFile(
  masterKey: MasterKey,
  password: string,
  origin: KeyFileOrigin,
  params: ScryptParams = defaultScryptParams,
): Promise<Buffer> {
  if (!validParams(params)) {
    throw new EngineError('INVALID_ARGUMENT', `invalid scrypt parameters ${JSON.stringify(params)}`);
  }
  const salt = randomBytes(saltLength);
  const userKey = await deriveUserKey(password, salt, params);
  const keyFile: KeyFile = {
    created: origin.created,
    username: origin.username,
    hostname: origin.hostname,
    kdf: 'scrypt',
    N: params.N,
    r: params.r,
    p: params.p,
    salt: salt.toString('base64'),
    data: encrypt(userKey, encodeMasterKeyJson(masterKey)).toString('base64'),
  };
  // Object literal order is JSON order: the same order Go's json.Marshal prints restic's Key struct in.
  return Buffer.from(JSON.stringify(keyFile), 'utf8');
}

/** Parses a key file's JSON (without opening it). Unknown fields are ignored. */
export function parseKeyFile(bytes: Uint8Array, what: string): KeyFile {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new EngineError('CORRUPT', `${what}: not valid JSON`, { cause: error });
  }
  const fields = new JsonFields(value, what, 'key file');
  const keyFile: KeyFile = {
    created: fields.string('created') ?? '',
    username: fields.string('username') ?? '',
    hostname: fields.string('hostname') ?? '',
    kdf: fields.string('kdf', {
      required: true,
      check: checkWith((s) => s === 'scrypt', 'must be "scrypt"'),
    }) as 'scrypt',
    N: fields.integer('N', { required: true }),
    r: fields.integer('r', { required: true }),
    p: fields.integer('p', { required: true }),
    salt: fields.string('salt', { required: true, check: base64Check }),
    data: fields.string('data', { required: true, check: base64Check }),
  };
  fields.done();
  if (!validParams(keyFile)) {
    throw new EngineError(
      'CORRUPT',
      `${what}: unusable scrypt parameters N=${keyFile.N} r=${keyFile.r} p=${keyFile.p}`,
    );
  }
  return keyFile;
}

/**
 * Opens a key file with a password. Returns the master key, or null when the password does not open this key
 * file (a MAC mismatch is the expected outcome for every key file but the password's own). A key file that is
 * malformed throws CORRUPT.
 */
export async function openKeyFile(
  keyFile: KeyFile,
  password: string,
  what: string,
): Promise<MasterKey | null> {
  const userKey = await deriveUserKey(password, Buffer.from(keyFile.salt, 'base64'), keyFile);
  const masterKeyJson = tryDecrypt(userKey, Buffer.from(keyFile.data, 'base64'));
  if (masterKeyJson === null) return null;
  return decodeMasterKeyJson(masterKeyJson, what);
}

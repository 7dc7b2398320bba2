/**
 * The repository's key files over a backend: find the one a password opens, add one, list them. Several key files
 * wrap the same master key (one per password); none of them is special.
 */
import { hostname, userInfo } from 'node:os';
import type { Backend } from '../backend/backend';
import {
  createKeyFile,
  defaultScryptParams,
  type KeyFile,
  openKeyFile,
  parseKeyFile,
  type ScryptParams,
} from '../crypto/key-file';
import type { MasterKey } from '../crypto/master-key';
import { EngineError, isEngineError } from '../errors';
import { type Id, idOf } from '../ids';
import { formatRfc3339Nano } from './rfc3339';

export interface KeyOptions {
  /** scrypt parameters for the new key file (default: see crypto/key-file.ts). */
  kdf?: ScryptParams;
  username?: string;
  hostname?: string;
}

export interface KeyInfo {
  id: Id;
  created: string;
  username: string;
  hostname: string;
  kdf: ScryptParams;
}

export interface OpenedKey {
  keyId: Id;
  masterKey: MasterKey;
}

/** Writes a new key file that opens `masterKey` with `password`; returns its ID. */
export async function saveKey(
  backend: Backend,
  masterKey: MasterKey,
  password: string,
  options: KeyOptions = {},
): Promise<Id> {
  const bytes = await createKeyFile(
    masterKey,
    password,
    {
      created: formatRfc3339Nano(new Date()),
      username: options.username ?? currentUsername(),
      hostname: options.hostname ?? hostname(),
    },
    options.kdf ?? defaultScryptParams,
  );
  const id = idOf(bytes);
  await backend.write({ type: 'key', name: id }, bytes);
  return id;
}

/**
 * Tries the password against every key file in turn (as restic does). Fails with WRONG_PASSWORD when none opens;
 * with CORRUPT when there is no readable key file at all. Damaged key files are skipped, not fatal: another key
 * file may still open the repository.
 */
export async function findKey(backend: Backend, password: string): Promise<OpenedKey> {
  const damaged: string[] = [];
  let tried = 0;
  for await (const file of backend.list('key')) {
    let keyFile: KeyFile;
    try {
      keyFile = await loadKeyFile(backend, file.name);
    } catch (error) {
      if (!isEngineError(error, 'CORRUPT')) throw error;
      damaged.push(error.message);
      continue;
    }
    tried++;
    const masterKey = await openKeyFile(keyFile, password, `key file ${file.name}`);
    if (masterKey !== null) return { keyId: file.name, masterKey };
  }
  const note = damaged.length > 0 ? ` (skipped damaged key files: ${damaged.join('; ')})` : '';
  if (tried === 0) throw new EngineError('CORRUPT', `${backend.location}: no usable key file${note}`);
  throw new EngineError(
    'WRONG_PASSWORD',
    `${backend.location}: the password opens none of the ${tried} key files${note}`,
  );
}

export async function listKeys(backend: Backend): Promise<KeyInfo[]> {
  const keys: KeyInfo[] = [];
  for await (const file of backend.list('key')) {
    const k = await loadKeyFile(backend, file.name);
    keys.push({
      id: file.name,
      created: k.created,
      username: k.username,
      hostname: k.hostname,
      kdf: { N: k.N, r: k.r, p: k.p },
    });
  }
  return keys.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
}

async function loadKeyFile(backend: Backend, id: Id): Promise<KeyFile> {
  const what = `key file ${id}`;
  const bytes = await backend.read({ type: 'key', name: id });
  if (idOf(bytes) !== id) throw new EngineError('CORRUPT', `${what}: content does not match its name`);
  return parseKeyFile(bytes, what);
}

function currentUsername(): string {
  try {
    return userInfo().username;
  } catch (error) {
    // No passwd entry for our uid (e.g. some containers): restic then writes an empty username too.
    if (error instanceof Error) return '';
    throw error;
  }
}

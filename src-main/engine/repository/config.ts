/**
 * The repository `config` file: format version, repository ID, and the chunker polynomial. Stored encrypted but
 * never compressed (not even in v2), as raw `json.Marshal` output without a trailing newline.
 */
import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors';
import { checkWith, JsonFields } from '../json-fields';

export type RepositoryVersion = 1 | 2;

export interface RepositoryConfig {
  version: RepositoryVersion;
  /** 64 hex characters: the repository's identity (restic keys its cache by it). */
  id: string;
  /** Degree-53 irreducible polynomial over GF(2) for content-defined chunking. */
  chunkerPolynomial: bigint;
}

export function newRepositoryConfig(chunkerPolynomial: bigint): RepositoryConfig {
  if (chunkerPolynomial <= 0n || chunkerPolynomial >= 1n << 64n) {
    throw new EngineError('INVALID_ARGUMENT', `chunker polynomial out of range: ${chunkerPolynomial}`);
  }
  return { version: 2, id: randomBytes(32).toString('hex'), chunkerPolynomial };
}

/** restic writes the polynomial as lower-case hex without `0x` (Go `%x`). */
export function polynomialToHex(polynomial: bigint): string {
  return polynomial.toString(16);
}

export function polynomialFromHex(hex: string): bigint {
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw new TypeError(`not a hex polynomial: ${JSON.stringify(hex)}`);
  return BigInt(`0x${hex}`);
}

export function encodeConfig(config: RepositoryConfig): Buffer {
  return Buffer.from(
    JSON.stringify({
      version: config.version,
      id: config.id,
      chunker_polynomial: polynomialToHex(config.chunkerPolynomial),
    }),
    'utf8',
  );
}

/** Parses the decrypted config. Unknown versions are NOT_A_REPOSITORY (a format this engine does not read). */
export function decodeConfig(plaintext: Uint8Array, what = 'config'): RepositoryConfig {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(plaintext).toString('utf8'));
  } catch (error) {
    throw new EngineError('CORRUPT', `${what}: not valid JSON`, { cause: error });
  }
  const fields = new JsonFields(value, what, 'config');
  const version = fields.integer('version', { required: true });
  const id = fields.string('id', { required: true });
  const chunker_polynomial = fields.string('chunker_polynomial', {
    required: true,
    check: checkWith((s) => /^[0-9a-fA-F]{1,16}$/.test(s), 'must be hex'),
  });
  fields.done();
  if (version !== 1 && version !== 2) {
    throw new EngineError('NOT_A_REPOSITORY', `${what}: unsupported repository version ${version}`);
  }
  // restic writes 64 hex characters; accept any non-empty ID string it might read, but not an empty one.
  if (id.length === 0) throw new EngineError('CORRUPT', `${what}: empty repository id`);
  const chunkerPolynomial = polynomialFromHex(chunker_polynomial);
  if (chunkerPolynomial === 0n) throw new EngineError('CORRUPT', `${what}: chunker polynomial is zero`);
  return { version, id, chunkerPolynomial };
}

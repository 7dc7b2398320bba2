/**
 * The repository's chunker polynomial: a random irreducible polynomial of degree 53 over GF(2), chosen once at
 * `init` and stored in the config as `"chunker_polynomial":"27dd52f9efbaaf"` (lower-case hex, no `0x`). Every
 * chunk boundary in the repository depends on it, so it must be exactly what restic would choose and accept.
 */
import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors';
import { isIrreducible, type Polynomial, polyDegree } from './gf2-polynomial';

/** restic uses degree 53: the largest prime below 64 − 8, leaving 8 bits of headroom in a uint64 fingerprint. */
export const chunkerPolynomialDegree = 53;

/** restic gives up after this many candidates (the chance of getting here is negligible: ~1 in 26 is irreducible). */
const maxTries = 1_000_000;

/** Bits 0–53 of the 8 random bytes are kept. */
const keepMask = (1n << 54n) - 1n;
/** Bit 53 forces degree 53; bit 0 avoids the trivial factor x. */
const forcedBits = (1n << 53n) | 1n;

/** A source of random bytes; defaults to the system CSPRNG. Tests pass a deterministic one. */
export type RandomSource = (size: number) => Uint8Array;

/**
 * A new random irreducible polynomial of degree 53, derived exactly as restic's `chunker.DerivePolynomial`:
 * read 8 bytes as a little-endian uint64, keep bits 0–53, set bits 53 and 0, keep it if irreducible.
 */
export function randomIrreduciblePolynomial(random: RandomSource = randomBytes): Polynomial {
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const bytes = random(8);
    if (bytes.length !== 8) {
      throw new EngineError('INVALID_ARGUMENT', `random source returned ${bytes.length} bytes, expected 8`);
    }
    const candidate = (readUint64LittleEndian(bytes) & keepMask) | forcedBits;
    if (isIrreducible(candidate)) return candidate;
  }
  throw new EngineError(
    'INVALID_ARGUMENT',
    `no irreducible polynomial found in ${maxTries} random candidates`,
  );
}

function readUint64LittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = 7; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] ?? 0);
  return value;
}

/** The config form: lower-case hex without `0x` (Go's `strconv.FormatUint(p, 16)`). */
export function formatChunkerPolynomial(p: Polynomial): string {
  if (p < 0n) throw new EngineError('INVALID_ARGUMENT', 'a chunker polynomial cannot be negative');
  return p.toString(16);
}

// restic parses with Go's strconv.ParseUint(s, 16, 64): hex digits of either case, no prefix, no sign, ≤ 64 bits.
const hexPattern = /^[0-9a-fA-F]{1,16}$/;

/**
 * Parses and validates the config's `chunker_polynomial`. Anything that is not a degree-53 irreducible
 * polynomial means the config is damaged (or not restic's), so this throws CORRUPT naming the value; the
 * repository layer decides how to present it.
 */
export function parseChunkerPolynomial(text: string): Polynomial {
  const quoted = JSON.stringify(text);
  if (!hexPattern.test(text)) {
    throw new EngineError('CORRUPT', `config: chunker polynomial ${quoted} is not a hexadecimal uint64`);
  }
  const p = BigInt(`0x${text}`);
  const degree = polyDegree(p);
  if (degree !== chunkerPolynomialDegree) {
    throw new EngineError(
      'CORRUPT',
      `config: chunker polynomial ${quoted} has degree ${degree}, expected ${chunkerPolynomialDegree}`,
    );
  }
  if (!isIrreducible(p)) {
    throw new EngineError('CORRUPT', `config: chunker polynomial ${quoted} is not irreducible`);
  }
  return p;
}

/**
 * Lookup tables that let the chunker update a 53-bit Rabin fingerprint with a few XORs per byte, computed once
 * per polynomial (as restic/chunker's `fillTables`) and cached for the process.
 *
 * A fingerprint is `fp(w) = Σ w_i · x^(8·(n−1−i)) mod P` over the bytes w_0 … w_{n−1} (w_{n−1} newest). In JS it
 * is held as two uint32 halves, hi = bits 32–52 and lo = bits 0–31, so every table is split the same way.
 */
import { EngineError } from '../errors';
import { type Polynomial, polyDegree, polyMod, polyMulMod } from './gf2-polynomial';

/** Bytes in the sliding window. */
export const windowSize = 64;
/** The only degree the chunker accepts (restic never creates another). */
export const tableDegree = 53;
/** fp >> polShift is the 8-bit table index; polShift = 53 − 8 = 45 = 32 + 13, i.e. hi >>> 13. */
export const indexShiftInHi = tableDegree - 8 - 32;

export interface RabinTables {
  readonly polynomial: Polynomial;
  /** out[b] = fp(b ‖ 63 zero bytes): XOR it in to remove byte b as it leaves the window. */
  readonly outHi: Uint32Array;
  readonly outLo: Uint32Array;
  /**
   * mod[t] = ((t·x^53) mod P) | (t·x^53): after shifting fp left by 8, its top byte t sits above bit 52; one XOR
   * with mod[t] both clears those 8 bits and adds their remainder, keeping fp below 2^53.
   */
  readonly modHi: Uint32Array;
  readonly modLo: Uint32Array;
}

const cache = new Map<Polynomial, RabinTables>();

/** The tables for a polynomial of degree 53, from the cache when possible. */
export function rabinTablesFor(polynomial: Polynomial): RabinTables {
  const cached = cache.get(polynomial);
  if (cached) return cached;
  const tables = computeTables(polynomial);
  cache.set(polynomial, tables);
  return tables;
}

function computeTables(polynomial: Polynomial): RabinTables {
  const degree = polyDegree(polynomial);
  if (degree !== tableDegree) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `chunker polynomial 0x${polynomial.toString(16)} has degree ${degree}, expected ${tableDegree}`,
    );
  }
  const outHi = new Uint32Array(256);
  const outLo = new Uint32Array(256);
  const modHi = new Uint32Array(256);
  const modLo = new Uint32Array(256);
  // b·x^(8·63) mod P is what byte b contributes once it is the oldest of 64 window bytes.
  const oldestWeight = polyMod(1n << BigInt(8 * (windowSize - 1)), polynomial);
  for (let b = 0; b < 256; b++) {
    const out = polyMulMod(BigInt(b), oldestWeight, polynomial);
    const top = BigInt(b) << BigInt(tableDegree);
    const mod = polyMod(top, polynomial) | top;
    outHi[b] = Number(out >> 32n);
    outLo[b] = Number(out & 0xffffffffn);
    modHi[b] = Number(mod >> 32n);
    modLo[b] = Number(mod & 0xffffffffn);
  }
  return { polynomial, outHi, outLo, modHi, modLo };
}

/**
 * The Rabin fingerprint of a byte string by the definition (slow BigInt arithmetic): the reference the fast
 * table-driven update is checked against.
 */
export function fingerprintOf(bytes: Uint8Array, polynomial: Polynomial): Polynomial {
  let fp = 0n;
  for (const byte of bytes) fp = polyMod((fp << 8n) | BigInt(byte), polynomial);
  return fp;
}

/**
 * Polynomials over GF(2), the arithmetic behind restic's Rabin fingerprints. A polynomial is a non-negative
 * bigint whose bit i is the coefficient of x^i (so 0b1011 is x^3 + x + 1). Addition is XOR, there are no carries.
 *
 * restic keeps these in a uint64; BigInt is used here because none of this is on the per-byte hot path (the
 * chunker works on precomputed uint32 tables) and it keeps products of degree > 63 exact.
 */
import { EngineError } from '../errors';

export type Polynomial = bigint;

function requirePolynomial(p: Polynomial, what: string): void {
  if (p < 0n) throw new EngineError('INVALID_ARGUMENT', `${what}: a GF(2) polynomial cannot be negative`);
}

/** The degree (index of the highest set bit); -1 for the zero polynomial, as in restic. */
export function polyDegree(p: Polynomial): number {
  requirePolynomial(p, 'degree');
  if (p === 0n) return -1;
  // toString(2) is exact for any size and cheap at these widths.
  return p.toString(2).length - 1;
}

export function polyAdd(a: Polynomial, b: Polynomial): Polynomial {
  requirePolynomial(a, 'add');
  requirePolynomial(b, 'add');
  return a ^ b;
}

/** The carry-less product a·b. */
export function polyMul(a: Polynomial, b: Polynomial): Polynomial {
  requirePolynomial(a, 'mul');
  requirePolynomial(b, 'mul');
  let result = 0n;
  let shifted = a;
  for (let rest = b; rest !== 0n; rest >>= 1n) {
    if ((rest & 1n) === 1n) result ^= shifted;
    shifted <<= 1n;
  }
  return result;
}

/** Long division: a = quotient·d + remainder with deg(remainder) < deg(d). */
export function polyDivMod(a: Polynomial, d: Polynomial): { quotient: Polynomial; remainder: Polynomial } {
  requirePolynomial(a, 'divMod');
  requirePolynomial(d, 'divMod');
  if (d === 0n) throw new EngineError('INVALID_ARGUMENT', 'GF(2) polynomial division by zero');
  const divisorDegree = polyDegree(d);
  let quotient = 0n;
  let remainder = a;
  for (let diff = polyDegree(remainder) - divisorDegree; diff >= 0; ) {
    const shift = BigInt(diff);
    quotient |= 1n << shift;
    remainder ^= d << shift;
    diff = polyDegree(remainder) - divisorDegree;
  }
  return { quotient, remainder };
}

export function polyMod(a: Polynomial, d: Polynomial): Polynomial {
  return polyDivMod(a, d).remainder;
}

/** a·b mod m, without forming the full product: shift-and-add, reducing after every shift. */
export function polyMulMod(a: Polynomial, b: Polynomial, m: Polynomial): Polynomial {
  requirePolynomial(b, 'mulMod');
  const modulusDegree = polyDegree(m);
  if (modulusDegree < 0) throw new EngineError('INVALID_ARGUMENT', 'GF(2) polynomial division by zero');
  const topBit = 1n << BigInt(modulusDegree);
  let result = 0n;
  let shifted = polyMod(a, m);
  for (let rest = b; rest !== 0n; rest >>= 1n) {
    if ((rest & 1n) === 1n) result ^= shifted;
    shifted <<= 1n;
    // shifted had degree < deg(m); after one shift its degree is at most deg(m), cancelled by one XOR.
    if ((shifted & topBit) !== 0n) shifted ^= m;
  }
  return result;
}

/** The greatest common divisor (Euclid). gcd(a, 0) = a. */
export function polyGcd(a: Polynomial, b: Polynomial): Polynomial {
  requirePolynomial(a, 'gcd');
  requirePolynomial(b, 'gcd');
  let x = a;
  let y = b;
  while (y !== 0n) {
    const remainder = polyMod(x, y);
    x = y;
    y = remainder;
  }
  return x;
}

/**
 * Ben-Or's irreducibility test, as restic's `Pol.Irreducible`: p of degree n is irreducible iff for every
 * i = 1 … ⌊n/2⌋, gcd(p, x^(2^i) − x mod p) = 1. (x^(2^i) − x is the product of all irreducible polynomials whose
 * degree divides i, so a common factor means p has a factor of degree ≤ n/2.)
 *
 * One deliberate difference: restic's loop is empty for degree 0 and 1 and so calls 0, 1 and x "irreducible";
 * here constants are not irreducible (they are not in the mathematical sense), x and x+1 are. Only degree 53 is
 * ever used for chunking, where both agree.
 */
export function isIrreducible(p: Polynomial): boolean {
  const n = polyDegree(p);
  if (n < 1) return false;
  const x = 2n;
  // power = x^(2^i) mod p, squared once per round.
  let power = polyMod(x, p);
  for (let i = 1; i <= Math.floor(n / 2); i++) {
    power = polyMulMod(power, power, p);
    if (polyGcd(p, polyMod(power ^ x, p)) !== 1n) return false;
  }
  return true;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { thrownBy } from './chunker-test-data';
import {
  isIrreducible,
  polyAdd,
  polyDegree,
  polyDivMod,
  polyGcd,
  polyMod,
  polyMul,
  polyMulMod,
} from './gf2-polynomial';

/** Polynomials written as bit strings, highest coefficient first, so the tests read like the maths. */
const bits = (text: string): bigint => BigInt(`0b${text}`);

/** restic's test polynomial (restic/chunker chunker_test.go), irreducible of degree 53. */
const resticTestPolynomial = 0x3da3358b4dc173n;
/** AES's field polynomial x^8 + x^4 + x^3 + x + 1, irreducible. */
const aesPolynomial = 0x11bn;

const uint64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const nonZeroUint64 = fc.bigInt({ min: 1n, max: (1n << 64n) - 1n });

describe('GF(2) polynomial arithmetic', () => {
  it('computes degrees, with -1 for zero', () => {
    expect(polyDegree(0n)).toBe(-1);
    expect(polyDegree(1n)).toBe(0);
    expect(polyDegree(bits('10'))).toBe(1);
    expect(polyDegree(bits('1011'))).toBe(3);
    expect(polyDegree(resticTestPolynomial)).toBe(53);
    expect(polyDegree((1n << 64n) - 1n)).toBe(63);
    expect(polyDegree(1n << 64n)).toBe(64);
  });

  it('adds without carries (XOR)', () => {
    // (x^2 + x) + (x + 1) = x^2 + 1
    expect(polyAdd(bits('110'), bits('11'))).toBe(bits('101'));
    expect(polyAdd(resticTestPolynomial, resticTestPolynomial)).toBe(0n);
  });

  it('multiplies without carries', () => {
    // (x + 1)^2 = x^2 + 1 over GF(2)
    expect(polyMul(bits('11'), bits('11'))).toBe(bits('101'));
    // (x^2 + x + 1)(x + 1) = x^3 + 1
    expect(polyMul(bits('111'), bits('11'))).toBe(bits('1001'));
    expect(polyMul(resticTestPolynomial, 0n)).toBe(0n);
    expect(polyMul(resticTestPolynomial, 1n)).toBe(resticTestPolynomial);
    // Products of degree > 63 stay exact: x^63 · x^63 = x^126.
    expect(polyMul(1n << 63n, 1n << 63n)).toBe(1n << 126n);
  });

  it('divides with remainder', () => {
    // x^3 + 1 = (x^2 + x + 1)(x + 1)
    expect(polyDivMod(bits('1001'), bits('11'))).toEqual({ quotient: bits('111'), remainder: 0n });
    // x^3 + x + 1 = (x^2 + x)(x + 1) + 1
    expect(polyDivMod(bits('1011'), bits('11'))).toEqual({ quotient: bits('110'), remainder: 1n });
    // Dividend of lower degree: quotient 0, remainder the dividend.
    expect(polyDivMod(bits('11'), bits('1011'))).toEqual({ quotient: 0n, remainder: bits('11') });
    // In AES's field x^8 = x^4 + x^3 + x + 1.
    expect(polyMod(1n << 8n, aesPolynomial)).toBe(0x1bn);
  });

  it('refuses division by zero and negative values with INVALID_ARGUMENT', () => {
    for (const call of [
      () => polyDivMod(5n, 0n),
      () => polyMulMod(5n, 3n, 0n),
      () => polyDegree(-1n),
      () => polyMul(-3n, 1n),
    ]) {
      expect(thrownBy(call)).toSatisfy((error) => isEngineError(error, 'INVALID_ARGUMENT'));
    }
  });

  it('multiplies modulo a polynomial', () => {
    // FIPS-197's worked examples in AES's field: {57}·{83} = {c1}, {57}·{13} = {fe}.
    expect(polyMulMod(0x57n, 0x83n, aesPolynomial)).toBe(0xc1n);
    expect(polyMulMod(0x57n, 0x13n, aesPolynomial)).toBe(0xfen);
    // restic/chunker's published MulMod cases, including 64-bit operands.
    expect(polyMulMod(0x1230n, 0x230n, 0x55n)).toBe(0x22n);
    expect(polyMulMod(0x0eae8c07dbbb3026n, 0xd5d6db9de04771den, 0xdd2bda3b77c9n)).toBe(0x425ae8595b7an);
  });

  it('computes greatest common divisors', () => {
    // gcd((x + 1)^2, (x + 1)(x^2 + x + 1)) = x + 1
    expect(polyGcd(bits('101'), bits('1001'))).toBe(bits('11'));
    expect(polyGcd(bits('1001'), bits('101'))).toBe(bits('11'));
    expect(polyGcd(resticTestPolynomial, 0n)).toBe(resticTestPolynomial);
    expect(polyGcd(0n, 1n)).toBe(1n);
    // Two distinct irreducible polynomials are coprime.
    expect(polyGcd(resticTestPolynomial, aesPolynomial)).toBe(1n);
    // restic/chunker's published case: the common factor x^4 + x + 1.
    expect(polyGcd(0x230d2259defdn, 0x51b492b3eff2n)).toBe(bits('10011'));
  });

  it('satisfies the ring laws (property)', () => {
    fc.assert(
      fc.property(uint64, uint64, uint64, (a, b, c) => {
        expect(polyMul(a, b)).toBe(polyMul(b, a));
        expect(polyMul(a, polyAdd(b, c))).toBe(polyAdd(polyMul(a, b), polyMul(a, c)));
      }),
    );
  });

  it('divides so that a = q·d + r with deg r < deg d (property)', () => {
    fc.assert(
      fc.property(uint64, nonZeroUint64, (a, d) => {
        const { quotient, remainder } = polyDivMod(a, d);
        expect(polyAdd(polyMul(quotient, d), remainder)).toBe(a);
        expect(polyDegree(remainder)).toBeLessThan(polyDegree(d));
      }),
    );
  });

  it('mulMod equals mod of the full product, and gcd divides both operands (property)', () => {
    fc.assert(
      fc.property(uint64, uint64, nonZeroUint64, (a, b, m) => {
        expect(polyMulMod(a, b, m)).toBe(polyMod(polyMul(a, b), m));
        if (a !== 0n || b !== 0n) {
          const divisor = polyGcd(a, b);
          expect(polyMod(a, divisor)).toBe(0n);
          expect(polyMod(b, divisor)).toBe(0n);
        }
      }),
    );
  });
});

describe('the irreducibility test (Ben-Or)', () => {
  it('accepts irreducible polynomials', () => {
    for (const p of [
      bits('10'), // x
      bits('11'), // x + 1
      bits('111'), // x^2 + x + 1
      bits('1011'), // x^3 + x + 1
      bits('10011'), // x^4 + x + 1
      aesPolynomial,
      resticTestPolynomial,
      0x2482734cacca49n, // from restic/chunker's irreducibility table
    ]) {
      expect(isIrreducible(p), p.toString(16)).toBe(true);
    }
  });

  it('rejects reducible polynomials and constants', () => {
    for (const p of [
      0n,
      1n,
      bits('100'), // x^2 = x·x
      bits('101'), // x^2 + 1 = (x + 1)^2
      bits('10101'), // x^4 + x^2 + 1 = (x^2 + x + 1)^2
      polyMul(aesPolynomial, bits('111')),
      polyMul(resticTestPolynomial, bits('11')),
      // An even number of terms means p(1) = 0, so x + 1 divides it.
      resticTestPolynomial ^ 2n,
      // Degree-53 entries of restic/chunker's irreducibility table marked reducible.
      0x38f1e565e288dfn,
      0x30a8295b9d5c91n,
      0x255f4350b962cbn,
      0x3143d0464b3299n,
    ]) {
      expect(isIrreducible(p), p.toString(16)).toBe(false);
    }
  });

  it('agrees with trial division for every polynomial of degree 1 to 9', () => {
    // The irreducible polynomials of degree ≤ 4. A polynomial of degree ≤ 9 is reducible iff one of them (other
    // than itself) divides it, which makes this an independent, complete check for these degrees.
    const smallIrreducibles = [
      ...[bits('10'), bits('11'), bits('111'), bits('1011'), bits('1101')],
      ...[bits('10011'), bits('11001'), bits('11111')],
    ];
    let irreducibleCount = 0;
    for (let p = 2n; p < 1n << 10n; p++) {
      const hasFactor = smallIrreducibles.some((f) => f !== p && polyMod(p, f) === 0n);
      expect(isIrreducible(p), p.toString(2)).toBe(!hasFactor);
      if (!hasFactor) irreducibleCount++;
    }
    // Known counts of irreducible polynomials over GF(2) of degree 1…9: 2, 1, 2, 3, 6, 9, 18, 30, 56.
    expect(irreducibleCount).toBe(2 + 1 + 2 + 3 + 6 + 9 + 18 + 30 + 56);
  });

  it('rejects every product of two non-constant polynomials (property)', () => {
    const factor = fc.bigInt({ min: 2n, max: (1n << 30n) - 1n });
    fc.assert(
      fc.property(factor, factor, (a, b) => {
        expect(isIrreducible(polyMul(a, b))).toBe(false);
      }),
    );
  });
});

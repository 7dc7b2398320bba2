import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { thrownBy } from './chunker-test-data';
import { polyMod } from './gf2-polynomial';
import { fingerprintOf, type RabinTables, rabinTablesFor, windowSize } from './rabin-tables';

const resticTestPolynomial = 0x3da3358b4dc173n;
const tables = rabinTablesFor(resticTestPolynomial);

const join = (hi: number | undefined, lo: number | undefined): bigint =>
  (BigInt(hi ?? Number.NaN) << 32n) | BigInt(lo ?? Number.NaN);
const outOf = (t: RabinTables, b: number) => join(t.outHi[b], t.outLo[b]);
const modOf = (t: RabinTables, b: number) => join(t.modHi[b], t.modLo[b]);

describe('Rabin fingerprint tables', () => {
  it('out[b] is the fingerprint of b followed by 63 zero bytes', () => {
    for (let b = 0; b < 256; b++) {
      const window = new Uint8Array(windowSize);
      window[0] = b;
      expect(outOf(tables, b)).toBe(fingerprintOf(window, resticTestPolynomial));
    }
  });

  it('mod[t] is t·x^53 mod P with t·x^53 itself in the top bits', () => {
    for (let t = 0; t < 256; t++) {
      const top = BigInt(t) << 53n;
      expect(modOf(tables, t) >> 53n).toBe(BigInt(t));
      expect(modOf(tables, t) & ((1n << 53n) - 1n)).toBe(polyMod(top, resticTestPolynomial));
    }
  });

  it('one table step slides the window exactly as the definition says (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: windowSize, maxLength: windowSize }),
        fc.nat(255),
        (window, next) => {
          // Remove the oldest byte, shift in the new one, reduce with the top byte: as the chunker does.
          const before = fingerprintOf(window, resticTestPolynomial) ^ outOf(tables, window[0] ?? 0);
          const top = Number(before >> 45n);
          const after = ((before << 8n) | BigInt(next)) ^ modOf(tables, top);
          const slid = new Uint8Array([...window.subarray(1), next]);
          expect(after).toBe(fingerprintOf(slid, resticTestPolynomial));
          expect(after < 1n << 53n).toBe(true);
        },
      ),
    );
  });

  it('are computed once per polynomial', () => {
    expect(rabinTablesFor(resticTestPolynomial)).toBe(tables);
    expect(rabinTablesFor(0x2482734cacca49n)).not.toBe(tables);
  });

  it('refuse polynomials of a degree other than 53', () => {
    expect(thrownBy(() => rabinTablesFor(0x11bn))).toSatisfy((error) =>
      isEngineError(error, 'INVALID_ARGUMENT'),
    );
  });
});

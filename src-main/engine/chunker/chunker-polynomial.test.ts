import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import {
  formatChunkerPolynomial,
  parseChunkerPolynomial,
  type RandomSource,
  randomIrreduciblePolynomial,
} from './chunker-polynomial';
import { seededBytes, thrownBy } from './chunker-test-data';
import { isIrreducible, polyDegree } from './gf2-polynomial';

const resticTestPolynomial = 0x3da3358b4dc173n;

/** A random source that plays back `bytes` and records how much was read. */
function playback(bytes: Buffer): RandomSource & { consumed: () => number } {
  let offset = 0;
  const source = (size: number) => {
    if (offset + size > bytes.length) throw new Error('playback source exhausted');
    offset += size;
    return bytes.subarray(offset - size, offset);
  };
  return Object.assign(source, { consumed: () => offset });
}

function uint64LittleEndian(value: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return bytes;
}

function expectCorrupt(text: string, reason: string): void {
  const error = thrownBy(() => parseChunkerPolynomial(text));
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe('CORRUPT');
  expect((error as EngineError).message).toContain(JSON.stringify(text));
  expect((error as EngineError).message).toContain(reason);
}

describe('random chunker polynomials', () => {
  it('are irreducible, of degree 53, with the constant term set', () => {
    for (let i = 0; i < 5; i++) {
      const p = randomIrreduciblePolynomial();
      expect(polyDegree(p)).toBe(53);
      expect(p & 1n).toBe(1n);
      expect(isIrreducible(p)).toBe(true);
    }
  });

  it("follow restic's derivation: 8 bytes little-endian, bits 0–53 kept, bits 53 and 0 set", () => {
    // All ones has 54 terms, an even number, so x + 1 divides it: rejected, and the next candidate is read.
    // The second candidate has high garbage bits and bits 53 and 0 cleared; masking and forcing the bits turns
    // it into restic's test polynomial.
    const garbled = (resticTestPolynomial | (0xffn << 56n) | (1n << 54n)) ^ (1n << 53n) ^ 1n;
    const source = playback(Buffer.concat([Buffer.alloc(8, 0xff), uint64LittleEndian(garbled)]));
    expect(randomIrreduciblePolynomial(source)).toBe(resticTestPolynomial);
    expect(source.consumed()).toBe(16);
  });

  it('are the first irreducible candidate of the random stream (property)', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const stream = seededBytes(seed, 8 * 2000);
        const source = playback(stream);
        const p = randomIrreduciblePolynomial(source);
        // Independently: scan the same stream for the first candidate that is irreducible.
        let expected = -1n;
        for (let offset = 0; offset < stream.length && expected < 0n; offset += 8) {
          const candidate = (stream.readBigUInt64LE(offset) & ((1n << 54n) - 1n)) | (1n << 53n) | 1n;
          if (isIrreducible(candidate)) expected = candidate;
        }
        expect(p).toBe(expected);
        expect(source.consumed() % 8).toBe(0);
        expect(polyDegree(p)).toBe(53);
        expect(isIrreducible(p)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses a random source that returns the wrong number of bytes', () => {
    const error = thrownBy(() => randomIrreduciblePolynomial(() => new Uint8Array(4)));
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('INVALID_ARGUMENT');
  });
});

describe('chunker polynomial in the config', () => {
  it('is written as lower-case hex without 0x', () => {
    expect(formatChunkerPolynomial(resticTestPolynomial)).toBe('3da3358b4dc173');
  });

  it('parses what restic writes', () => {
    // From a restic 0.14 config (restic-format-v2.md §4).
    expect(parseChunkerPolynomial('27dd52f9efbaaf')).toBe(0x27dd52f9efbaafn);
    expect(parseChunkerPolynomial('3da3358b4dc173')).toBe(resticTestPolynomial);
    // Go's ParseUint(s, 16, 64), which restic reads it with, takes either case and leading zeros.
    expect(parseChunkerPolynomial('3DA3358B4DC173')).toBe(resticTestPolynomial);
    expect(parseChunkerPolynomial('003da3358b4dc173')).toBe(resticTestPolynomial);
  });

  it('round-trips every random polynomial (property)', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const p = randomIrreduciblePolynomial(playback(seededBytes(seed, 8 * 2000)));
        const text = formatChunkerPolynomial(p);
        expect(text).toMatch(/^[0-9a-f]{14}$/);
        expect(parseChunkerPolynomial(text)).toBe(p);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects text that is not a hex uint64 with CORRUPT', () => {
    for (const text of [
      '',
      '0x3da3358b4dc173',
      ' 3da3358b4dc173',
      '3da3358b4dc173\n',
      '-1',
      'zz',
      '1'.repeat(17),
    ]) {
      expectCorrupt(text, 'not a hexadecimal uint64');
    }
  });

  it('rejects polynomials of another degree with CORRUPT', () => {
    expectCorrupt('0', 'degree -1');
    expectCorrupt('13', 'degree 4'); // x^4 + x + 1: irreducible, but not what restic chunks with
    expectCorrupt('7da3358b4dc173', 'degree 54');
  });

  it('rejects known reducible polynomials of degree 53 with CORRUPT', () => {
    // Entries of restic/chunker's irreducibility table marked reducible, and restic's test polynomial with one
    // coefficient flipped (an even number of terms, so divisible by x + 1).
    for (const text of [
      '38f1e565e288df',
      '30a8295b9d5c91',
      '255f4350b962cb',
      '3143d0464b3299',
      '3da3358b4dc171',
    ]) {
      expectCorrupt(text, 'not irreducible');
    }
  });

  it('rejects every degree-53 polynomial with an even number of terms (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n << 53n, max: (1n << 54n) - 1n }), (p) => {
        const terms = [...p.toString(2)].filter((bit) => bit === '1').length;
        fc.pre(terms % 2 === 0);
        expectCorrupt(p.toString(16), 'not irreducible');
      }),
    );
  });
});

/**
 * The native-backed `Chunker` (C byte loop in the hotpath addon) against the JavaScript `ReferenceChunker` it was
 * ported from: identical cuts on random data, on data full of content-defined cuts, on zero runs and periodic
 * data, and whatever the buffer splits — tiny ones, empty ones, and ones that end right at or next to a cut.
 * (chunker.test.ts checks both against a byte-at-a-time model of restic's loop; chunker.restic.test.ts checks
 * the native one against restic itself.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadHotpathAddon } from '../native/hotpath-addon';
import { maxChunkSize, minChunkSize } from './chunk-limits';
import { Chunker, type ContentChunker, chunkBoundaries } from './chunker';
import { randomIrreduciblePolynomial } from './chunker-polynomial';
import { dataWithoutCuts, seededBytes, seededRandomSource, seededText } from './chunker-test-data';
import type { Polynomial } from './gf2-polynomial';
import { fingerprintOf, windowSize } from './rabin-tables';
import { ReferenceChunker, referenceChunkBoundaries } from './reference-chunker';

const KiB = 1024;
const MiB = 1024 * KiB;
const resticTestPolynomial = 0x3da3358b4dc173n;
/** Each run pushes up to ~25 MiB through the JS reference twice; on a busy 2-core machine that needs room. */
const propertyTestOptions = { timeout: 120_000 };

const polynomialArbitrary = fc.oneof(
  fc.constant(resticTestPolynomial),
  fc.nat(20).map((seed) => randomIrreduciblePolynomial(seededRandomSource(`native polynomial ${seed}`))),
);

/** Pushes `data` in pieces of the given sizes (cycled; 0 = an empty push) and collects every cut. */
function streamedCuts(chunker: ContentChunker, data: Uint8Array, pieceSizes: readonly number[]): number[] {
  if (!pieceSizes.some((size) => size > 0)) throw new Error('at least one piece size must be > 0');
  const ends: number[] = [];
  let offset = 0;
  for (let piece = 0; offset < data.length; piece++) {
    const size = pieceSizes[piece % pieceSizes.length] ?? 0;
    ends.push(...chunker.push(data.subarray(offset, offset + size)));
    offset += Math.min(size, data.length - offset);
    expect(chunker.position).toBe(offset);
  }
  const last = chunker.finish();
  if (last !== undefined) ends.push(last);
  return ends;
}

/** Pushes `data` split exactly at the given offsets (ascending, within the data). */
function cutsWithSplitsAt(chunker: ContentChunker, data: Uint8Array, splits: readonly number[]): number[] {
  const ends: number[] = [];
  let offset = 0;
  for (const split of [...splits, data.length]) {
    ends.push(...chunker.push(data.subarray(offset, split)));
    offset = split;
  }
  const last = chunker.finish();
  if (last !== undefined) ends.push(last);
  return ends;
}

/** The same data through both implementations, whole and in the same pieces: all four must agree. */
function expectSameCuts(data: Uint8Array, polynomial: Polynomial, pieces: readonly number[]): number[] {
  const reference = referenceChunkBoundaries(data, polynomial);
  expect(chunkBoundaries(data, polynomial)).toEqual(reference);
  expect(streamedCuts(new Chunker(polynomial), data, pieces)).toEqual(reference);
  expect(streamedCuts(new ReferenceChunker(polynomial), data, pieces)).toEqual(reference);
  return reference;
}

/**
 * Makes the 64 bytes before `end` a window whose fingerprint has its low 24 bits zero, i.e. a content-defined cut
 * point, by choosing the window's last three bytes: the fingerprint is linear over GF(2), and bytes 61, 62, 63 of
 * the window add b61·x^16 + b62·x^8 + b63 — below the polynomial's degree, so exactly the bits 0–23.
 */
function plantCutPoint(data: Buffer, end: number, polynomial: Polynomial): void {
  data.fill(0, end - 3, end);
  const fp = fingerprintOf(data.subarray(end - windowSize, end), polynomial);
  data[end - 3] = Number((fp >> 16n) & 0xffn);
  data[end - 2] = Number((fp >> 8n) & 0xffn);
  data[end - 1] = Number(fp & 0xffn);
}

/**
 * Random data with a cut point planted after every gap (planted in ascending order: planting at p changes only
 * the windows ending at p − 2 … p + 63, so earlier ones stay cut points). Gaps shorter than MinSize put cut
 * points where the chunker must ignore them (in the skipped head, in the first 64 hashed bytes, back to back).
 */
function cutRichData(seed: number, gaps: readonly number[], tail: number, polynomial: Polynomial): Buffer {
  const size = windowSize + gaps.reduce((sum, gap) => sum + gap, 0) + tail;
  const data = seededBytes(`cut-rich ${seed}`, size);
  let position = windowSize;
  for (const gap of gaps) {
    position += gap;
    plantCutPoint(data, position, polynomial);
  }
  return data;
}

/** Gaps between planted cut points: back to back, short, around MinSize, and long. */
const gapArbitrary = fc.oneof(
  fc.integer({ min: 3, max: 80 }),
  fc.integer({ min: 81, max: 64 * KiB }),
  fc.integer({ min: minChunkSize - 2 * windowSize, max: minChunkSize + 2 * windowSize }),
  fc.integer({ min: 64 * KiB, max: 700 * KiB }),
);

/** Buffer sizes, cycled: tiny and empty ones land next to cuts; one ≥ 64 KiB keeps the push count sane. */
const pieceSizesArbitrary = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 60, max: 70 }),
        fc.integer({ min: 1, max: 2 * MiB }),
        fc.constant(MiB),
      ),
      { maxLength: 7 },
    ),
    fc.integer({ min: 64 * KiB, max: 3 * MiB }),
    fc.nat(),
  )
  .map(([pieces, large, at]) => pieces.toSpliced(at % (pieces.length + 1), 0, large));

type SegmentKind = 'random' | 'zeros' | 'text' | 'short-period' | 'no-cuts';
const segmentArbitrary = fc.record({
  kind: fc.constantFrom<SegmentKind>('random', 'zeros', 'text', 'short-period', 'no-cuts'),
  size: fc.oneof(
    fc.integer({ min: 0, max: 200 }),
    fc.integer({ min: 0, max: 3 * MiB }),
    fc.integer({ min: 7 * MiB, max: 9 * MiB }),
  ),
  seed: fc.nat(1_000_000),
});

function segmentData(
  { kind, size, seed }: { kind: SegmentKind; size: number; seed: number },
  polynomial: Polynomial,
): Buffer {
  switch (kind) {
    case 'random':
      return seededBytes(`native segment ${seed}`, size);
    case 'zeros':
      return Buffer.alloc(size);
    case 'text':
      return seededText(`native segment ${seed}`, size);
    case 'short-period':
      return Buffer.alloc(size, seededBytes(`native pattern ${seed}`, 1 + (seed % 100)));
    case 'no-cuts':
      return dataWithoutCuts(`native segment ${seed}`, size, [polynomial]);
  }
}

describe('the native chunker gives exactly the reference cuts', () => {
  it('on random data of any size, whatever the buffer sizes (property)', propertyTestOptions, () => {
    fc.assert(
      fc.property(
        polynomialArbitrary,
        fc.nat(1_000_000),
        fc.oneof(fc.integer({ min: 0, max: 2 * minChunkSize }), fc.integer({ min: 0, max: 20 * MiB })),
        pieceSizesArbitrary,
        (polynomial, seed, size, pieces) => {
          expectSameCuts(seededBytes(`native random ${seed}`, size), polynomial, pieces);
        },
      ),
      { numRuns: 25 },
    );
  });

  it(
    'on data with many content-defined cuts, incl. cut points it must ignore (property)',
    propertyTestOptions,
    () => {
      fc.assert(
        fc.property(
          polynomialArbitrary,
          fc.nat(1_000_000),
          fc.array(gapArbitrary, { minLength: 1, maxLength: 60 }),
          fc.integer({ min: 0, max: 2 * MiB }),
          pieceSizesArbitrary,
          (polynomial, seed, gaps, tail, pieces) => {
            const data = cutRichData(seed, gaps, tail, polynomial);
            const cuts = expectSameCuts(data, polynomial, pieces);
            // Every cut point planted at or after MinSize into a chunk (and before MaxSize) must have cut it, so
            // in the planted region no chunk outgrows MinSize + the largest gap. The random tail promises nothing
            // (it may hold no cut at all), so it is not counted.
            const plantedLength = windowSize + gaps.reduce((sum, gap) => sum + gap, 0);
            const expectedAtLeast = Math.floor(plantedLength / (minChunkSize + 700 * KiB + windowSize));
            expect(cuts.length).toBeGreaterThanOrEqual(expectedAtLeast);
          },
        ),
        { numRuns: 25 },
      );
    },
  );

  it('on zero runs and periodic data mixed with random data and text (property)', propertyTestOptions, () => {
    fc.assert(
      fc.property(
        polynomialArbitrary,
        fc.array(segmentArbitrary, { minLength: 1, maxLength: 4 }),
        pieceSizesArbitrary,
        (polynomial, segments, pieces) => {
          const data = Buffer.concat(segments.map((segment) => segmentData(segment, polynomial)));
          expectSameCuts(data, polynomial, pieces);
        },
      ),
      {
        numRuns: 20,
        examples: [
          [resticTestPolynomial, [{ kind: 'zeros', size: 20 * MiB + 1000, seed: 0 }], [MiB + 3, 17, 0, 64]],
          [
            resticTestPolynomial,
            [
              { kind: 'random', size: 3 * MiB, seed: 1 },
              { kind: 'no-cuts', size: 10 * MiB, seed: 2 },
              { kind: 'zeros', size: 2 * MiB, seed: 3 },
              { kind: 'text', size: 2 * MiB, seed: 4 },
            ],
            [MiB + 3, 1, 0, 64, 65, 63],
          ],
        ],
      },
    );
  });

  it('when buffers end just before, at or just after a cut (property)', propertyTestOptions, () => {
    fc.assert(
      fc.property(
        polynomialArbitrary,
        fc.nat(1_000_000),
        fc.array(fc.integer({ min: -130, max: 130 }), { minLength: 1, maxLength: 8 }),
        (polynomial, seed, deltas) => {
          const data = cutRichData(
            seed,
            [minChunkSize + 10, 700, minChunkSize, 3, 5, minChunkSize + 64],
            MiB,
            polynomial,
          );
          const reference = referenceChunkBoundaries(data, polynomial);
          // Split every cut's neighbourhood at each delta: cuts fall in a buffer's first 64 bytes (where the
          // outgoing bytes come from the saved window), at its very end, and right after a split.
          const splits = [...new Set(reference.flatMap((cut) => deltas.map((delta) => cut + delta)))]
            .filter((split) => split > 0 && split < data.length)
            .sort((a, b) => a - b);
          expect(cutsWithSplitsAt(new Chunker(polynomial), data, splits)).toEqual(reference);
          expect(cutsWithSplitsAt(new ReferenceChunker(polynomial), data, splits)).toEqual(reference);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('when pushed one byte at a time around cuts and the MaxSize limit', () => {
    const noCuts = dataWithoutCuts('native bytewise', maxChunkSize + 300, [resticTestPolynomial]);
    const data = Buffer.concat([
      cutRichData(7, [minChunkSize + 1, 3, 100], 200, resticTestPolynomial),
      noCuts,
    ]);
    const reference = referenceChunkBoundaries(data, resticTestPolynomial);
    const lengths = reference.map((end, index) => end - (reference[index - 1] ?? 0));
    expect(lengths).toContain(maxChunkSize);
    expect(lengths[0]).toBe(windowSize + minChunkSize + 1);
    // Large pushes up to 200 bytes before each cut (and before MaxSize), then single bytes across it.
    const singleByteRegions = reference.map((cut) => cut - 200);
    const splits: number[] = [];
    let offset = 0;
    for (const start of singleByteRegions) {
      if (start > offset) splits.push(start);
      for (let at = Math.max(start, offset) + 1; at < start + 400 && at < data.length; at++) splits.push(at);
      offset = splits.at(-1) ?? offset;
    }
    expect(cutsWithSplitsAt(new Chunker(resticTestPolynomial), data, splits)).toEqual(reference);
  });

  it('finds the first match of a round hashed in lanes, whichever lane sees a match first', () => {
    // The native loop hashes 16 KiB rounds as 4 lanes of 4 KiB in lockstep (rabin-chunker.c). In one push of a
    // whole buffer, the first chunk's hashing starts at MinSize − 64: 64 head bytes, then rounds from MinSize.
    // A cut at offset c is a match after byte c − 1.
    const roundStart = minChunkSize;
    const lane = 4096;
    const cases: { name: string; cutPoints: number[]; firstCut: number }[] = [
      // Lane 3 matches at its step 10, long before lane 0 does at step 4000: the cut is lane 0's.
      {
        name: 'lanes 0 and 3',
        cutPoints: [roundStart + 4000 + 1, roundStart + 3 * lane + 10 + 1],
        firstCut: roundStart + 4001,
      },
      {
        name: 'lane 2 only',
        cutPoints: [roundStart + 2 * lane + 7 + 1],
        firstCut: roundStart + 2 * lane + 8,
      },
      // Last position of a lane, first of the next, the round's last, and the first after a matchless round.
      { name: 'lane 1 end', cutPoints: [roundStart + 2 * lane], firstCut: roundStart + 2 * lane },
      { name: 'lane 2 start', cutPoints: [roundStart + 2 * lane + 1], firstCut: roundStart + 2 * lane + 1 },
      { name: 'round end', cutPoints: [roundStart + 4 * lane], firstCut: roundStart + 4 * lane },
      { name: 'next round', cutPoints: [roundStart + 4 * lane + 1], firstCut: roundStart + 4 * lane + 1 },
      // The last head position (before MinSize only the 64 head bytes are hashed, and they cannot cut).
      { name: 'MinSize', cutPoints: [minChunkSize], firstCut: minChunkSize },
    ];
    for (const { name, cutPoints, firstCut } of cases) {
      const data = seededBytes(`lanes ${name}`, 2 * MiB);
      for (const point of cutPoints) plantCutPoint(data, point, resticTestPolynomial);
      const reference = referenceChunkBoundaries(data, resticTestPolynomial);
      expect(reference[0], name).toBe(firstCut);
      expect(chunkBoundaries(data, resticTestPolynomial), name).toEqual(reference);
    }
  });

  it('keeps each chunker’s state to itself (two interleaved inputs, two polynomials)', () => {
    const otherPolynomial = randomIrreduciblePolynomial(seededRandomSource('native interleaved'));
    const a = seededBytes('interleaved a', 6 * MiB);
    const b = cutRichData(11, Array<number>(10).fill(minChunkSize + 5), 1000, otherPolynomial);
    const chunkerA = new Chunker(resticTestPolynomial);
    const chunkerB = new Chunker(otherPolynomial);
    const cutsA: number[] = [];
    const cutsB: number[] = [];
    const piece = 333 * KiB;
    for (let offset = 0; offset < Math.max(a.length, b.length); offset += piece) {
      if (offset < a.length) cutsA.push(...chunkerA.push(a.subarray(offset, offset + piece)));
      if (offset < b.length) cutsB.push(...chunkerB.push(b.subarray(offset, offset + piece)));
    }
    cutsA.push(chunkerA.finish() ?? -1);
    cutsB.push(chunkerB.finish() ?? -1);
    expect(cutsA).toEqual(referenceChunkBoundaries(a, resticTestPolynomial));
    expect(cutsB).toEqual(referenceChunkBoundaries(b, otherPolynomial));
    expect(cutsB.length).toBeGreaterThanOrEqual(10);
  });
});

describe('the native chunker loop', () => {
  const addon = loadHotpathAddon();

  it('has the chunk size limits of the TypeScript code compiled in', () => {
    expect(addon.chunkerMinSize).toBe(minChunkSize);
    expect(addon.chunkerMaxSize).toBe(maxChunkSize);
  });

  it('rejects a state or tables of the wrong size or type', () => {
    const tables = new BigUint64Array(512);
    const state = new Uint8Array(addon.chunkerStateSize);
    addon.chunkerStart(state);
    const data = new Uint8Array(10);
    expect(() => addon.chunkerPush(new Uint8Array(addon.chunkerStateSize - 1), tables, data)).toThrow(
      RangeError,
    );
    expect(() => addon.chunkerStart(new Uint8Array(addon.chunkerStateSize + 1))).toThrow(RangeError);
    expect(() => addon.chunkerPush(state, new BigUint64Array(511), data)).toThrow(/512 entries/);
    expect(() => addon.chunkerPush(state, new Uint32Array(1024) as unknown as BigUint64Array, data)).toThrow(
      TypeError,
    );
    expect(() => addon.chunkerPush(state, tables, 'data' as unknown as Uint8Array)).toThrow(TypeError);
    expect(addon.chunkerPush(state, tables, data)).toEqual([]);
  });
});

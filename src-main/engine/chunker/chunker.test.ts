/**
 * The chunker's own properties. Exact agreement with restic is proven in chunker.restic.test.ts; here: the cut
 * rules, independence from how the input is split into buffers, and agreement with a plain byte-at-a-time
 * model of restic's loop on many generated inputs — for the native-backed `Chunker` the engine uses and for the
 * JavaScript `ReferenceChunker` it was ported from (native-chunker.test.ts compares the two directly).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunksOf } from './chunk-stream';
import {
  Chunker,
  type ContentChunker,
  chunkBoundaries,
  maxChunkSize,
  minChunkSize,
  splitIntoChunks,
} from './chunker';
import { randomIrreduciblePolynomial } from './chunker-polynomial';
import { dataWithoutCuts, seededBytes, seededRandomSource, seededText } from './chunker-test-data';
import type { Polynomial } from './gf2-polynomial';
import { fingerprintOf, rabinTablesFor, windowSize } from './rabin-tables';
import { ReferenceChunker, referenceChunkBoundaries } from './reference-chunker';

const MiB = 1024 * 1024;
const resticTestPolynomial = 0x3da3358b4dc173n;

/**
 * restic's chunk loop transcribed plainly: a 64-byte ring window, a reset that slides in 0x01, a countdown of
 * bytes to skip, one byte at a time. Slow, but with none of the fast chunker's structure (no buffer-relative
 * window, no precomputed cut index, no skip arithmetic), so a disagreement points at that bookkeeping. The table
 * arithmetic both share is checked against the BigInt definition (rabin-tables.test.ts) and against restic.
 */
function modelBoundaries(data: Uint8Array, polynomial: Polynomial): number[] {
  const { outHi, outLo, modHi, modLo } = rabinTablesFor(polynomial);
  const window = new Uint8Array(windowSize);
  let wpos = 0;
  let hi = 0;
  let lo = 0;
  let count = 0;
  let skip = 0;
  const slide = (byte: number) => {
    const out = window[wpos] ?? 0;
    window[wpos] = byte;
    wpos = (wpos + 1) % windowSize;
    hi ^= outHi[out] ?? 0;
    lo ^= outLo[out] ?? 0;
    const top = hi >>> 13;
    hi = ((hi << 8) | (lo >>> 24)) ^ (modHi[top] ?? 0);
    lo = ((lo << 8) | byte) ^ (modLo[top] ?? 0);
  };
  const reset = () => {
    window.fill(0);
    wpos = 0;
    hi = 0;
    lo = 0;
    count = 0;
    slide(1);
    skip = minChunkSize - windowSize;
  };
  const ends: number[] = [];
  reset();
  for (let pos = 0; pos < data.length; pos++) {
    count++;
    if (skip > 0) {
      skip--;
      continue;
    }
    slide(data[pos] ?? 0);
    if (((lo & 0xfffff) === 0 || count >= maxChunkSize) && count >= minChunkSize) {
      ends.push(pos + 1);
      reset();
    }
  }
  if (count > 0) ends.push(data.length);
  return ends;
}

/** Pushes `data` in pieces of the given sizes (cycled; 0 = an empty push) and collects every cut. */
function streamedBoundaries(
  data: Uint8Array,
  polynomial: Polynomial,
  pieceSizes: number[],
  chunker: ContentChunker = new Chunker(polynomial),
): number[] {
  if (!pieceSizes.some((size) => size > 0)) throw new Error('at least one piece size must be > 0');
  const ends: number[] = [];
  let offset = 0;
  for (let piece = 0; offset < data.length; piece++) {
    const size = pieceSizes[piece % pieceSizes.length] ?? 0;
    ends.push(...chunker.push(data.subarray(offset, offset + size)));
    offset += Math.min(size, data.length - offset);
  }
  const last = chunker.finish();
  if (last !== undefined) ends.push(last);
  return ends;
}

type SegmentKind = 'random' | 'zeros' | 'text' | 'short-period' | 'no-cuts';
interface Segment {
  kind: SegmentKind;
  size: number;
  seed: number;
}

function segmentData({ kind, size, seed }: Segment, polynomial: Polynomial): Buffer {
  switch (kind) {
    case 'random':
      return seededBytes(`segment ${seed}`, size);
    case 'zeros':
      return Buffer.alloc(size);
    case 'text':
      return seededText(`segment ${seed}`, size);
    case 'short-period': {
      // A short repeated pattern: few distinct windows, so long stretches without content-defined cuts.
      const pattern = seededBytes(`pattern ${seed}`, 1 + (seed % 100));
      return Buffer.alloc(size, pattern);
    }
    case 'no-cuts':
      return dataWithoutCuts(`segment ${seed}`, size, [polynomial]);
  }
}

const segmentArbitrary: fc.Arbitrary<Segment> = fc.record({
  kind: fc.constantFrom<SegmentKind>('random', 'zeros', 'text', 'short-period', 'no-cuts'),
  // Small segments put kind changes next to each other; large ones (> MaxSize) make room for MaxSize cuts.
  size: fc.oneof(
    fc.integer({ min: 0, max: 200 }),
    fc.integer({ min: 0, max: 3 * MiB }),
    fc.integer({ min: 7 * MiB, max: 10 * MiB }),
  ),
  seed: fc.nat(1_000_000),
});
/** A few segments of different kinds, so that MinSize, content-defined and MaxSize cuts all occur. */
const inputArbitrary = fc.array(segmentArbitrary, { minLength: 1, maxLength: 3 });
/**
 * Buffer sizes, used in turn: sizes a reader might use, plus tiny and empty ones that land next to cuts. Every
 * cycle holds one piece of ≥ 64 KiB so that a 30 MiB input does not become millions of pushes (single-byte
 * pushes have their own test).
 */
const pieceSizesArbitrary = fc
  .tuple(
    fc.array(
      fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 2 * MiB }), fc.constant(MiB)),
      {
        maxLength: 7,
      },
    ),
    fc.integer({ min: 64 * 1024, max: 2 * MiB }),
    fc.nat(),
  )
  .map(([pieces, large, at]) => pieces.toSpliced(at % (pieces.length + 1), 0, large));
/** Property tests push up to ~30 MiB per run through the slow model; on a busy 2-core machine that needs room. */
const propertyTestOptions = { timeout: 90_000 };

/** Polynomials: restic's test polynomial or one derived from a seed (tables are cached per polynomial). */
const polynomialArbitrary = fc.oneof(
  fc.constant(resticTestPolynomial),
  fc.nat(20).map((seed) => randomIrreduciblePolynomial(seededRandomSource(`polynomial ${seed}`))),
);

function checkChunks(data: Uint8Array, ends: number[]): void {
  if (data.length === 0) {
    expect(ends).toEqual([]);
    return;
  }
  expect(ends.at(-1)).toBe(data.length);
  let start = 0;
  ends.forEach((end, index) => {
    const length = end - start;
    expect(length).toBeLessThanOrEqual(maxChunkSize);
    expect(length).toBeGreaterThanOrEqual(index === ends.length - 1 ? 1 : minChunkSize);
    start = end;
  });
}

describe('the chunker', () => {
  it(
    'cuts generated inputs exactly like the byte-at-a-time model, whatever the buffer sizes (property)',
    propertyTestOptions,
    () => {
      fc.assert(
        fc.property(
          polynomialArbitrary,
          inputArbitrary,
          pieceSizesArbitrary,
          (polynomial, segments, pieces) => {
            const data = Buffer.concat(segments.map((segment) => segmentData(segment, polynomial)));
            const ends = chunkBoundaries(data, polynomial);
            checkChunks(data, ends);
            expect(ends).toEqual(modelBoundaries(data, polynomial));
            expect(streamedBoundaries(data, polynomial, pieces)).toEqual(ends);
            expect(referenceChunkBoundaries(data, polynomial)).toEqual(ends);
            expect(streamedBoundaries(data, polynomial, pieces, new ReferenceChunker(polynomial))).toEqual(
              ends,
            );
          },
        ),
        {
          numRuns: 20,
          // Always included: every kind of cut in one input (zeros: MinSize; random: content-defined; no-cuts:
          // MaxSize), with buffers of odd sizes.
          examples: [
            [
              resticTestPolynomial,
              [
                { kind: 'random', size: 3 * MiB, seed: 1 },
                { kind: 'no-cuts', size: 10 * MiB, seed: 2 },
                { kind: 'zeros', size: 2 * MiB, seed: 3 },
                { kind: 'text', size: 2 * MiB, seed: 4 },
              ],
              [MiB + 3, 17, 0, 64],
            ],
          ],
        },
      );
    },
  );

  it(
    'returns chunks that concatenate to the input, with content-defined cuts where fp matches (property)',
    propertyTestOptions,
    () => {
      fc.assert(
        fc.property(polynomialArbitrary, inputArbitrary, (polynomial, segments) => {
          const data = Buffer.concat(segments.map((segment) => segmentData(segment, polynomial)));
          const chunks = splitIntoChunks(data, polynomial);
          expect(Buffer.concat(chunks).equals(data)).toBe(true);
          for (const chunk of chunks.slice(0, -1)) {
            // A cut before MaxSize can only be content-defined: the slow reference fingerprint of the last 64
            // bytes must have its low 20 bits zero.
            if (chunk.length < maxChunkSize) {
              const window = chunk.subarray(chunk.length - windowSize);
              expect(fingerprintOf(window, polynomial) & 0xfffffn).toBe(0n);
            }
          }
        }),
        { numRuns: 15 },
      );
    },
  );

  it('is deterministic, and a chunker reused after finish() behaves like a new one', () => {
    const data = Buffer.concat([seededBytes('determinism', 5 * MiB), Buffer.alloc(MiB)]);
    const ends = chunkBoundaries(data, resticTestPolynomial);
    expect(chunkBoundaries(data, resticTestPolynomial)).toEqual(ends);
    const chunker = new Chunker(resticTestPolynomial);
    chunker.push(seededBytes('something else', 3 * MiB + 5));
    chunker.finish();
    expect(chunker.position).toBe(0);
    const again = chunker.push(data);
    const last = chunker.finish();
    expect(last === undefined ? again : [...again, last]).toEqual(ends);
    // A different polynomial cuts random data elsewhere.
    expect(chunkBoundaries(data, 0x2482734cacca49n)).not.toEqual(ends);
  });

  it('makes no chunk of empty input and one chunk of a short one', () => {
    const chunker = new Chunker(resticTestPolynomial);
    expect(chunker.push(new Uint8Array(0))).toEqual([]);
    expect(chunker.finish()).toBeUndefined();
    expect(chunkBoundaries(new Uint8Array(0), resticTestPolynomial)).toEqual([]);
    expect(chunkBoundaries(new Uint8Array([7]), resticTestPolynomial)).toEqual([1]);
    expect(chunkBoundaries(seededBytes('short', minChunkSize - 1), resticTestPolynomial)).toEqual([
      minChunkSize - 1,
    ]);
  });

  it('cuts zeros at every MinSize and makes no empty chunk when the input ends at a cut', () => {
    expect(chunkBoundaries(Buffer.alloc(minChunkSize + 1), resticTestPolynomial)).toEqual([
      minChunkSize,
      minChunkSize + 1,
    ]);
    const chunker = new Chunker(resticTestPolynomial);
    expect(chunker.push(Buffer.alloc(3 * minChunkSize))).toEqual([
      minChunkSize,
      2 * minChunkSize,
      3 * minChunkSize,
    ]);
    expect(chunker.finish()).toBeUndefined();
  });

  it('cuts at MaxSize when the fingerprint never matches', () => {
    const data = dataWithoutCuts('max-size', 2 * maxChunkSize + 1, [resticTestPolynomial]);
    expect(chunkBoundaries(data, resticTestPolynomial)).toEqual([
      maxChunkSize,
      2 * maxChunkSize,
      data.length,
    ]);
  });

  it('gives the same cuts when fed one byte at a time around cuts', () => {
    // Zeros cut at MinSize; random bytes then cut content-defined. Single-byte pushes hit every state boundary.
    const data = Buffer.concat([Buffer.alloc(minChunkSize + 10), seededBytes('bytewise', 3 * MiB)]);
    expect(streamedBoundaries(data, resticTestPolynomial, [1])).toEqual(
      chunkBoundaries(data, resticTestPolynomial),
    );
    expect(
      streamedBoundaries(data, resticTestPolynomial, [1], new ReferenceChunker(resticTestPolynomial)),
    ).toEqual(chunkBoundaries(data, resticTestPolynomial));
  });

  it('reports cuts as input offsets as they are found, keeping nothing of earlier buffers', () => {
    const data = seededBytes('offsets', 6 * MiB);
    const ends = chunkBoundaries(data, resticTestPolynomial);
    const chunker = new Chunker(resticTestPolynomial);
    const buffer = Buffer.alloc(MiB);
    const reported: number[] = [];
    for (let offset = 0; offset < data.length; offset += MiB) {
      // One reused read buffer, as a file reader would have: the chunker must not depend on old contents.
      data.copy(buffer, 0, offset, offset + MiB);
      const cuts = chunker.push(buffer);
      for (const cut of cuts) expect(cut).toBeGreaterThan(offset);
      for (const cut of cuts) expect(cut).toBeLessThanOrEqual(offset + MiB);
      reported.push(...cuts);
      expect(chunker.position).toBe(offset + MiB);
    }
    expect([...reported, chunker.finish()]).toEqual(ends);
  });
});

describe('chunksOf (streamed chunk assembly)', () => {
  it(
    'yields the chunks of the whole buffer even when the source reuses its buffer (property)',
    propertyTestOptions,
    async () => {
      await fc.assert(
        fc.asyncProperty(inputArbitrary, pieceSizesArbitrary, async (segments, pieces) => {
          const data = Buffer.concat(segments.map((segment) => segmentData(segment, resticTestPolynomial)));
          const reused = Buffer.alloc(2 * MiB);
          async function* source(): AsyncGenerator<Uint8Array> {
            let offset = 0;
            for (let piece = 0; offset < data.length; piece++) {
              const size = Math.min(pieces[piece % pieces.length] ?? 0, data.length - offset);
              data.copy(reused, 0, offset, offset + size);
              yield reused.subarray(0, size);
              reused.fill(0xee, 0, size); // whatever the consumer kept of the buffer is now garbage
              offset += size;
            }
          }
          const chunks: { offset: number; data: Buffer }[] = [];
          for await (const chunk of chunksOf(source(), resticTestPolynomial)) chunks.push(chunk);
          const ends = chunkBoundaries(data, resticTestPolynomial);
          expect(chunks.map((chunk) => chunk.offset)).toEqual(ends.map((_, index) => ends[index - 1] ?? 0));
          expect(chunks.map((chunk) => chunk.offset + chunk.data.length)).toEqual(ends);
          chunks.forEach((chunk) => {
            expect(chunk.data.equals(data.subarray(chunk.offset, chunk.offset + chunk.data.length))).toBe(
              true,
            );
          });
        }),
        {
          numRuns: 15,
          // Always included: empty input (no chunks), and every kind of cut.
          examples: [
            [[{ kind: 'zeros', size: 0, seed: 0 }], [MiB]],
            [
              [
                { kind: 'random', size: 3 * MiB, seed: 5 },
                { kind: 'no-cuts', size: 9 * MiB, seed: 6 },
                { kind: 'zeros', size: 2 * MiB, seed: 7 },
              ],
              [MiB + 3, 17, 0, 64],
            ],
          ],
        },
      );
    },
  );
});

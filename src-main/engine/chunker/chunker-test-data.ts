/**
 * Deterministic inputs and small helpers for the chunker tests (tests only; not used by the engine). Every
 * generator is a pure function of its seed, so a failing case reproduces byte for byte.
 */
import { createCipheriv, createHash } from 'node:crypto';
import type { Polynomial } from './gf2-polynomial';
import { fingerprintOf, windowSize } from './rabin-tables';

/** Pseudo-random bytes: the AES-256-CTR keystream under key sha256(seed). Fast (~1 GB/s) and seed-stable. */
export function seededBytes(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

/** A deterministic stand-in for the CSPRNG: call i returns seededBytes(`${seed}/${i}`, size). */
export function seededRandomSource(seed: string): (size: number) => Uint8Array {
  let calls = 0;
  return (size) => seededBytes(`${seed}/${calls++}`, size);
}

const words = (
  'the of and to in is was that for on with as by at from backup restore snapshot repository chunk ' +
  'polynomial window file directory tree blob index pack key lock config data system machine disk'
).split(' ');

/** Plausible English-like text with lines, so the chunker sees real text's skewed byte statistics. */
export function seededText(seed: string, size: number): Buffer {
  const choices = seededBytes(seed, size);
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const choice = choices[i % choices.length] ?? 0;
    const word = words[choice % words.length] ?? 'x';
    const separator = choice % 13 === 0 ? '.\n' : ' ';
    parts.push(word, separator);
    length += word.length + separator.length;
  }
  return Buffer.from(parts.join(''), 'latin1').subarray(0, size);
}

/** Low 20 bits of a fingerprint zero = a content-defined cut (the chunker's split mask). */
const splitMask = (1n << 20n) - 1n;

/**
 * Data that never produces a content-defined cut for any of the given polynomials, so that every chunk is cut
 * at MaxSize: a 64-byte pattern repeated. Each window of repeated data is a rotation of the pattern, so there
 * are only 64 distinct fingerprints; a pattern is chosen whose 64 rotations all miss the split mask (checked
 * with the slow reference fingerprint, independently of the chunker's tables). Random data of 8 MiB would
 * reach MaxSize only about once in 2 000 tries.
 */
export function dataWithoutCuts(seed: string, size: number, polynomials: readonly Polynomial[]): Buffer {
  for (let attempt = 0; attempt < 100; attempt++) {
    const pattern = seededBytes(`${seed}/${attempt}`, windowSize);
    if (polynomials.every((p) => rotationsMissSplitMask(pattern, p))) return repeat(pattern, size);
  }
  throw new Error(`no pattern without cuts found for seed ${seed}`);
}

function rotationsMissSplitMask(pattern: Buffer, polynomial: Polynomial): boolean {
  for (let shift = 0; shift < pattern.length; shift++) {
    const rotation = Buffer.concat([pattern.subarray(shift), pattern.subarray(0, shift)]);
    if ((fingerprintOf(rotation, polynomial) & splitMask) === 0n) return false;
  }
  return true;
}

function repeat(pattern: Buffer, size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let offset = 0; offset < size; offset += pattern.length) pattern.copy(data, offset);
  return data;
}

/** The error a call throws; fails the test if it returns normally. */
export function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

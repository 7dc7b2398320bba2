/**
 * The addon's Poly1305 — both code paths, the 44-bit-limb one `poly1305` uses on 64-bit GCC/Clang and the plain
 * C99 26-bit one other compilers get — against RFC 8439's published vectors, against the RFC's definition written
 * with BigInt, and against @noble/ciphers' audited implementation on random keys and messages.
 */
import { randomBytes } from 'node:crypto';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadHotpathAddon } from './hotpath-addon';

const addon = loadHotpathAddon();
const implementations = [
  ['poly1305 (the one production uses)', addon.poly1305],
  ['poly1305Portable (26-bit limbs, C99)', addon.poly1305Portable],
] as const;

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const KiB = 1024;
const MiB = 1024 * KiB;

/** RFC 8439 §2.5.1 by the definition: acc = (acc + block ‖ 0x01)·r mod 2^130 − 5; tag = acc + s mod 2^128. */
function definitionTag(key: Uint8Array, message: Uint8Array): Buffer {
  const littleEndian = (bytes: Uint8Array) =>
    BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`);
  const r = littleEndian(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = littleEndian(key.subarray(16, 32));
  const p = (1n << 130n) - 5n;
  let acc = 0n;
  for (let offset = 0; offset < message.length; offset += 16) {
    const block = message.subarray(offset, offset + 16);
    acc = ((acc + littleEndian(block) + (1n << BigInt(8 * block.length))) * r) % p;
  }
  const tag = (acc + s) & ((1n << 128n) - 1n);
  return Buffer.from(tag.toString(16).padStart(32, '0'), 'hex').reverse();
}

const ietfNote = Buffer.from(
  'Any submission to the IETF intended by the Contributor for publication as all or part of an IETF ' +
    'Internet-Draft or RFC and any statement made within the context of an IETF activity is considered an ' +
    '"IETF Contribution". Such statements include oral statements in IETF sessions, as well as written and ' +
    'electronic communications made at any time or place, which are addressed to',
);
const jabberwocky = Buffer.from(
  "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\nAll mimsy were the borogoves,\n" +
    'And the mome raths outgrabe.',
);
const zero16 = '00000000000000000000000000000000';

/** RFC 8439 §2.5.2 and Appendix A.3 test vectors #1–#11: [name, key (r ‖ s), message, tag]. */
const rfcVectors: readonly [string, Buffer, Buffer, string][] = [
  [
    '§2.5.2',
    hex('85d6be7857556d337f4452fe42d506a8 0103808afb0db2fd4abff6af4149f51b'),
    Buffer.from('Cryptographic Forum Research Group'),
    'a8061dc1305136c6c22b8baf0c0127a9',
  ],
  ['A.3 #1', Buffer.alloc(32), Buffer.alloc(64), zero16],
  ['A.3 #2', hex(`${zero16} 36e5f6b5c5e06070f0efca96227a863e`), ietfNote, '36e5f6b5c5e06070f0efca96227a863e'],
  ['A.3 #3', hex(`36e5f6b5c5e06070f0efca96227a863e ${zero16}`), ietfNote, 'f3477e7cd95417af89a6b8794c310cf0'],
  [
    'A.3 #4',
    hex('1c9240a5eb55d38af333888604f6b5f0 473917c1402b80099dca5cbc207075c0'),
    jabberwocky,
    '4541669a7eaaee61e708dc7cbcc5eb62',
  ],
  [
    'A.3 #5 (h reaches p)',
    hex(`02000000000000000000000000000000 ${zero16}`),
    hex('ffffffffffffffffffffffffffffffff'),
    '03000000000000000000000000000000',
  ],
  [
    'A.3 #6 (h + s overflows 2^128)',
    hex('02000000000000000000000000000000 ffffffffffffffffffffffffffffffff'),
    hex('02000000000000000000000000000000'),
    '03000000000000000000000000000000',
  ],
  [
    'A.3 #7 (carry through every limb)',
    hex(`01000000000000000000000000000000 ${zero16}`),
    hex('ffffffffffffffffffffffffffffffff f0ffffffffffffffffffffffffffffff 11000000000000000000000000000000'),
    '05000000000000000000000000000000',
  ],
  [
    'A.3 #8 (h − p is exactly 0)',
    hex(`01000000000000000000000000000000 ${zero16}`),
    hex('ffffffffffffffffffffffffffffffff fbfefefefefefefefefefefefefefefe 01010101010101010101010101010101'),
    zero16,
  ],
  [
    'A.3 #9 (h = p − 1 region)',
    hex(`02000000000000000000000000000000 ${zero16}`),
    hex('fdffffffffffffffffffffffffffffff'),
    'faffffffffffffffffffffffffffffff',
  ],
  [
    'A.3 #10 (carry out of the top limb)',
    hex(`01000000000000000400000000000000 ${zero16}`),
    hex(
      'e33594d7505e43b90000000000000000 3394d7505e4379cd0100000000000000 ' +
        '00000000000000000000000000000000 01000000000000000000000000000000',
    ),
    '14000000000000005500000000000000',
  ],
  [
    'A.3 #11',
    hex(`01000000000000000400000000000000 ${zero16}`),
    hex('e33594d7505e43b90000000000000000 3394d7505e4379cd0100000000000000 00000000000000000000000000000000'),
    '13000000000000000000000000000000',
  ],
];

/** Lengths around block boundaries (and the empty message) weigh more than uniformly random ones. */
const messageArbitrary = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 100 * KiB }) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 6400 }), fc.integer({ min: -2, max: 2 }))
      .map(([blocks, delta]) => Math.max(0, blocks * 16 + delta)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 48 }) },
);
/** Keys: random, plus the extremes (all-ones r and s exercise the clamp and the final carries). */
const keyArbitrary = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ minLength: 32, maxLength: 32 }) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(32).fill(0xff)) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(32)) },
);
/** Messages whose bytes push the accumulator to its limits: all 0xff, all zero, or random. */
const fillArbitrary = fc.constantFrom('random', 'ones', 'zeros');

function messageOf(length: number, fill: string): Buffer {
  if (fill === 'ones') return Buffer.alloc(length, 0xff);
  if (fill === 'zeros') return Buffer.alloc(length);
  return randomBytes(length);
}

describe.each(implementations)('native %s', (_name, tagOf) => {
  it.each(rfcVectors)('gives the published tag for RFC 8439 %s', (_vector, key, message, tag) => {
    expect(tagOf(key, message).toString('hex')).toBe(tag);
    expect(definitionTag(key, message).toString('hex')).toBe(tag);
  });

  it('equals @noble/ciphers on random keys and messages of 0 … 100 KiB (property)', () => {
    fc.assert(
      fc.property(keyArbitrary, messageArbitrary, fillArbitrary, (key, length, fill) => {
        const message = messageOf(length, fill);
        expect(tagOf(key, message)).toEqual(Buffer.from(noblePoly1305(message, key)));
      }),
      { numRuns: 300 },
    );
  });

  it('equals the RFC definition (BigInt) on short messages (property)', () => {
    fc.assert(
      fc.property(keyArbitrary, fc.integer({ min: 0, max: 200 }), fillArbitrary, (key, length, fill) => {
        const message = messageOf(length, fill);
        expect(tagOf(key, message)).toEqual(definitionTag(key, message));
      }),
      { numRuns: 300 },
    );
  });

  it('equals @noble/ciphers on messages of a few MiB', () => {
    for (const length of [MiB, 3 * MiB + 1, 4 * MiB + 15, 5 * MiB - 16]) {
      const key = randomBytes(32);
      const message = randomBytes(length);
      expect(tagOf(key, message), `${length} bytes`).toEqual(Buffer.from(noblePoly1305(message, key)));
    }
  });
});

describe('native poly1305 arguments', () => {
  it('reads a view into a larger buffer in place, at any byte offset', () => {
    const key = randomBytes(32);
    const backing = randomBytes(10_000);
    for (const offset of [0, 1, 7, 13, 4096]) {
      const view = new Uint8Array(backing.buffer, backing.byteOffset + offset, 5000);
      expect(addon.poly1305(key, view)).toEqual(Buffer.from(noblePoly1305(view, key)));
    }
  });

  it('returns a 16-byte Buffer and does not modify its inputs', () => {
    const key = randomBytes(32);
    const message = randomBytes(100);
    const keyCopy = Buffer.from(key);
    const messageCopy = Buffer.from(message);
    const tag = addon.poly1305(key, message);
    expect(Buffer.isBuffer(tag)).toBe(true);
    expect(tag.length).toBe(16);
    expect(key).toEqual(keyCopy);
    expect(message).toEqual(messageCopy);
  });

  it('rejects keys that are not 32 bytes and inputs that are not byte arrays', () => {
    const call = (key: unknown, message: unknown) => () =>
      addon.poly1305(key as Uint8Array, message as Uint8Array);
    expect(call(Buffer.alloc(31), Buffer.alloc(1))).toThrow(RangeError);
    expect(call(Buffer.alloc(33), Buffer.alloc(1))).toThrow(/32 bytes/);
    expect(call(Buffer.alloc(32), 'text')).toThrow(TypeError);
    expect(call(Buffer.alloc(32), new Uint16Array(4))).toThrow(TypeError);
    expect(call(new Uint32Array(8), Buffer.alloc(1))).toThrow(TypeError);
    expect(() => (addon.poly1305 as (key: Uint8Array) => Buffer)(Buffer.alloc(32))).toThrow(/2 arguments/);
  });
});

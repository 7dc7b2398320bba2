import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRune, isValidUtf8, runeError, stringFromGoBytes } from './utf8';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('decodeRune (Go utf8.DecodeRune)', () => {
  it('decodes valid sequences of every length', () => {
    expect(decodeRune(bytes(0x41), 0)).toEqual({ rune: 0x41, width: 1 });
    expect(decodeRune(bytes(0xc3, 0xa9), 0)).toEqual({ rune: 0xe9, width: 2 });
    expect(decodeRune(bytes(0xe2, 0x80, 0xa8), 0)).toEqual({ rune: 0x2028, width: 3 });
    expect(decodeRune(bytes(0xf0, 0x9f, 0x98, 0x80), 0)).toEqual({ rune: 0x1f600, width: 4 });
    expect(decodeRune(bytes(0xf4, 0x8f, 0xbf, 0xbf), 0)).toEqual({ rune: 0x10ffff, width: 4 });
    expect(decodeRune(bytes(0xef, 0xbf, 0xbd), 0)).toEqual({ rune: 0xfffd, width: 3 });
  });

  it.each([
    ['lone continuation byte', [0x80]],
    ['invalid lead byte 0xff', [0xff]],
    ['overlong 2-byte (0xc0 0x80)', [0xc0, 0x80]],
    ['overlong 3-byte', [0xe0, 0x80, 0x80]],
    ['UTF-16 surrogate U+D800', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['truncated 3-byte sequence', [0xe2, 0x82]],
    ['bad continuation', [0xc3, 0x28]],
  ])('returns (U+FFFD, 1) for %s', (_, input) => {
    expect(decodeRune(Uint8Array.from(input), 0)).toEqual({ rune: runeError, width: 1 });
  });

  it('agrees with TextDecoder on valid UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const b = Buffer.from(s, 'utf8');
        const runes: number[] = [];
        for (let i = 0; i < b.length; ) {
          const { rune, width } = decodeRune(b, i);
          runes.push(rune);
          i += width;
        }
        expect(runes).toEqual(Array.from(s, (c) => c.codePointAt(0)));
        expect(isValidUtf8(b)).toBe(true);
      }),
    );
  });
});

describe('stringFromGoBytes', () => {
  it('replaces every invalid byte by its own U+FFFD (unlike TextDecoder)', () => {
    const input = bytes(0x61, 0xe2, 0x82, 0x62, 0xff);
    expect(stringFromGoBytes(input)).toBe('a\ufffd\ufffdb\ufffd');
    expect(new TextDecoder().decode(input)).toBe('a\ufffdb\ufffd');
    expect(isValidUtf8(input)).toBe(false);
  });

  it('keeps valid text unchanged', () => {
    expect(stringFromGoBytes(Buffer.from('grüße 😀', 'utf8'))).toBe('grüße 😀');
    expect(stringFromGoBytes(Buffer.from('plain'))).toBe('plain');
  });
});

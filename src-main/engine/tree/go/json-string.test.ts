import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goJsonString } from './json-string';

describe('goJsonString (encoding/json, go1.19, escapeHTML)', () => {
  it.each([
    ['plain', 'abc', '"abc"'],
    ['quote and backslash', 'a"b\\c', '"a\\"b\\\\c"'],
    ['short escapes', '\n\r\t', '"\\n\\r\\t"'],
    ['other C0 as \\u00XX (not \\b \\f as go1.22+)', '\b\f\u0000\u001f', '"\\u0008\\u000c\\u0000\\u001f"'],
    ['HTML characters', '<a&b>', '"\\u003ca\\u0026b\\u003e"'],
    ['DEL stays literal', '\u007f', '"\u007f"'],
    ['U+2028 / U+2029', 'x\u2028y\u2029', '"x\\u2028y\\u2029"'],
    ['non-ASCII literal', 'grüße 😀', '"grüße 😀"'],
    ['forward slash literal', 'a/b', '"a/b"'],
  ])('%s', (_, input, expected) => {
    expect(goJsonString(input)).toBe(expected);
  });

  it('writes each invalid UTF-8 byte as \\ufffd', () => {
    expect(goJsonString(Buffer.from([0x61, 0xff, 0xe2, 0x82, 0x62]))).toBe('"a\\ufffd\\ufffd\\ufffdb"');
  });

  it('keeps a literal U+FFFD literal', () => {
    expect(goJsonString(Buffer.from('\ufffd', 'utf8'))).toBe('"\ufffd"');
  });

  it('decodes back (JSON.parse) to the same string for any well-formed text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(JSON.parse(goJsonString(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) }),
        (s) => {
          expect(JSON.parse(goJsonString(s))).toBe(s);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('produces only ASCII-safe escapes for control and HTML characters', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const unsafe = [...goJsonString(s)].filter((c) => c < ' ' || '<>&\u2028\u2029'.includes(c));
        expect(unsafe).toEqual([]);
      }),
    );
  });
});

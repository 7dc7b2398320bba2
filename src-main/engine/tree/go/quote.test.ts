import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GoUnquoteError, goQuote, goUnquote, isGoPrint } from './quote';

const b = (text: string) => Buffer.from(text, 'utf8');
const raw = (...bytes: number[]) => Buffer.from(bytes);

describe('goQuote (strconv.Quote)', () => {
  it.each([
    ['plain', b('hello.txt'), '"hello.txt"'],
    ['quote and backslash', b('a"b\\c'), '"a\\"b\\\\c"'],
    ['single quote stays', b("it's"), '"it\'s"'],
    ['named escapes', raw(7, 8, 12, 10, 13, 9, 11), '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['other C0 and DEL as \\x', raw(0x01, 0x1b, 0x7f), '"\\x01\\x1b\\x7f"'],
    ['NUL', raw(0), '"\\x00"'],
    ['printable non-ASCII stays literal', b('grüße ½ € ✓ 😀 e\u0301'), '"grüße ½ € ✓ 😀 e\u0301"'],
    ['space is printable, NBSP is not', b(' \u00a0'), '" \\u00a0"'],
    ['line/paragraph separators', b('\u2028\u2029'), '"\\u2028\\u2029"'],
    ['format characters', b('\u00ad\u200b\ufeff'), '"\\u00ad\\u200b\\ufeff"'],
    ['private use', b('\ue000'), '"\\ue000"'],
    ['astral non-printable uses \\U', b('\u{e0001}\u{f0000}'), '"\\U000e0001\\U000f0000"'],
    ['C1 control', b('\u0085'), '"\\u0085"'],
    ['invalid bytes as \\x', raw(0x66, 0xff, 0xfe, 0xc3, 0x28), '"f\\xff\\xfe\\xc3("'],
    ['surrogate encoding as bytes', raw(0xed, 0xa0, 0x80), '"\\xed\\xa0\\x80"'],
    ['a literal U+FFFD is printable', b('\ufffd'), '"\ufffd"'],
  ])('%s', (_, input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });

  it('treats characters assigned after Unicode 13.0 as unprintable (Go 1.19)', () => {
    // U+1FAE0 (melting face) is Unicode 14.0; U+1F600 (grinning face) is 6.1.
    expect(isGoPrint(0x1fae0)).toBe(false);
    expect(goQuote(b('\u{1fae0}'))).toBe('"\\U0001fae0"');
    expect(isGoPrint(0x1f600)).toBe(true);
    // U+0870 (Arabic letter alef with attached fatha) is 14.0; U+08A0 is 6.1.
    expect(isGoPrint(0x0870)).toBe(false);
    expect(isGoPrint(0x08a0)).toBe(true);
  });

  it('has the ASCII printable range exactly', () => {
    for (let c = 0; c < 0x80; c++) expect(isGoPrint(c)).toBe(c >= 0x20 && c <= 0x7e);
  });
});

describe('goUnquote (strconv.Unquote)', () => {
  it.each([
    ['"abc"', b('abc')],
    ['"a\\"b\\\\c"', b('a"b\\c')],
    ['"\\a\\b\\f\\n\\r\\t\\v"', raw(7, 8, 12, 10, 13, 9, 11)],
    ['"\\xff\\x00"', raw(0xff, 0)],
    ['"\\377\\000"', raw(0xff, 0)],
    ['"\\u00e9\\U0001F600"', b('é😀')],
    ['"grüße"', b('grüße')],
    ['""', raw()],
  ])('%s', (input, expected) => {
    expect(goUnquote(input)).toEqual(expected);
  });

  it('replaces invalid raw bytes by U+FFFD, as Go does', () => {
    expect(goUnquote(raw(0x22, 0x61, 0xff, 0x22))).toEqual(b('a\ufffd'));
  });

  it.each([
    ['no quotes', 'abc'],
    ['unterminated', '"abc'],
    ['raw quote inside', '"a"b"'],
    ['raw newline', '"a\nb"'],
    ["\\' in double quotes", '"\\\'"'],
    ['unknown escape', '"\\q"'],
    ['short \\x', '"\\x4"'],
    ['bad hex', '"\\xzz"'],
    ['surrogate \\u', '"\\ud800"'],
    ['\\U above max', '"\\U00110000"'],
    ['octal above 255', '"\\400"'],
    ['short octal', '"\\12"'],
    ['trailing backslash', '"\\"'],
  ])('rejects %s', (_, input) => {
    expect(() => goUnquote(input)).toThrow(GoUnquoteError);
  });

  it('round-trips arbitrary bytes through Quote', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(goUnquote(goQuote(bytes))).toEqual(Buffer.from(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips arbitrary Unicode text through Quote', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(goUnquote(goQuote(b(s))).toString('utf8')).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonObject, JsonNumber, JsonSyntaxError, type JsonValue, parseGoJson } from './json-decode';

const parse = (text: string | Buffer) =>
  parseGoJson(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);

/** Converts our representation to what JSON.parse returns, for comparison. */
function plain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return Number(value.text);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    // defineProperty, so that a "__proto__" key becomes an own property as with JSON.parse
    for (const [k, v] of value.entries)
      Object.defineProperty(out, k, {
        value: plain(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return value;
}

describe('parseGoJson', () => {
  it('keeps integers exact as text', () => {
    const value = parse('{"inode":18446744073709551615,"size":0}');
    expect(isJsonObject(value)).toBe(true);
    if (!isJsonObject(value)) return;
    expect(value.entries.map(([k, v]) => [k, v instanceof JsonNumber ? v.text : v])).toEqual([
      ['inode', '18446744073709551615'],
      ['size', '0'],
    ]);
  });

  it('keeps duplicate keys in document order', () => {
    const value = parse('{"a":1,"A":2,"a":3}');
    expect(isJsonObject(value) && value.entries.map(([k]) => k)).toEqual(['a', 'A', 'a']);
  });

  it('decodes escapes, surrogate pairs and HTML escapes', () => {
    expect(parse('"\\u003c\\u0026\\u003e\\n\\/\\ud83d\\ude00"')).toBe('<&>\n/😀');
  });

  it('turns lone surrogate escapes into U+FFFD like Go (JSON.parse keeps them)', () => {
    expect(parse('"\\ud800x"')).toBe('\ufffdx');
    expect(parse('"\\udc00"')).toBe('\ufffd');
    expect(parse('"\\ud800\\u0041"')).toBe('\ufffdA');
  });

  it('turns each invalid UTF-8 byte into U+FFFD like Go', () => {
    expect(parse(Buffer.from([0x22, 0x61, 0xe2, 0x82, 0xff, 0x22]))).toBe('a\ufffd\ufffd\ufffd');
  });

  it('accepts surrounding whitespace and a trailing newline', () => {
    expect(parse(' \n{"nodes":[]}\n')).toEqual({ entries: [['nodes', []]] });
  });

  it.each([
    ['trailing comma', '[1,]'],
    ['leading zero', '01'],
    ['bare minus', '-'],
    ['single quotes', "'a'"],
    ['control character in string', '"a\u0001b"'],
    ['bad escape', '"\\x41"'],
    ['short unicode escape', '"\\u12"'],
    ['unterminated', '{"a":'],
    ['two documents', '{} {}'],
    ['literal prefix', 'nul'],
    ['empty input', ''],
  ])('rejects %s', (_, text) => {
    expect(() => parse(text)).toThrow(JsonSyntaxError);
  });

  it('agrees with JSON.parse on arbitrary JSON documents', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(plain(parse(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });
});

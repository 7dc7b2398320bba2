/**
 * Go's `strconv.Quote` / `strconv.Unquote` (go1.19) on raw bytes. restic stores a node's name as
 * `Quote(name)` without the outer quotes, so that names that are not valid UTF-8 survive JSON; reading reverses it
 * with `Unquote('"' + s + '"')`. Names are arbitrary bytes, so both sides work on Uint8Array.
 */
import { printableRangeDeltas } from './printable-table';
import { decodeRune, isValidRune, pushRuneUtf8, runeError } from './utf8';

/** Range boundaries of the printable table, decoded once: printable = [b0,b1) ∪ [b2,b3) ∪ … */
const printableBoundaries: Uint32Array = (() => {
  const deltas = printableRangeDeltas.trim().split(' ');
  const boundaries = new Uint32Array(deltas.length);
  let value = 0;
  deltas.forEach((delta, i) => {
    value += Number.parseInt(delta, 36);
    boundaries[i] = value;
  });
  return boundaries;
})();

/** Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols (Unicode 13.0) and the ASCII space. */
export function isGoPrint(rune: number): boolean {
  if (rune < 0x80) return rune >= 0x20 && rune < 0x7f;
  // Count of boundaries <= rune; odd means inside a printable range.
  let lo = 0;
  let hi = printableBoundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((printableBoundaries[mid] ?? 0) <= rune) lo = mid + 1;
    else hi = mid;
  }
  return lo % 2 === 1;
}

const hexDigits = '0123456789abcdef';

function hex(value: number, digits: number): string {
  let s = '';
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) s += hexDigits[(value >>> shift) & 0xf];
  return s;
}

const namedEscapes: ReadonlyMap<number, string> = new Map([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x0c, '\\f'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x0b, '\\v'],
]);

/**
 * `strconv.Quote(string(bytes))` including the surrounding double quotes. The result is always valid Unicode
 * (invalid bytes become `\xNN`), so a JavaScript string represents it without loss.
 */
export function goQuote(bytes: Uint8Array): string {
  let out = '"';
  for (let i = 0; i < bytes.length; ) {
    const { rune, width } = decodeRune(bytes, i);
    if (rune === runeError && width === 1) {
      out += `\\x${hex(bytes[i] ?? 0, 2)}`;
      i += 1;
      continue;
    }
    i += width;
    if (rune === 0x22 || rune === 0x5c) out += `\\${String.fromCharCode(rune)}`;
    else if (isGoPrint(rune)) out += String.fromCodePoint(rune);
    else {
      const named = namedEscapes.get(rune);
      if (named !== undefined) out += named;
      else if (rune < 0x20 || rune === 0x7f) out += `\\x${hex(rune, 2)}`;
      else if (rune < 0x10000) out += `\\u${hex(rune, 4)}`;
      else out += `\\U${hex(rune, 8)}`;
    }
  }
  return `${out}"`;
}

/** A string `strconv.Unquote` rejects (Go's `strconv.ErrSyntax`). */
export class GoUnquoteError extends Error {
  constructor(readonly input: string) {
    super(`invalid syntax in Go quoted string ${JSON.stringify(input)}`);
    this.name = 'GoUnquoteError';
  }
}

function unhex(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -1;
}

const simpleEscapes: ReadonlyMap<number, number> = new Map([
  [0x61, 0x07], // \a
  [0x62, 0x08], // \b
  [0x66, 0x0c], // \f
  [0x6e, 0x0a], // \n
  [0x72, 0x0d], // \r
  [0x74, 0x09], // \t
  [0x76, 0x0b], // \v
  [0x5c, 0x5c], // \\
  [0x22, 0x22], // \" (a single quote is an error inside double quotes)
]);

/**
 * `strconv.Unquote` of a double-quoted Go string literal (the quotes included), returning the raw bytes.
 * Input strings are converted to UTF-8 first (as a Go string would hold them). Throws GoUnquoteError.
 */
export function goUnquote(quoted: string | Uint8Array): Buffer {
  const input = typeof quoted === 'string' ? Buffer.from(quoted, 'utf8') : quoted;
  const fail = (): never => {
    throw new GoUnquoteError(typeof quoted === 'string' ? quoted : Buffer.from(quoted).toString('utf8'));
  };
  if (input.length < 2 || input[0] !== 0x22) fail();
  const out: number[] = [];
  let i = 1;
  while (i < input.length && input[i] !== 0x22) {
    const c = input[i] ?? 0;
    if (c === 0x0a) fail(); // an unescaped newline is never valid in a quoted string
    if (c >= 0x80) {
      // Non-ASCII is copied as a rune: an invalid byte turns into U+FFFD, as in Go.
      const { rune, width } = decodeRune(input, i);
      pushRuneUtf8(out, rune);
      i += width;
      continue;
    }
    if (c !== 0x5c) {
      out.push(c);
      i++;
      continue;
    }
    i = unquoteEscape(input, i + 1, out, fail);
  }
  // The loop stopped at the first unescaped quote: it must be the last byte.
  if (i !== input.length - 1) fail();
  return Buffer.from(out);
}

/** Decodes the escape whose letter is at `i` (just after the backslash); returns the index after it. */
function unquoteEscape(input: Uint8Array, i: number, out: number[], fail: () => never): number {
  const c = input[i];
  if (c === undefined) return fail();
  const simple = simpleEscapes.get(c);
  if (simple !== undefined) {
    out.push(simple);
    return i + 1;
  }
  if (c === 0x78 || c === 0x75 || c === 0x55) {
    const digits = c === 0x78 ? 2 : c === 0x75 ? 4 : 8;
    if (i + 1 + digits > input.length) fail();
    let value = 0;
    for (let j = 0; j < digits; j++) {
      const digit = unhex(input[i + 1 + j] ?? 0);
      if (digit < 0) fail();
      value = value * 16 + digit;
    }
    if (c === 0x78)
      out.push(value); // \xNN is a single raw byte, possibly not UTF-8
    else if (!isValidRune(value)) fail();
    else pushRuneUtf8(out, value);
    return i + 1 + digits;
  }
  if (c >= 0x30 && c <= 0x37) {
    // Octal \NNN: exactly three digits, at most 255, one raw byte.
    let value = c - 0x30;
    for (let j = 1; j <= 2; j++) {
      const digit = (input[i + j] ?? 0) - 0x30;
      if (digit < 0 || digit > 7 || i + j >= input.length) fail();
      value = value * 8 + digit;
    }
    if (value > 255) fail();
    out.push(value);
    return i + 3;
  }
  return fail();
}

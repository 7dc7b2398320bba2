/**
 * Go `encoding/json` string encoding as go1.19 writes it (`encodeState.string` with escapeHTML, the mode
 * `json.Marshal` uses). Tree IDs are hashes of these bytes, so every escape must match:
 * - `"` and `\` are backslashed; `\n`, `\r`, `\t` use short escapes;
 * - other C0 controls and `<`, `>`, `&` become `\u00XX` (lower-case hex; go1.22+ writes `\b`/`\f`, 1.19 does not);
 * - U+2028 and U+2029 become `\u2028` / `\u2029`; DEL (0x7f) stays literal;
 * - each byte that is not valid UTF-8 becomes the six characters `\ufffd`;
 * - everything else is copied literally as UTF-8.
 */
import { decodeRune, runeError } from './utf8';

const hexDigits = '0123456789abcdef';

/** Escapes for ASCII bytes, or undefined where the byte is copied literally. */
const asciiEscapes: ReadonlyArray<string | undefined> = Array.from({ length: 0x80 }, (_, b) => {
  if (b === 0x22) return '\\"';
  if (b === 0x5c) return '\\\\';
  if (b === 0x0a) return '\\n';
  if (b === 0x0d) return '\\r';
  if (b === 0x09) return '\\t';
  if (b < 0x20 || b === 0x3c || b === 0x3e || b === 0x26)
    return `\\u00${hexDigits[b >> 4]}${hexDigits[b & 0xf]}`;
  return undefined;
});

/**
 * The JSON string literal (with quotes) Go writes for the Go string holding `value`. A JavaScript string is taken
 * as its UTF-8 bytes (lone surrogates turn into U+FFFD, as no Go string can hold one). The result contains only
 * valid Unicode, so `Buffer.from(result, 'utf8')` gives Go's bytes.
 */
export function goJsonString(value: Uint8Array | string): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '"';
  let start = 0;
  const flush = (end: number): void => {
    if (start < end) out += Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
  };
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      const escaped = asciiEscapes[b];
      if (escaped !== undefined) {
        flush(i);
        out += escaped;
        start = i + 1;
      }
      i++;
      continue;
    }
    const { rune, width } = decodeRune(bytes, i);
    if (rune === runeError && width === 1) {
      flush(i);
      out += '\\ufffd';
      start = i + 1;
    } else if (rune === 0x2028 || rune === 0x2029) {
      flush(i);
      out += rune === 0x2028 ? '\\u2028' : '\\u2029';
      start = i + width;
    }
    i += width;
  }
  flush(bytes.length);
  return `${out}"`;
}

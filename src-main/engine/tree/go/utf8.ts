/**
 * UTF-8 decoding with Go's rules (package unicode/utf8). restic's strings are Go strings: arbitrary bytes that Go
 * reads rune by rune, and every byte that does not start a valid, shortest-form UTF-8 sequence is decoded as
 * U+FFFD with width 1. JavaScript's TextDecoder replaces "maximal subparts" instead (one U+FFFD for a truncated
 * 3-byte sequence where Go produces two), so Go-compatible output needs this decoder.
 */

/** U+FFFD, what Go's decoder returns (with width 1) for an invalid byte. */
export const runeError = 0xfffd;

export interface DecodedRune {
  /** The code point, or `runeError` for an invalid byte. */
  rune: number;
  /** Bytes consumed: 1 for ASCII and invalid bytes, 2–4 for valid multi-byte sequences. */
  width: number;
}

/** Decodes the rune at `offset` exactly as Go's `utf8.DecodeRune` does. `offset` must be inside `bytes`. */
export function decodeRune(bytes: Uint8Array, offset: number): DecodedRune {
  const b0 = bytes[offset] ?? 0;
  if (b0 < 0x80) return { rune: b0, width: 1 };
  // Lead byte → sequence length and the allowed range of the second byte (excludes overlong forms,
  // UTF-16 surrogates and code points above U+10FFFF, like Go's "acceptRanges").
  let width: number;
  let low = 0x80;
  let high = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) width = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    width = 3;
    if (b0 === 0xe0) low = 0xa0;
    else if (b0 === 0xed) high = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    width = 4;
    if (b0 === 0xf0) low = 0x90;
    else if (b0 === 0xf4) high = 0x8f;
  } else return { rune: runeError, width: 1 };

  if (offset + width > bytes.length) return { rune: runeError, width: 1 };
  const b1 = bytes[offset + 1] ?? 0;
  if (b1 < low || b1 > high) return { rune: runeError, width: 1 };
  let rune = (b0 & (0xff >> (width + 1))) * 64 + (b1 & 0x3f);
  for (let i = 2; i < width; i++) {
    const b = bytes[offset + i] ?? 0;
    if (b < 0x80 || b > 0xbf) return { rune: runeError, width: 1 };
    rune = rune * 64 + (b & 0x3f);
  }
  return { rune, width };
}

/** Whether `bytes` is valid UTF-8 in Go's sense (`utf8.Valid`). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; ) {
    const { width } = decodeRune(bytes, i);
    // Width 1 on a non-ASCII byte is exactly Go's "invalid byte" result.
    if (width === 1 && (bytes[i] ?? 0) >= 0x80) return false;
    i += width;
  }
  return true;
}

/**
 * The JavaScript string Go would see after `string([]rune(string(bytes)))`: every invalid byte becomes U+FFFD.
 * Converting the result back with `Buffer.from(s, 'utf8')` gives the bytes Go's JSON decoder would produce.
 */
export function stringFromGoBytes(bytes: Uint8Array): string {
  let out = '';
  let start = 0;
  let ascii = true;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    ascii = false;
    const { rune, width } = decodeRune(bytes, i);
    if (rune === runeError && width === 1) {
      out += Buffer.from(bytes.subarray(start, i)).toString('utf8');
      out += '\ufffd';
      start = i + 1;
    }
    i += width;
  }
  if (ascii) return Buffer.from(bytes).toString('latin1');
  return out + Buffer.from(bytes.subarray(start)).toString('utf8');
}

/** Appends the UTF-8 encoding of a code point (must be a valid Unicode scalar value) to `out`. */
export function pushRuneUtf8(out: number[], rune: number): void {
  if (rune < 0x80) out.push(rune);
  else if (rune < 0x800) out.push(0xc0 | (rune >> 6), 0x80 | (rune & 0x3f));
  else if (rune < 0x10000) out.push(0xe0 | (rune >> 12), 0x80 | ((rune >> 6) & 0x3f), 0x80 | (rune & 0x3f));
  else
    out.push(
      0xf0 | (rune >> 18),
      0x80 | ((rune >> 12) & 0x3f),
      0x80 | ((rune >> 6) & 0x3f),
      0x80 | (rune & 0x3f),
    );
}

/** Whether `rune` is a Unicode scalar value (Go's `utf8.ValidRune`: not a surrogate, at most U+10FFFF). */
export function isValidRune(rune: number): boolean {
  return (rune >= 0 && rune < 0xd800) || (rune > 0xdfff && rune <= 0x10ffff);
}

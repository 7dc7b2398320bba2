/**
 * A strict JSON parser with the semantics of Go's `encoding/json` decoder, for reading restic's JSON.
 * `JSON.parse` is not enough: restic's integers are uint64 (inode, size, device numbers), which lose precision as
 * JavaScript numbers; and Go decodes strings differently — each invalid UTF-8 byte and each lone surrogate escape
 * becomes U+FFFD. Numbers are therefore returned as their source text (`JsonNumber`), and objects as their
 * key/value pairs in document order (Go matches keys to fields case-insensitively, later keys overwrite earlier).
 */
import { decodeRune, runeError } from './utf8';

export class JsonNumber {
  constructor(readonly text: string) {}
}

export interface JsonObject {
  readonly entries: ReadonlyArray<readonly [string, JsonValue]>;
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

export function isJsonObject(value: JsonValue): value is JsonObject {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber)
  );
}

/** Malformed JSON; `offset` is the byte position where parsing failed. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Nesting limit: restic's JSON is at most a few levels deep; this only protects the stack. */
const maxDepth = 1000;

const numberPattern = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  private pos = 0;
  private readonly text: string;

  constructor(private readonly bytes: Uint8Array) {
    // Numbers and literals are ASCII; a latin1 view lets the number regex run on the bytes directly.
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  }

  parseDocument(): JsonValue {
    this.skipSpace();
    const value = this.parseValue(0);
    this.skipSpace();
    if (this.pos !== this.bytes.length) this.fail('unexpected data after the top-level value');
    return value;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.pos);
  }

  private skipSpace(): void {
    for (;;) {
      const b = this.bytes[this.pos];
      if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) this.pos++;
      else return;
    }
  }

  private parseValue(depth: number): JsonValue {
    if (depth > maxDepth) this.fail('nesting too deep');
    const b = this.bytes[this.pos];
    if (b === 0x7b) return this.parseObject(depth);
    if (b === 0x5b) return this.parseArray(depth);
    if (b === 0x22) return this.parseString();
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    numberPattern.lastIndex = this.pos;
    const match = numberPattern.exec(this.text);
    if (match === null) this.fail('invalid character looking for beginning of value');
    this.pos += match[0].length;
    return new JsonNumber(match[0]);
  }

  private literal<T extends JsonValue>(length: number, value: T): T {
    this.pos += length;
    return value;
  }

  private parseObject(depth: number): JsonObject {
    this.pos++; // {
    const entries: Array<readonly [string, JsonValue]> = [];
    this.skipSpace();
    if (this.bytes[this.pos] === 0x7d) {
      this.pos++;
      return { entries };
    }
    for (;;) {
      this.skipSpace();
      if (this.bytes[this.pos] !== 0x22) this.fail('expected a string as object key');
      const key = this.parseString();
      this.skipSpace();
      if (this.bytes[this.pos] !== 0x3a) this.fail("expected ':' after object key");
      this.pos++;
      this.skipSpace();
      entries.push([key, this.parseValue(depth + 1)]);
      this.skipSpace();
      const next = this.bytes[this.pos];
      this.pos++;
      if (next === 0x7d) return { entries };
      if (next !== 0x2c) this.fail("expected ',' or '}' in object");
    }
  }

  private parseArray(depth: number): JsonValue[] {
    this.pos++; // [
    const items: JsonValue[] = [];
    this.skipSpace();
    if (this.bytes[this.pos] === 0x5d) {
      this.pos++;
      return items;
    }
    for (;;) {
      this.skipSpace();
      items.push(this.parseValue(depth + 1));
      this.skipSpace();
      const next = this.bytes[this.pos];
      this.pos++;
      if (next === 0x5d) return items;
      if (next !== 0x2c) this.fail("expected ',' or ']' in array");
    }
  }

  /** A string literal at `pos` (on the opening quote), decoded the way Go's `unquoteBytes` does. */
  private parseString(): string {
    const bytes = this.bytes;
    this.pos++;
    let out = '';
    let start = this.pos;
    for (;;) {
      const b = bytes[this.pos];
      if (b === undefined) this.fail('unterminated string');
      if (b === 0x22) break;
      if (b < 0x20) this.fail('control character in string literal');
      if (b === 0x5c) {
        out += this.slice(start, this.pos);
        out += this.parseEscape();
        start = this.pos;
        continue;
      }
      if (b < 0x80) {
        this.pos++;
        continue;
      }
      const { rune, width } = decodeRune(bytes, this.pos);
      if (rune === runeError && width === 1) {
        out += `${this.slice(start, this.pos)}\ufffd`;
        start = this.pos + 1;
      }
      this.pos += width;
    }
    out += this.slice(start, this.pos);
    this.pos++; // closing quote
    return out;
  }

  private slice(from: number, to: number): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + from, to - from).toString('utf8');
  }

  /** The escape at `pos` (on the backslash); advances past it. */
  private parseEscape(): string {
    const c = this.bytes[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case 0x22:
        return '"';
      case 0x5c:
        return '\\';
      case 0x2f:
        return '/';
      case 0x62:
        return '\b';
      case 0x66:
        return '\f';
      case 0x6e:
        return '\n';
      case 0x72:
        return '\r';
      case 0x74:
        return '\t';
      case 0x75: {
        const unit = this.hex4();
        if (unit < 0xd800 || unit > 0xdfff) return String.fromCharCode(unit);
        // A high surrogate followed by an escaped low surrogate is one rune; anything else is U+FFFD (Go).
        if (unit <= 0xdbff && this.text.startsWith('\\u', this.pos)) {
          const save = this.pos;
          this.pos += 2;
          const low = this.hex4();
          if (low >= 0xdc00 && low <= 0xdfff) return String.fromCharCode(unit, low);
          this.pos = save;
        }
        return '\ufffd';
      }
      default:
        this.pos -= 1;
        return this.fail('invalid escape in string literal');
    }
  }

  private hex4(): number {
    const digits = this.text.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.fail('invalid \\u escape');
    this.pos += 4;
    return Number.parseInt(digits, 16);
  }
}

/** Parses one JSON document (surrounding whitespace allowed). Throws JsonSyntaxError. */
export function parseGoJson(bytes: Uint8Array): JsonValue {
  return new Parser(bytes).parseDocument();
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryNode } from './testing/arbitrary-node';
import { TimeZone } from './time/zone';
import { decodeTree, encodeTree } from './tree-codec';
import { decodeTreeFast, tryDecodeTreeFast } from './tree-fast-decode';

/** What a decoder gives for `bytes`: its nodes, or the error's code and message. */
function outcome(decode: (bytes: Buffer, id: string) => unknown, text: string | Buffer): unknown {
  try {
    return { nodes: decode(Buffer.from(text), 'f'.repeat(64)) };
  } catch (error) {
    return { error: `${(error as { code?: string }).code}: ${(error as Error).message}` };
  }
}

const file = (fields: string) =>
  `{"nodes":[{"name":"a","type":"file","mtime":"2024-01-02T03:04:05.5+01:00","atime":"2024-01-02T03:04:05.5+01:00",` +
  `"ctime":"2024-01-02T03:04:05Z","uid":1,"gid":2${fields},"content":[]}]}\n`;

describe('decodeTreeFast', () => {
  it('takes the fast path for trees as restic writes them and gives decodeTree’s nodes (property)', () => {
    let fast = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(arbitraryNode, { maxLength: 6, selector: (n) => Buffer.from(n.name).toString('hex') }),
        fc.constantFrom(TimeZone.utc(), TimeZone.fixed(3600), TimeZone.fixed(-34_200)),
        fc.boolean(),
        (generated, zone, realistic) => {
          // Half the runs keep inode and size below 2^53, as on real filesystems, so the fast path is exercised.
          const nodes = realistic
            ? generated.map((n) => ({ ...n, inode: n.inode % 2n ** 53n, size: n.size % 2n ** 53n }))
            : generated;
          const { bytes, id } = encodeTree(nodes, zone);
          const exact = decodeTree(bytes, id);
          expect(decodeTreeFast(bytes, id)).toEqual(exact);
          // Integers beyond 2^53 are the one thing an ordinary tree may hold that only the exact decoder reads.
          const exceedsDoubles = exact.some((n) => n.inode > 2n ** 53n || n.size > 2n ** 53n);
          if (!exceedsDoubles) {
            expect(tryDecodeTreeFast(bytes)).toEqual(exact);
            fast++;
          }
        },
      ),
      { numRuns: 500 },
    );
    expect(fast).toBeGreaterThan(200); // at least the realistic half takes the fast path
  });

  it('takes the fast path for nulls, which leave the zero value as in Go', () => {
    const text = file(',"size":null,"user":null');
    expect(tryDecodeTreeFast(Buffer.from(text))).toEqual(decodeTree(Buffer.from(text)));
  });

  it('takes the fast path for names that need unquoting', () => {
    const text = file('').replace('"name":"a"', '"name":"a\\\\xff\\\\n\\\\u00e9"');
    expect(tryDecodeTreeFast(Buffer.from(text))?.[0]?.name).toEqual(
      Buffer.from([0x61, 0xff, 0x0a, 0xc3, 0xa9]),
    );
  });

  it.each([
    ['an unknown field', file(',"generic_attributes":{}')],
    ['a case-folded key', file(',"Size":5')],
    ['a fractional integer', file(',"size":1.0')],
    ['an exponent', file(',"size":1e3')],
    ['a negative uid', file('').replace('"uid":1', '"uid":-1')],
    ['whitespace before an odd number', file(',"inode" : 2E1')],
    ['a number beyond 2^53', file(',"inode":18446744073709551615')],
    ['an upper-case ID', file('').replace('"content":[]', `"content":["${'A'.repeat(64)}"]`)],
    ['linktarget_raw', file(',"linktarget_raw":"AAE="')],
    ['bad base64', file(',"extended_attributes":[{"name":"n","value":"!!"}]')],
    ['an unknown xattr key', file(',"extended_attributes":[{"name":"n","value":"","x":1}]')],
    ['a malformed quoted name', file('').replace('"name":"a"', '"name":"a\\\\q"')],
    ['a bad time', file('').replace('2024-01-02T03:04:05Z', '2024-13-02T03:04:05Z')],
    ['a missing type', file('').replace('"type":"file",', '')],
    ['an unknown type', file('').replace('"type":"file"', '"type":"door"')],
    ['another top-level key', '{"nodes":[],"extra":1}'],
    ['nodes: null', '{"nodes":null}'],
    ['a JSON null', 'null'],
    ['not an object', '[1,2]'],
    ['invalid JSON', '{"nodes":[}'],
  ])('leaves %s to the exact decoder, with its result', (_, text) => {
    expect(tryDecodeTreeFast(Buffer.from(text))).toBeUndefined();
    expect(outcome(decodeTreeFast, text)).toEqual(outcome(decodeTree, text));
  });

  it('leaves invalid UTF-8 to the exact decoder (Go and WHATWG replace bad bytes differently)', () => {
    const text = Buffer.concat([
      Buffer.from(file('').slice(0, 20)),
      Buffer.from([0xf0, 0x80, 0x80]),
      Buffer.from(file('').slice(20)),
    ]);
    expect(tryDecodeTreeFast(text)).toBeUndefined();
    expect(outcome(decodeTreeFast, text)).toEqual(outcome(decodeTree, text));
  });

  it('reads xattrs, link targets, devices and IDs like decodeTree', () => {
    const text = file(
      `,"inode":42,"device_id":7,"size":5,"links":2,"linktarget":"x","extended_attributes":[{"name":"user.a","value":"AQID"}],"device":9`,
    );
    const fast = tryDecodeTreeFast(Buffer.from(text));
    expect(fast).toEqual(decodeTree(Buffer.from(text)));
    expect(fast?.[0]?.extendedAttributes[0]?.value).toEqual(Buffer.from([1, 2, 3]));
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { type Id, idOf } from '../ids';
import { corruptMessage } from '../testing/corrupt-message';
import { goJsonString } from './go/json-string';
import { emptyNode, type Node, type NodeType } from './node';
import { encodeNodeJson, quotedName } from './node-encode';
import { arbitraryNode } from './testing/arbitrary-node';
import type { NodeTime } from './time/rfc3339';
import { TimeZone } from './time/zone';
import { decodeTree, encodeTree, isCanonicalTree } from './tree-codec';

const utc = TimeZone.utc();
const idA = 'a'.repeat(64);
const idB = '0123456789abcdef'.repeat(4);

/** A directory node as restic 0.14 wrote it in a real backup (bytes from `restic cat blob`). */
const resticDirTree =
  '{"nodes":[{"name":"data","type":"dir","mode":2147484141,"mtime":"2026-11-25T22:27:33.335139115Z",' +
  '"atime":"2026-11-25T22:27:33.335139115Z","ctime":"2026-11-25T22:27:33.335139115Z","uid":0,"gid":0,' +
  '"user":"root","group":"root","inode":2187953,"device_id":65024,"content":null,' +
  '"subtree":"5a109849b9a3ea7b0b9501d0c9a038d6fb56653083939d28bd0f61b2f26b5028"}]}\n';

function node(name: string | Buffer, type: NodeType, fill: Partial<Node> = {}): Node {
  const n = emptyNode(typeof name === 'string' ? Buffer.from(name) : name, type);
  if (type === 'file') n.content = [];
  if (type === 'dir') n.subtree = idA;
  return Object.assign(n, fill);
}

describe('encodeTree', () => {
  it('reproduces a restic-written tree byte for byte', () => {
    const bytes = Buffer.from(resticDirTree);
    expect(encodeTree(decodeTree(bytes), utc).bytes.toString()).toBe(resticDirTree);
  });

  it('writes every field in restic 0.14 order with omitempty', () => {
    const time: NodeTime = { sec: 1_700_000_000n, nsec: 5 };
    const full = node('f', 'file', {
      mode: 0o4755,
      mtime: time,
      atime: time,
      ctime: time,
      uid: 1000,
      gid: 100,
      user: 'u<',
      group: 'g&',
      inode: 2n ** 64n - 1n,
      deviceId: 2049n,
      size: 12n,
      links: 2n,
      linkTarget: Buffer.from('t'),
      extendedAttributes: [
        { name: Buffer.from('user.a'), value: Buffer.from([0, 255]) },
        { name: Buffer.from('user.empty'), value: Buffer.alloc(0) },
      ],
      device: 259n,
      content: [idA, idB],
      subtree: idB,
      error: 'e',
    });
    const t = '"2023-11-14T22:13:20.000000005Z"';
    expect(encodeTree([full], utc).bytes.toString()).toBe(
      `{"nodes":[{"name":"f","type":"file","mode":2541,"mtime":${t},"atime":${t},"ctime":${t},"uid":1000,` +
        '"gid":100,"user":"u\\u003c","group":"g\\u0026","inode":18446744073709551615,"device_id":2049,' +
        '"size":12,"links":2,"linktarget":"t","extended_attributes":[{"name":"user.a","value":"AP8="},' +
        `{"name":"user.empty","value":""}],"device":259,"content":["${idA}","${idB}"],"subtree":"${idB}",` +
        '"error":"e"}]}\n',
    );
  });

  it('omits zero values but always writes times, uid, gid and content', () => {
    const bare = emptyNode(Buffer.from('x'), 'fifo');
    expect(encodeTree([bare], utc).bytes.toString()).toBe(
      '{"nodes":[{"name":"x","type":"fifo","mtime":"0001-01-01T00:00:00Z","atime":"0001-01-01T00:00:00Z",' +
        '"ctime":"0001-01-01T00:00:00Z","uid":0,"gid":0,"content":null}]}\n',
    );
    expect(encodeTree([node('e', 'file')], utc).bytes.toString()).toContain('"content":[]');
  });

  it('quotes names with Go strconv.Quote, then JSON-escapes them', () => {
    const encoded = encodeTree([node(Buffer.from([0x61, 0x22, 0x0a, 0xff, 0x3c]), 'fifo')], utc).bytes;
    expect(encoded.toString()).toContain('"name":"a\\\\\\"\\\\n\\\\xff\\u003c"');
  });

  it('sorts by raw name bytes and names the tree ID', () => {
    const names = [
      Buffer.from('b'),
      Buffer.from('B'),
      Buffer.from([0xff]),
      Buffer.from('ä'),
      Buffer.from('a'),
    ];
    const tree = encodeTree(
      names.map((n) => node(n, 'fifo')),
      utc,
    );
    expect(decodeTree(tree.bytes).map((n) => n.name)).toEqual([...names].sort(Buffer.compare));
    expect(tree.id).toBe(idOf(tree.bytes));
    expect(encodeTree([], utc).bytes.toString()).toBe('{"nodes":[]}\n');
  });

  it.each([
    ['duplicate names', [node('a', 'fifo'), node('a', 'file')]],
    ['an empty name', [node('', 'fifo')]],
    ['a slash in a name', [node('a/b', 'fifo')]],
    ['a file without content list', [node('f', 'file', { content: null })]],
    ['a directory without subtree', [node('d', 'dir', { subtree: null })]],
    ['a malformed content ID', [node('f', 'file', { content: ['abc'] })]],
    ['a negative size', [node('f', 'file', { size: -1n })]],
    ['a uid above uint32', [node('f', 'file', { uid: 2 ** 32 })]],
  ])('rejects %s', (_, nodes) => {
    expect(() => encodeTree(nodes, utc)).toThrow(EngineError);
  });
});

describe('encodeNodeJson names', () => {
  it('writes every name as Go does: strconv.Quote, then JSON with HTML escapes (property, ASCII-heavy)', () => {
    const byte = fc.oneof(
      { arbitrary: fc.integer({ min: 0x20, max: 0x7e }), weight: 8 },
      { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 1 },
    );
    fc.assert(
      fc.property(
        fc.array(byte, { minLength: 1, maxLength: 40 }).filter((b) => !b.includes(0x2f) && !b.includes(0)),
        (bytes) => {
          const name = Buffer.from(bytes);
          const json = encodeNodeJson(node(name, 'file'), utc);
          expect(json.startsWith(`{"name":${goJsonString(quotedName(name))},`)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('decodeTree', () => {
  const wrap = (nodeJson: string) => Buffer.from(`{"nodes":[${nodeJson}]}`);

  it('ignores unknown fields and accepts newer restic fields', () => {
    const [n] = decodeTree(
      wrap(
        '{"name":"l","type":"symlink","mtime":"2020-01-01T00:00:00Z","uid":5,"gid":6,' +
          '"linktarget":"\\ufffd","linktarget_raw":"/w==","generic_attributes":{"windows.x":"eA=="},"future":[1]}',
      ),
    );
    expect(n?.type).toBe('symlink');
    expect(n?.linkTarget).toEqual(Buffer.from([0xff]));
    expect(n?.uid).toBe(5);
  });

  it('accepts the irregular type, missing optional fields, nulls and case-insensitive keys', () => {
    const [a, b] = decodeTree(
      wrap('{"name":"i","type":"irregular"},{"NAME":"n","Type":"file","mode":null,"content":null,"ſize":7}'),
    );
    expect(a?.type).toBe('irregular');
    expect(a?.mtime).toEqual({ sec: -62_135_596_800n, nsec: 0, zoneOffset: 0 });
    expect(b?.name.toString()).toBe('n');
    expect(b?.content).toBeNull();
    expect(b?.size).toBe(7n);
    expect(decodeTree(Buffer.from('null'))).toEqual([]);
    expect(decodeTree(Buffer.from('{"nodes":null}'))).toEqual([]);
  });

  it('unquotes names back to raw bytes', () => {
    const [n] = decodeTree(wrap('{"name":"a\\\\xff\\\\n\\\\\\"b\\\\u00e9","type":"fifo"}'));
    expect(n?.name).toEqual(Buffer.from([0x61, 0xff, 0x0a, 0x22, 0x62, 0xc3, 0xa9]));
  });

  it('keeps uint64 values exact', () => {
    const [n] = decodeTree(
      wrap('{"name":"f","type":"file","inode":18446744073709551615,"device":9007199254740993}'),
    );
    expect(n?.inode).toBe(18_446_744_073_709_551_615n);
    expect(n?.device).toBe(9_007_199_254_740_993n);
  });

  it.each([
    ['invalid JSON', '{"nodes":['],
    ['nodes not an array', '{"nodes":{}}'],
    ['a node that is not an object', '{"nodes":[1]}'],
    ['an unknown type', '{"nodes":[{"name":"a","type":"blob"}]}'],
    ['a missing type', '{"nodes":[{"name":"a"}]}'],
    ['a name that is not Go-quoted', '{"nodes":[{"name":"a\\"b","type":"file"}]}'],
    ['a string uid', '{"nodes":[{"name":"a","type":"file","uid":"0"}]}'],
    ['a negative size', '{"nodes":[{"name":"a","type":"file","size":-1}]}'],
    ['a fractional size', '{"nodes":[{"name":"a","type":"file","size":1.5}]}'],
    ['a uid above uint32', '{"nodes":[{"name":"a","type":"file","uid":4294967296}]}'],
    ['an inode above uint64', '{"nodes":[{"name":"a","type":"file","inode":18446744073709551616}]}'],
    ['a bad time', '{"nodes":[{"name":"a","type":"file","mtime":"yesterday"}]}'],
    ['a bad content ID', '{"nodes":[{"name":"a","type":"file","content":["xyz"]}]}'],
    [
      'bad base64',
      '{"nodes":[{"name":"a","type":"file","extended_attributes":[{"name":"n","value":"!!"}]}]}',
    ],
  ])('reports %s as CORRUPT naming the tree', (_, text) => {
    const treeId: Id = idOf(Buffer.from(text));
    expect(corruptMessage(() => decodeTree(Buffer.from(text), treeId))).toContain(`tree ${treeId}`);
  });
});

describe('tree round trip', () => {
  it('decode(encode(nodes)) gives the nodes back and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(arbitraryNode, { maxLength: 6, selector: (n) => Buffer.from(n.name).toString('hex') }),
        fc.constantFrom(utc, TimeZone.fixed(3600), TimeZone.fixed(-34_200)),
        (nodes, zone) => {
          const encoded = encodeTree(nodes, zone);
          const decoded = decodeTree(encoded.bytes, encoded.id);
          expect(isCanonicalTree(decoded)).toBe(true);
          const sorted = [...nodes].sort((a, b) => Buffer.compare(a.name, b.name));
          const stripZone = (t: NodeTime) => ({ sec: t.sec, nsec: t.nsec });
          expect(
            decoded.map((n) => ({
              ...n,
              mtime: stripZone(n.mtime),
              atime: stripZone(n.atime),
              ctime: stripZone(n.ctime),
            })),
          ).toEqual(sorted.map((n) => ({ ...n, user: Buffer.from(n.user).toString('utf8') })));
          expect(encodeTree(decoded, utc).bytes).toEqual(encoded.bytes);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** fast-check arbitraries for nodes, shared by the tree codec tests. */
import fc from 'fast-check';
import { emptyNode, type Node, nodeTypes } from '../node';
import type { NodeTime } from '../time/rfc3339';

const subtreeId = '0123456789abcdef'.repeat(4);

export const arbitraryTime: fc.Arbitrary<NodeTime> = fc.record({
  // Up to 9999-12-31T03:00Z: later times reach year 10000 in some zones, where FixTime (tested elsewhere) clamps.
  sec: fc.bigInt({ min: -62_135_596_800n, max: 253_402_200_000n }),
  nsec: fc.integer({ min: 0, max: 999_999_999 }),
});

export const arbitraryNode: fc.Arbitrary<Node> = fc
  .record({
    name: fc.uint8Array({ minLength: 1, maxLength: 24 }).filter((b) => !b.includes(0x2f) && !b.includes(0)),
    type: fc.constantFrom(...nodeTypes),
    mode: fc.integer({ min: 0, max: 0xffff_ffff }),
    mtime: arbitraryTime,
    ctime: arbitraryTime,
    uid: fc.integer({ min: 0, max: 0xffff_ffff }),
    gid: fc.integer({ min: 0, max: 0xffff_ffff }),
    user: fc.string(),
    inode: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    size: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    linkTarget: fc.string({ unit: 'grapheme' }),
    xattrs: fc.array(fc.record({ name: fc.string({ minLength: 1 }), value: fc.uint8Array() }), {
      maxLength: 3,
    }),
    content: fc.array(
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
      {
        maxLength: 3,
      },
    ),
  })
  .map((r) => {
    const n = emptyNode(Buffer.from(r.name), r.type);
    Object.assign(n, {
      mode: r.mode,
      mtime: r.mtime,
      atime: r.mtime,
      ctime: r.ctime,
      uid: r.uid,
      gid: r.gid,
    });
    Object.assign(n, { user: r.user, inode: r.inode, size: r.size, linkTarget: Buffer.from(r.linkTarget) });
    n.extendedAttributes = r.xattrs.map((x) => ({ name: Buffer.from(x.name), value: Buffer.from(x.value) }));
    if (r.type === 'file') n.content = r.content;
    if (r.type === 'dir') n.subtree = subtreeId;
    return n;
  });

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node } from './node';
import { encodeNodeJson } from './node-encode';
import { sameRecordedNode, sameRecordedNodes } from './node-equal';
import { arbitraryNode } from './testing/arbitrary-node';
import { TimeZone } from './time/zone';
import { decodeTree, encodeTree } from './tree-codec';

const zones = [
  TimeZone.utc(),
  TimeZone.fixed(3600),
  TimeZone.fixed(-34_200),
  TimeZone.fixed(3600 + 1800 + 17),
];
const arbitraryZone = fc.constantFrom(...zones);

/** A copy of `node` as read back from a tree written in `zone` (its times now carry that zone's offset). */
function readBack(node: Node, zone: TimeZone): Node {
  const [decoded] = decodeTree(encodeTree([node], zone).bytes);
  if (decoded === undefined) throw new Error('no node');
  return decoded;
}

/** One field of `node` changed. */
const arbitraryChange: fc.Arbitrary<(node: Node) => Node> = fc.oneof(
  fc.constant((n: Node) => ({ ...n, mode: (n.mode + 1) % 2 ** 32 })),
  fc.constant((n: Node) => ({ ...n, mtime: { ...n.mtime, nsec: (n.mtime.nsec + 1) % 1e9 } })),
  fc.constant((n: Node) => ({ ...n, ctime: { ...n.ctime, sec: n.ctime.sec - 1n } })),
  fc.constant((n: Node) => ({ ...n, user: `${n.user}x` })),
  fc.constant((n: Node) => ({ ...n, inode: n.inode ^ 1n })),
  fc.constant((n: Node) => ({ ...n, links: n.links + 1n })),
  fc.constant((n: Node) => ({ ...n, name: Buffer.concat([n.name, Buffer.from('x')]) })),
  fc.constant((n: Node) => ({ ...n, linkTarget: Buffer.concat([n.linkTarget, Buffer.from('x')]) })),
  fc.constant((n: Node) => ({ ...n, extendedAttributes: [] })),
  fc.constant((n: Node) => ({ ...n, content: n.content === null ? null : [...n.content, 'e'.repeat(64)] })),
  fc.constant((n: Node) => ({ ...n, mtime: { ...n.mtime, zoneOffset: 7200 } })),
);

/** Times between years 2 and 9998, where restic writes them unchanged. */
const inRange = (n: Node) =>
  [n.mtime, n.atime, n.ctime].every(
    (t) => t.sec > -62_135_596_800n + 86_400n && t.sec < 253_402_300_799n - 86_400n,
  );

describe('sameRecordedNode', () => {
  it('is true exactly when restic would write the same JSON (property)', () => {
    let same = 0;
    let different = 0;
    fc.assert(
      fc.property(
        arbitraryNode,
        arbitraryZone,
        arbitraryZone,
        fc.option(arbitraryChange, { nil: undefined, freq: 2 }),
        (node, writtenIn, comparedIn, change) => {
          const previous = readBack(node, writtenIn);
          const current = change === undefined ? node : change(node);
          const equalJson = encodeNodeJson(current, comparedIn) === encodeNodeJson(previous, comparedIn);
          const verdict = sameRecordedNode(current, previous, comparedIn);
          if (verdict) expect(equalJson).toBe(true); // never claims "same" wrongly
          // And finds every such pair — except where Go's output is lossy: times outside years 1..9999, and
          // offsets with seconds (written as whole minutes, so a time read back is another instant).
          const wholeMinutes = [writtenIn, comparedIn].every((z) => z.lookup(0).offset % 60 === 0);
          if (wholeMinutes && inRange(current) && inRange(previous)) expect(verdict).toBe(equalJson);
          if (verdict) same++;
          else different++;
        },
      ),
      { numRuns: 1000 },
    );
    // Both answers occur: unchanged nodes compared in the zone they were written in are the same.
    expect(same).toBeGreaterThan(50);
    expect(different).toBeGreaterThan(200);
  });

  it('compares lists in order and by length', () => {
    const [a, b] = fc.sample(arbitraryNode, { numRuns: 2, seed: 7 }) as [Node, Node];
    const zone = TimeZone.utc();
    expect(sameRecordedNodes([a, b], [a, b], zone)).toBe(true);
    expect(sameRecordedNodes([a, b], [b, a], zone)).toBe(false);
    expect(sameRecordedNodes([a], [a, b], zone)).toBe(false);
  });
});

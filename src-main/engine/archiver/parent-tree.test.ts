import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyNode, type Node } from '../tree/node';
import { type ParentDirectory, ParentMatcher, parentNamed } from './parent-tree';

const node = (name: Buffer): Node => emptyNode(name, 'file');

/** Each name's parent node, the names taken in order by one matcher (as a walk takes a directory's entries). */
function parentsNamed(parents: ParentDirectory | null, names: readonly Buffer[]): (Node | undefined)[] {
  const matcher = new ParentMatcher(parents);
  return names.map((name) => matcher.match(name));
}

function directory(names: Buffer[]): ParentDirectory {
  const nodes = names.map(node);
  const sorted = names.every((name, i) => i === 0 || Buffer.compare(names[i - 1] as Buffer, name) < 0);
  return { id: 'a'.repeat(64), nodes, sorted };
}

describe('matching entries to the parent snapshot', () => {
  it('finds each name’s node, sorted or not, and nothing for names the parent lacks', () => {
    const b = (text: string) => Buffer.from(text);
    const parent = directory([b('a'), b('c'), b('d\xff'), b('e')]);
    const found = parentsNamed(parent, [b('b'), b('c'), b('d\xff'), b('f')]);
    expect(found.map((n) => n?.name.toString())).toEqual([undefined, 'c', 'd\xff', undefined]);
    const unsorted = directory([b('e'), b('a'), b('c')]);
    expect(unsorted.sorted).toBe(false);
    expect(parentsNamed(unsorted, [b('a'), b('e')]).map((n) => n?.name.toString())).toEqual(['a', 'e']);
    expect(parentsNamed(parent, [b('e'), b('a')]).map((n) => n?.name.toString())).toEqual(['e', 'a']);
    expect(parentsNamed(null, [b('a')])).toEqual([undefined]);
    expect(parentNamed(parent, b('c'))?.name.toString()).toBe('c');
  });

  it('matches exactly as a lookup by name does, for any names (property)', () => {
    const name = fc.uint8Array({ minLength: 1, maxLength: 4 }).map((bytes) => Buffer.from(bytes));
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { selector: (n) => n.toString('hex') }),
        fc.array(name),
        (parentNames, names) => {
          const sortedParent = directory([...parentNames].sort(Buffer.compare));
          const byHex = new Map(sortedParent.nodes.map((n) => [n.name.toString('hex'), n]));
          for (const query of [
            names,
            [...new Set(names.map((n) => n.toString('hex')))].sort().map((h) => Buffer.from(h, 'hex')),
          ]) {
            const expected = query.map((n) => byHex.get(n.toString('hex')));
            expect(parentsNamed(sortedParent, query)).toEqual(expected);
            expect(parentsNamed(directory(parentNames), query)).toEqual(
              query
                .map((n) => directory(parentNames).nodes.find((p) => p.name.equals(n)))
                .map((p) => (p ? expect.objectContaining({ name: p.name }) : undefined)),
            );
          }
        },
      ),
    );
  });
});

/**
 * The planner on hand-made indexes: restic 0.14's rules for duplicates, unreferenced and missing packs, size
 * mismatches, small packs, tree packs, and the --max-unused limit.
 */
import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import type { Id } from '../ids';
import type { BlobType, PackedBlob } from '../repository/blob';
import { MasterIndex } from '../repository/master-index';
import { packFileSize } from '../repository/pack-header';
import { type MaxUnusedLimit, parseMaxUnused } from './max-unused';
import { packUsageFromIndex } from './pack-usage';
import { blobsToRepack, decidePackActions, emptyPruneStats, type PrunePlan } from './prune-plan';
import type { PruneStats } from './prune-types';
import { blobKey } from './used-blobs';

const id = (name: string): Id => Buffer.from(name.padEnd(32, '.')).toString('hex');
const target = 16 * 1024 * 1024;

interface PackSpec {
  name: string;
  blobs: { name: string; length: number; type?: BlobType }[];
}

function build(packs: PackSpec[]) {
  const index = new MasterIndex();
  const sizes = new Map<Id, number>();
  for (const pack of packs) {
    let offset = 0;
    const blobs: PackedBlob[] = pack.blobs.map((b) => {
      const blob = { type: b.type ?? 'data', id: id(b.name), offset, length: b.length };
      offset += b.length;
      return blob;
    });
    index.addPack(id(pack.name), blobs);
    sizes.set(id(pack.name), packFileSize(blobs));
  }
  return { index, sizes };
}

function plan(
  packs: PackSpec[],
  used: string[],
  options: { maxUnused?: MaxUnusedLimit; sizes?: (sizes: Map<Id, number>) => void } = {},
): { plan: PrunePlan; stats: PruneStats; toCopy: Set<string> } {
  const { index, sizes } = build(packs);
  options.sizes?.(sizes);
  const stats = emptyPruneStats();
  const usedKeys = new Set(used.map((name) => blobKey(name.startsWith('tree') ? 'tree' : 'data', id(name))));
  const usage = packUsageFromIndex(index, usedKeys, stats);
  const decided = decidePackActions(
    {
      packs: usage.packs,
      packSizes: sizes,
      maxUnused: options.maxUnused ?? parseMaxUnused('5%'),
      packTargetSize: target,
    },
    stats,
  );
  return { plan: decided, stats, toCopy: blobsToRepack(usage.keepBlobs, index, decided) };
}

const names = (set: ReadonlySet<Id>) =>
  [...set].map((x) => Buffer.from(x, 'hex').toString().replace(/\.+$/, '')).sort();
const big = 1_000_000;

function refusal(fn: () => unknown, code: string): string {
  try {
    fn();
  } catch (error) {
    expect(isEngineError(error, code as 'CORRUPT'), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('no refusal');
}

describe('prune plan', () => {
  it('keeps fully used packs, deletes unused ones, repacks partly used ones above the limit', () => {
    const {
      plan: p,
      stats,
      toCopy,
    } = plan(
      [
        { name: 'full', blobs: [{ name: 'a', length: big }] },
        { name: 'empty', blobs: [{ name: 'b', length: big }] },
        {
          name: 'half',
          blobs: [
            { name: 'c', length: big },
            { name: 'd', length: big },
          ],
        },
      ],
      ['a', 'c'],
    );
    expect(names(p.removePacks)).toEqual(['empty']);
    expect(names(p.repackPacks)).toEqual(['half']);
    expect(stats.packs).toMatchObject({ used: 1, unused: 1, partlyUsed: 1, keep: 1, repack: 1, remove: 1 });
    expect(stats.blobs).toMatchObject({ used: 2, unused: 2, remove: 1, repack: 2, repackRemove: 1 });
    expect([...toCopy]).toEqual([blobKey('data', id('c'))]);
  });

  it('duplicates: one copy counts as used, preferably in a pack with other used blobs', () => {
    const {
      plan: p,
      stats,
      toCopy,
    } = plan(
      [
        {
          name: 'p1',
          blobs: [
            { name: 'a', length: big },
            { name: 'b', length: big },
          ],
        },
        {
          name: 'p2',
          blobs: [
            { name: 'a', length: big },
            { name: 'c', length: big },
          ],
        },
        { name: 'p3', blobs: [{ name: 'a', length: big }] },
      ],
      ['a', 'c'],
    );
    expect(stats.blobs).toMatchObject({ used: 2, duplicate: 2, unused: 1 });
    expect(names(p.removePacks)).toEqual(['p1', 'p3']);
    expect(p.repackPacks.size).toBe(0);
    expect(toCopy.size).toBe(0);
  });

  it('a used blob whose only kept copy is in a repacked pack is copied; one also in a kept pack is not', () => {
    const { plan: p, toCopy } = plan(
      [
        {
          name: 'kept',
          blobs: [
            { name: 'x', length: big },
            { name: 'w', length: big },
          ],
        },
        {
          name: 'mixed-use',
          blobs: [
            { name: 'x', length: big },
            { name: 'y', length: big },
            { name: 'z', length: big },
          ],
        },
      ],
      ['x', 'y', 'w'],
      { maxUnused: parseMaxUnused('0%') },
    );
    expect(names(p.repackPacks)).toEqual(['mixed-use']);
    expect([...toCopy]).toEqual([blobKey('data', id('y'))]);
  });

  it('packs in data/ that no index names are deleted; missing unneeded packs are dropped from the index', () => {
    const { plan: p, stats } = plan(
      [
        { name: 'used', blobs: [{ name: 'a', length: big }] },
        { name: 'gone', blobs: [{ name: 'b', length: big }] },
      ],
      ['a'],
      {
        sizes: (sizes) => {
          sizes.delete(id('gone'));
          sizes.set(id('stray'), 1234);
        },
      },
    );
    expect(names(p.unreferencedPacks)).toEqual(['stray']);
    expect(names(p.ignorePacks)).toEqual(['gone']);
    expect(stats.bytes.unreferenced).toBe(1234);
    expect(stats.packs.unreferenced).toBe(1);
  });

  it('refuses: a needed pack missing, a needed pack of the wrong size, a used blob in no index', () => {
    const packs = [{ name: 'p', blobs: [{ name: 'a', length: big }] }];
    expect(refusal(() => plan(packs, ['a'], { sizes: (s) => s.delete(id('p')) }), 'NOT_FOUND')).toContain(
      id('p'),
    );
    expect(refusal(() => plan(packs, ['a'], { sizes: (s) => s.set(id('p'), 5) }), 'CORRUPT')).toContain(
      id('p'),
    );
    expect(refusal(() => plan(packs, ['a', 'nowhere']), 'NOT_FOUND')).toContain(id('nowhere'));
    // An unneeded pack of the wrong size is simply deleted.
    expect(names(plan(packs, [], { sizes: (s) => s.set(id('p'), 5) }).plan.removePacks)).toEqual(['p']);
  });

  it('small fully used packs are repacked only when there are at least 10 of them', () => {
    const small = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `s${i}`, blobs: [{ name: `b${i}`, length: 1000 }] }));
    const usedOf = (n: number) => Array.from({ length: n }, (_, i) => `b${i}`);
    expect(plan(small(9), usedOf(9)).plan.repackPacks.size).toBe(0);
    expect(plan(small(10), usedOf(10)).plan.repackPacks.size).toBe(10);
  });

  it('the limit: tree packs always; data packs with the most unused share first, until the rest fits', () => {
    const packs: PackSpec[] = [
      {
        name: 'tree',
        blobs: [
          { name: 'tree1', length: 5000, type: 'tree' },
          { name: 'tree2', length: 5000, type: 'tree' },
        ],
      },
      {
        name: 'waste10',
        blobs: [
          { name: 'u1', length: 9 * big },
          { name: 'x1', length: big },
        ],
      },
      {
        name: 'waste30',
        blobs: [
          { name: 'u2', length: 7 * big },
          { name: 'x2', length: 3 * big },
        ],
      },
      {
        name: 'waste50',
        blobs: [
          { name: 'u3', length: 5 * big },
          { name: 'x3', length: 5 * big },
        ],
      },
    ];
    const used = ['tree1', 'u1', 'u2', 'u3'];
    const repacked = (limit: string) =>
      names(plan(packs, used, { maxUnused: parseMaxUnused(limit) }).plan.repackPacks);
    // 9 MB unused in data packs. 5M: after waste50 (5 MB) 4 MB are left, below the limit.
    expect(repacked('unlimited')).toEqual(['tree']);
    expect(repacked('5M')).toEqual(['tree', 'waste50']);
    // 5% of what remains: 1.1 MB of the 21 MB used; after waste50 and waste30 1 MB is left.
    expect(repacked('5%')).toEqual(['tree', 'waste30', 'waste50']);
    expect(repacked('0%')).toEqual(['tree', 'waste10', 'waste30', 'waste50']);
  });
});

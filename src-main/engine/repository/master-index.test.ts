import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BlobType, PackedBlob } from './blob';
import { MasterIndex } from './master-index';

/** IDs from a small pool so duplicates and hash collisions in the first bytes are frequent. */
const pooledId = fc
  .tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 3 }))
  .map(([n, prefix]) => `${prefix.toString(16).padStart(8, '0')}${n.toString(16).padStart(56, '0')}`);
const packId = fc.integer({ min: 0, max: 5 }).map((n) => n.toString(16).padStart(64, 'f'));
const blob: fc.Arbitrary<PackedBlob> = fc
  .record({
    type: fc.constantFrom<BlobType>('data', 'tree'),
    id: pooledId,
    offset: fc.integer({ min: 0, max: 100 }),
    length: fc.integer({ min: 32, max: 1000 }),
    uncompressedLength: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
  })
  .map(({ uncompressedLength, ...rest }) =>
    uncompressedLength === undefined ? rest : { ...rest, uncompressedLength },
  );

const key = (type: BlobType, id: string) => `${type}:${id}`;
const locationKey = (packId: string, b: PackedBlob) => `${packId}/${b.type}/${b.id}/${b.offset}`;

describe('master index', () => {
  it('tells which packs it names', () => {
    const index = new MasterIndex();
    const pack = 'b'.repeat(64);
    expect(index.hasPack(pack)).toBe(false);
    index.addPack(pack, [{ type: 'data', id: 'c'.repeat(64), offset: 0, length: 10 }]);
    expect(index.hasPack(pack)).toBe(true);
    expect(index.hasPack('d'.repeat(64))).toBe(false);
  });

  it('agrees with a naive model on has/lookup/packs, with duplicates and repeated packs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(packId, fc.array(blob, { maxLength: 40 })), { maxLength: 30 }),
        (adds) => {
          const index = new MasterIndex();
          const model = new Map<string, Map<string, PackedBlob & { packId: string }>>();
          for (const [pack, blobs] of adds) {
            index.addPack(pack, blobs);
            for (const b of blobs) {
              const k = key(b.type, b.id);
              const locations = model.get(k) ?? new Map();
              // The same (pack, blob, offset) twice is one location.
              if (!locations.has(locationKey(pack, b)))
                locations.set(locationKey(pack, b), { ...b, packId: pack });
              model.set(k, locations);
            }
          }
          let total = 0;
          for (const [k, locations] of model) {
            const [type, id] = k.split(':') as [BlobType, string];
            expect(index.has(type, id)).toBe(true);
            const found = index.lookup(type, id);
            expect(found.map((l) => locationKey(l.packId, l)).sort()).toEqual([...locations.keys()].sort());
            for (const l of found) expect(l).toEqual(locations.get(locationKey(l.packId, l)));
            total += locations.size;
          }
          expect(index.size).toBe(total);
          expect(index.has('data', 'e'.repeat(64))).toBe(false);
          expect(index.lookup('tree', 'e'.repeat(64))).toEqual([]);
          const fromPacks = [...index.packs()].flatMap((p) => p.blobs.map((b) => locationKey(p.id, b)));
          expect(fromPacks.sort()).toEqual([...model.values()].flatMap((m) => [...m.keys()]).sort());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps data and tree blobs with the same ID apart', () => {
    const index = new MasterIndex();
    const id = 'ab'.repeat(32);
    index.addPack('1'.repeat(64), [{ type: 'data', id, offset: 0, length: 40 }]);
    expect(index.has('data', id)).toBe(true);
    expect(index.has('tree', id)).toBe(false);
  });

  it('stays compact: a million blobs in under 64 bytes each', () => {
    const index = new MasterIndex();
    const count = 1_000_000;
    const perPack = 1000;
    const id = Buffer.alloc(32);
    for (let p = 0; p < count / perPack; p++) {
      const blobs: PackedBlob[] = [];
      for (let i = 0; i < perPack; i++) {
        id.writeUInt32LE(Math.imul(p * perPack + i, 2654435761) >>> 0, 0);
        id.writeUInt32LE(p * perPack + i, 4);
        blobs.push({
          type: 'data',
          id: id.toString('hex'),
          offset: i * 100,
          length: 100,
          uncompressedLength: 200,
        });
      }
      index.addPack(p.toString(16).padStart(64, '0'), blobs);
    }
    index.compact();
    const perBlob = index.memoryBytes / count;
    expect(index.size).toBe(count);
    expect(perBlob).toBeLessThan(64);
    id.writeUInt32LE(Math.imul(123_456, 2654435761) >>> 0, 0);
    id.writeUInt32LE(123_456, 4);
    expect(index.lookup('data', id.toString('hex'))).toEqual([
      {
        type: 'data',
        id: id.toString('hex'),
        offset: 45_600,
        length: 100,
        uncompressedLength: 200,
        packId: (123).toString(16).padStart(64, '0'),
      },
    ]);
  });

  it('lists one pack’s blobs (packBlobs) as packs() does, and none for a pack it does not name', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(packId, fc.array(blob, { maxLength: 8 })), { maxLength: 10 }), (adds) => {
        const index = new MasterIndex();
        for (const [pack, blobs] of adds) index.addPack(pack, blobs);
        for (const pack of index.packs()) expect(index.packBlobs(pack.id)).toEqual(pack.blobs);
        expect(index.packBlobs('e'.repeat(64))).toEqual([]);
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corruptMessage } from '../testing/corrupt-message';
import type { PackedBlob } from './blob';
import {
  decodeIndexFile,
  encodeIndexFile,
  encodeIndexPack,
  type IndexFile,
  indexFileBytes,
} from './index-file';

const hexId = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const blob: fc.Arbitrary<PackedBlob> = fc
  .record({
    type: fc.constantFrom('data' as const, 'tree' as const),
    id: hexId,
    offset: u32,
    length: u32,
    uncompressedLength: fc.option(fc.integer({ min: 1, max: 0xffffffff }), { nil: undefined }),
  })
  .map((b) => {
    const { uncompressedLength, ...rest } = b;
    return uncompressedLength === undefined ? rest : { ...rest, uncompressedLength };
  });
const indexFile: fc.Arbitrary<IndexFile> = fc.record({
  supersedes: fc.array(hexId, { maxLength: 3 }),
  packs: fc.array(fc.record({ id: hexId, blobs: fc.array(blob, { maxLength: 5 }) }), { maxLength: 5 }),
});

describe('index files', () => {
  it('round-trip through JSON', () => {
    fc.assert(
      fc.property(indexFile, (index) => {
        const decoded = decodeIndexFile(JSON.parse(encodeIndexFile(index).toString()), 'index');
        expect(decoded).toEqual(index);
      }),
    );
  });

  it('are written in restic’s field order, supersedes and uncompressed_length only when set, newline-ended', () => {
    const a = 'a'.repeat(64);
    const p = 'b'.repeat(64);
    const text = encodeIndexFile({
      supersedes: [],
      packs: [
        {
          id: p,
          blobs: [
            { type: 'data', id: a, offset: 0, length: 40 },
            { type: 'tree', id: a, offset: 40, length: 50, uncompressedLength: 99 },
          ],
        },
      ],
    }).toString();
    expect(text).toBe(
      `{"packs":[{"id":"${p}","blobs":[{"id":"${a}","type":"data","offset":0,"length":40},` +
        `{"id":"${a}","type":"tree","offset":40,"length":50,"uncompressed_length":99}]}]}\n`,
    );
    expect(encodeIndexFile({ supersedes: [a], packs: [] }).toString()).toBe(
      `{"supersedes":["${a}"],"packs":[]}\n`,
    );
  });

  it('read the old bare-array form, ignore unknown fields, treat uncompressed_length 0 as uncompressed', () => {
    const a = 'a'.repeat(64);
    const old = [{ id: a, blobs: [{ id: a, type: 'data', offset: 0, length: 40, future: true }], extra: 1 }];
    expect(decodeIndexFile(old, 'i')).toEqual({
      supersedes: [],
      packs: [{ id: a, blobs: [{ type: 'data', id: a, offset: 0, length: 40 }] }],
    });
    const v2 = {
      packs: [{ id: a, blobs: [{ id: a, type: 'tree', offset: 5, length: 40, uncompressed_length: 0 }] }],
    };
    expect(decodeIndexFile({ ...v2, program: 'x' }, 'i').packs[0]?.blobs[0]).toEqual({
      type: 'tree',
      id: a,
      offset: 5,
      length: 40,
    });
  });

  it('reject malformed entries as CORRUPT naming the file and pack', () => {
    const a = 'a'.repeat(64);
    const good = { id: a, type: 'data', offset: 0, length: 40 };
    const bad: unknown[] = [
      'x',
      { packs: 'x' },
      { supersedes: ['nope'], packs: [] },
      { packs: [{ id: 'short', blobs: [] }] },
      { packs: [{ id: a, blobs: [{ ...good, type: 'other' }] }] },
      { packs: [{ id: a, blobs: [{ ...good, offset: -1 }] }] },
      { packs: [{ id: a, blobs: [{ ...good, length: 1.5 }] }] },
      { packs: [{ id: a, blobs: [{ ...good, id: 'A'.repeat(64) }] }] },
      { packs: [{ id: a, blobs: [{ ...good, uncompressed_length: 'x' }] }] },
    ];
    for (const json of bad)
      expect(corruptMessage(() => decodeIndexFile(json, 'index file f00'))).toContain('f00');
  });

  it('are the same bytes put together pack by pack as JSON.stringify of the whole file gives', () => {
    /** The whole-file encoding: one object for the file, stringified at once. */
    const reference = (index: IndexFile) => {
      const packs = index.packs.map((pack) => ({
        id: pack.id,
        blobs: pack.blobs.map((b) =>
          b.uncompressedLength === undefined
            ? { id: b.id, type: b.type, offset: b.offset, length: b.length }
            : {
                id: b.id,
                type: b.type,
                offset: b.offset,
                length: b.length,
                uncompressed_length: b.uncompressedLength,
              },
        ),
      }));
      const json = index.supersedes.length > 0 ? { supersedes: index.supersedes, packs } : { packs };
      return Buffer.from(`${JSON.stringify(json)}\n`);
    };
    fc.assert(
      fc.property(indexFile, (index) => {
        const bytes = indexFileBytes(index.supersedes, index.packs.map(encodeIndexPack));
        expect(bytes.equals(reference(index))).toBe(true);
        expect(encodeIndexFile(index).equals(bytes)).toBe(true);
      }),
    );
  });
});

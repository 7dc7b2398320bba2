import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../backend/memory-backend';
import { encrypt } from '../crypto/container';
import { generateMasterKey } from '../crypto/master-key';
import { idOf } from '../ids';
import { corruptMessageOf as corruptMessage } from '../testing/corrupt-message';
import type { BlobType } from './blob';
import { decodeBlob, encodeBlob } from './blob-codec';
import { compressedEntrySize, encodeHeaderEntries, packFileSize, rawEntrySize } from './pack-header';
import { readPackHeader } from './pack-reader';
import { PackWriter } from './pack-writer';

/** A finished pack with its bytes assembled, and checked to match its size and ID. */
function finishWithBytes(writer: PackWriter) {
  const finished = writer.finish();
  const bytes = Buffer.concat(finished.parts);
  expect(bytes.length).toBe(finished.size);
  expect(idOf(bytes)).toBe(finished.id);
  return { ...finished, bytes };
}

const key = generateMasterKey();

async function storedBackend(bytes: Buffer, id = idOf(bytes)) {
  const backend = new MemoryBackend();
  await backend.create();
  await backend.write({ type: 'data', name: id }, bytes);
  return { backend, id };
}

describe('pack writer and header reader', () => {
  it('round-trip: blobs ‖ encrypted header ‖ u32le length, read back from the tail with offsets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<BlobType>('data', 'tree'),
        // Up to 40 blobs: beyond restic's 15-entry eager read, so both read paths are taken.
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 600 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
        async (type, blobs) => {
          const writer = new PackWriter(key, type);
          const plaintexts = blobs.map(([pt]) => Buffer.from(pt));
          for (const [pt, compress] of blobs) writer.add(encodeBlob(key, type, pt, { compress }));
          const pack = finishWithBytes(writer);
          expect(pack.id).toBe(idOf(pack.bytes));
          expect(pack.bytes.length).toBe(packFileSize(pack.blobs));
          const headerLength = pack.bytes.readUInt32LE(pack.bytes.length - 4);
          const expectedHeader =
            32 +
            pack.blobs.reduce((n, b) => n + (b.uncompressedLength ? compressedEntrySize : rawEntrySize), 0);
          expect(headerLength).toBe(expectedHeader);
          const { backend, id } = await storedBackend(pack.bytes);
          const read = await readPackHeader(backend, key, id);
          expect(read).toEqual(pack.blobs);
          let offset = 0;
          read.forEach((blob, i) => {
            expect(blob.offset).toBe(offset);
            offset += blob.length;
            const data = pack.bytes.subarray(blob.offset, blob.offset + blob.length);
            expect(decodeBlob(key, blob, data, id)).toEqual(plaintexts[i]);
          });
          expect(writer.count).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads the header with one tail read for ≤15 entries and a second read beyond', async () => {
    for (const [count, expectedReads] of [
      [15, 1],
      [16, 2],
    ] as const) {
      const writer = new PackWriter(key, 'data');
      // Compressible blobs: 41-byte entries, the size restic's eager read is computed for.
      for (let i = 0; i < count; i++)
        writer.add(encodeBlob(key, 'data', Buffer.alloc(100, i), { compress: true }));
      const pack = finishWithBytes(writer);
      expect(pack.blobs.every((b) => b.uncompressedLength === 100)).toBe(true);
      const { backend, id } = await storedBackend(pack.bytes);
      let reads = 0;
      const read = backend.read.bind(backend);
      backend.read = (file, range) => {
        reads++;
        expect(range).toBeDefined(); // never the whole file
        return read(file, range);
      };
      expect(await readPackHeader(backend, key, id, pack.bytes.length)).toHaveLength(count);
      expect(reads).toBe(expectedReads);
    }
  });

  it('holds one blob type, reports isFull() at the target size, refuses empty packs', () => {
    const writer = new PackWriter(key, 'tree', 4096);
    expect(() => writer.add(encodeBlob(key, 'data', Buffer.from('x'), { compress: false }))).toThrow(
      /tree pack/,
    );
    expect(() => writer.finish()).toThrow(/empty/);
    while (!writer.isFull()) writer.add(encodeBlob(key, 'tree', randomBytes(1000), { compress: false }));
    expect(writer.size).toBeGreaterThanOrEqual(4096);
    expect(writer.size).toBeLessThan(4096 + 1100);
    expect(finishWithBytes(writer).bytes.length).toBeGreaterThanOrEqual(4096);
  });

  it('validates the header length, the header MAC and the pack size', async () => {
    const writer = new PackWriter(key, 'data');
    writer.add(encodeBlob(key, 'data', Buffer.from('blob one'), { compress: false }));
    writer.add(encodeBlob(key, 'data', Buffer.from('blob two'), { compress: false }));
    const pack = finishWithBytes(writer);
    const withLength = (n: number) => {
      const copy = Buffer.from(pack.bytes);
      copy.writeUInt32LE(n, copy.length - 4);
      return copy;
    };
    const cases: [Buffer, string][] = [
      [withLength(0), 'too small'],
      [withLength(31), 'too small'],
      [withLength(pack.bytes.length - 3), 'exceeds the file'],
      [withLength(0xffffffff), 'exceeds the file'],
      [withLength(pack.bytes.readUInt32LE(pack.bytes.length - 4) + 1), 'verification failed'],
      [pack.bytes.subarray(0, 20), 'too small'],
      [Buffer.concat([Buffer.from([1]), pack.bytes]), 'but the file has'],
    ];
    for (const [bytes, expected] of cases) {
      const { backend, id } = await storedBackend(bytes, pack.id);
      const message = await corruptMessage(readPackHeader(backend, key, id));
      expect(message).toContain(expected);
      expect(message).toContain(pack.id);
    }
  });

  it('rejects headers with unknown entry types or a partial entry', async () => {
    const entries = encodeHeaderEntries([{ type: 'data', id: 'a'.repeat(64), length: 40 }]);
    for (const [plaintext, expected] of [
      [Buffer.concat([entries.subarray(0, 0), Buffer.from([7]), entries.subarray(1)]), 'unknown type 7'],
      [entries.subarray(0, 30), 'ends inside entry'],
    ] as const) {
      const header = encrypt(key, plaintext);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(header.length);
      const bytes = Buffer.concat([Buffer.alloc(40), header, length]);
      const { backend, id } = await storedBackend(bytes);
      expect(await corruptMessage(readPackHeader(backend, key, id))).toContain(expected);
    }
  });

  it('hands out its blobs while it fills (takeParts): the parts taken and the rest make the same pack', async () => {
    const blobs = Array.from({ length: 9 }, () =>
      encodeBlob(key, 'data', randomBytes(5000), { compress: false }),
    );
    const writer = new PackWriter(key, 'data', 1 << 20);
    const taken: Uint8Array[] = [];
    for (const [i, blob] of blobs.entries()) {
      writer.add(blob);
      if (i % 4 === 3) {
        expect(writer.bufferedBytes).toBe(4 * blob.data.length);
        taken.push(...writer.takeParts());
        expect(writer.bufferedBytes).toBe(0);
      }
    }
    const finished = writer.finish();
    const bytes = Buffer.concat([...taken, ...finished.parts]);
    expect(bytes.length).toBe(finished.size);
    expect(idOf(bytes)).toBe(finished.id);
    const { backend, id } = await storedBackend(bytes);
    expect((await readPackHeader(backend, key, id)).map((b) => b.id)).toEqual(blobs.map((b) => b.id));
  });

  it('gives up an unfinished pack (abandon): returns its entries and starts empty', () => {
    const writer = new PackWriter(key, 'tree', 1 << 20);
    const blob = encodeBlob(key, 'tree', Buffer.from('{"nodes":[]}'), { compress: false });
    writer.add(blob);
    expect(writer.abandon().map((b) => b.id)).toEqual([blob.id]);
    expect(writer.count).toBe(0);
    expect(writer.bufferedBytes).toBe(0);
    expect(() => writer.finish()).toThrow(/empty/);
    writer.add(blob);
    expect(finishWithBytes(writer).blobs.map((b) => b.offset)).toEqual([0]);
  });
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Backend, FileDraft, FileInfo, FileType } from '../backend/backend';
import { MemoryBackend } from '../backend/memory-backend';
import { generateMasterKey, type MasterKey } from '../crypto/master-key';
import { EngineError } from '../errors';
import { idOf } from '../ids';
import type { EncodedBlob } from './blob';
import { encodeBlob } from './blob-codec';
import { BlobSaver } from './blob-saver';
import { MasterIndex } from './master-index';
import { readPackHeader } from './pack-reader';

const MiB = 1024 * 1024;

/** A memory backend whose drafts are counted and can be made to fail; `drafts: false` hides them. */
function backendWith(options: { drafts: boolean }) {
  const backend = new MemoryBackend();
  const state = { appends: 0, appendedBytes: 0, failNextAppend: false, aborted: 0 };
  if (!options.drafts) {
    (backend as { startFile?: unknown }).startFile = undefined;
    return { backend: backend as Backend, state };
  }
  const startFile = backend.startFile.bind(backend);
  backend.startFile = async (type: FileType): Promise<FileDraft> => {
    const draft = await startFile(type);
    return {
      append: async (data) => {
        if (state.failNextAppend) {
          state.failNextAppend = false;
          throw new EngineError('NO_SPACE', 'disk full');
        }
        state.appends++;
        for (const part of data) state.appendedBytes += part.length;
        await draft.append(data);
      },
      commit: (file) => draft.commit(file),
      abort: async () => {
        state.aborted++;
        await draft.abort();
      },
    };
  };
  return { backend: backend as Backend, state };
}

async function files(backend: Backend, type: FileType): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  for await (const file of backend.list(type)) out.push(file);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Blobs encoded once, so both savers below store exactly the same bytes. */
function encodedBlobs(key: MasterKey, count: number, size: number): EncodedBlob[] {
  return Array.from({ length: count }, () => encodeBlob(key, 'data', randomBytes(size), { compress: true }));
}

describe('BlobSaver with a backend that stages files (drafts)', () => {
  it('writes packs while they fill: the same blobs at the same offsets as packs written whole, valid packs', async () => {
    const key = generateMasterKey();
    const blobs = encodedBlobs(key, 24, 300 * 1024); // ~7 MiB: two 4 MiB packs
    const results = [];
    for (const drafts of [true, false]) {
      const { backend, state } = backendWith({ drafts });
      await backend.create();
      const index = new MasterIndex();
      const saver = new BlobSaver(backend, key, index, { version: 2, packTargetSize: 4 * MiB });
      for (const blob of blobs) expect(await saver.saveEncoded(blob)).toBe(true);
      await saver.flush();
      const packs = await files(backend, 'data');
      const layouts = [];
      for (const pack of packs) {
        const bytes = await backend.read(pack);
        expect(idOf(bytes)).toBe(pack.name); // named by the hash of what was written
        const header = await readPackHeader(backend, key, pack.name);
        expect(header).toEqual(index.packBlobs(pack.name));
        const dataEnd = Math.max(...header.map((b) => b.offset + b.length));
        layouts.push({ header, data: bytes.subarray(0, dataEnd) });
      }
      // Listed by pack ID, which depends on the header's random nonce: order them by their first blob.
      layouts.sort((a, b) => (a.header[0]?.id ?? '').localeCompare(b.header[0]?.id ?? ''));
      results.push({ state, packs, layouts, indexed: index.size });
    }
    const [streamed, whole] = results;
    // The headers are encrypted with fresh nonces (so the pack IDs differ); everything before them is the same.
    expect(streamed?.layouts.map((l) => l.header)).toEqual(whole?.layouts.map((l) => l.header));
    expect(
      streamed?.layouts.map((l, i) => l.data.equals(whole?.layouts[i]?.data ?? Buffer.alloc(0))),
    ).toEqual([true, true]);
    expect(streamed?.indexed).toBe(24);
    expect(whole?.state.appends).toBe(0);
    // Each pack went out in about-a-megabyte appends, not in one piece at the end.
    expect(streamed?.state.appends).toBeGreaterThanOrEqual(6);
    const total = (streamed?.packs ?? []).reduce((sum, pack) => sum + pack.size, 0);
    expect(streamed?.state.appendedBytes).toBe(total);
  });

  it('loses only the pack whose append failed: its blobs are forgotten and stored again', async () => {
    const key = generateMasterKey();
    const { backend, state } = backendWith({ drafts: true });
    await backend.create();
    const index = new MasterIndex();
    const saver = new BlobSaver(backend, key, index, { version: 2, packTargetSize: 4 * MiB });
    const blobs = encodedBlobs(key, 8, 300 * 1024);
    for (const blob of blobs.slice(0, 3)) await saver.saveEncoded(blob);
    state.failNextAppend = true;
    // The fourth blob brings the pack past the append threshold: the append fails, the pack is given up.
    await expect(saver.saveEncoded(blobs[3] as EncodedBlob)).rejects.toMatchObject({ code: 'NO_SPACE' });
    expect(state.aborted).toBe(1);
    for (const blob of blobs.slice(0, 4)) expect(saver.has('data', blob.id)).toBe(false);
    for (const blob of blobs) expect(await saver.saveEncoded(blob)).toBe(true);
    await saver.flush();
    expect(index.size).toBe(8);
    const stored = await files(backend, 'data');
    expect(stored).toHaveLength(1);
    expect((await files(backend, 'index')).length).toBe(1);
    // The pack holds each blob once: the lost pack's blobs were not left behind in it.
    expect(
      index
        .packBlobs(stored[0]?.name ?? '')
        .map((b) => b.id)
        .sort(),
    ).toEqual(blobs.map((b) => b.id).sort());
  });
});

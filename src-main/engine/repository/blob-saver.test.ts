import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileHandle, WriteData } from '../backend/backend';
import { MemoryBackend } from '../backend/memory-backend';
import { generateMasterKey } from '../crypto/master-key';
import { EngineError } from '../errors';
import { BlobSaver } from './blob-saver';
import { MasterIndex } from './master-index';

/** A backend whose data writes take a while and can be made to fail; it records how many overlap. */
function slowBackend(parallelWrites?: number) {
  const backend = new MemoryBackend();
  Object.assign(backend, { parallelWrites });
  const write = backend.write.bind(backend);
  // failWrite: the number of the one data write (counting from 1) that fails; 0 = none.
  const state = { inFlight: 0, maxInFlight: 0, dataWrites: 0, started: 0, fail: false, failWrite: 0 };
  backend.write = async (file: FileHandle, data: WriteData) => {
    if (file.type !== 'data') return write(file, data);
    state.inFlight++;
    const number = ++state.started;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (state.fail || number === state.failWrite) throw new EngineError('NO_SPACE', 'disk full');
      state.dataWrites++;
      return await write(file, data);
    } finally {
      state.inFlight--;
    }
  };
  return { backend, state };
}

async function setUp(parallelWrites?: number) {
  const { backend, state } = slowBackend(parallelWrites);
  await backend.create();
  const index = new MasterIndex();
  const saver = new BlobSaver(backend, generateMasterKey(), index, { version: 2, packTargetSize: 64 * 1024 });
  return { backend, state, index, saver };
}

describe('BlobSaver pack writes', () => {
  it('keeps two pack writes in flight, never more, and indexes every pack', async () => {
    const { state, index, saver } = await setUp();
    const blobs = Array.from({ length: 40 }, () => randomBytes(20 * 1024)); // incompressible: 4 per pack
    for (const blob of blobs) await saver.saveBlob('data', blob);
    await saver.flush();
    expect(state.maxInFlight).toBe(2);
    expect(state.dataWrites).toBe(10);
    expect(index.packCount).toBe(state.dataWrites);
    expect(index.size).toBe(40);
  });

  it('reports a failed background write once, forgets its blobs, and stores them again later', async () => {
    const { backend, state, index, saver } = await setUp();
    state.fail = true;
    const blobs = Array.from({ length: 8 }, () => randomBytes(20 * 1024));
    let reported: unknown;
    try {
      for (const blob of blobs) await saver.saveBlob('data', blob);
      await saver.flush();
    } catch (error) {
      reported = error;
    }
    expect(reported).toMatchObject({ code: 'NO_SPACE' });
    await saver.flush().catch(() => undefined); // a second failure of the unfinished pack may still come
    state.fail = false;
    for (const blob of blobs) expect((await saver.saveBlob('data', blob)).stored).toBe(true);
    await saver.flush();
    expect(index.size).toBe(8);
    let indexFiles = 0;
    for await (const _ of backend.list('index')) indexFiles++;
    expect(indexFiles).toBe(1); // only the successful packs were ever indexed
  });

  it('keeps as many pack writes in flight as the backend asks for, never more, and each pack lands intact', async () => {
    const { backend, state, index, saver } = await setUp(5);
    const blobs = Array.from({ length: 80 }, () => randomBytes(20 * 1024));
    for (const blob of blobs) await saver.saveBlob('data', blob);
    await saver.flush();
    expect(state.maxInFlight).toBe(5);
    expect(state.dataWrites).toBe(20);
    expect(index.packCount).toBe(20);
    expect(index.size).toBe(80);
    // A pack's name is the SHA-256 of its bytes: writes in flight together did not mix up their parts.
    for await (const pack of backend.list('data')) {
      const bytes = await backend.read(pack);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(pack.name);
    }
  });

  it('reports the one failed write among many in flight, and indexes the packs that were written', async () => {
    const { backend, state, index, saver } = await setUp(5);
    state.failWrite = 3;
    const blobs = Array.from({ length: 40 }, () => randomBytes(20 * 1024));
    let reported: unknown;
    for (const blob of blobs) {
      try {
        await saver.saveBlob('data', blob);
      } catch (error) {
        reported ??= error;
      }
    }
    try {
      await saver.flush();
    } catch (error) {
      reported ??= error;
    }
    expect(reported).toMatchObject({ code: 'NO_SPACE' });
    await saver.flush(); // reported once: nothing more fails
    expect(state.started).toBe(10);
    expect(index.packCount).toBe(9);
    expect(index.size).toBe(36);
    let packs = 0;
    for await (const _ of backend.list('data')) packs++;
    expect(packs).toBe(9);
  });
});

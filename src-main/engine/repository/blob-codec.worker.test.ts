/**
 * The codec in worker threads, loaded the way the app ships it: bundled by vite into CommonJS with packages left
 * external — which also proves that each worker finds and loads its own instance of the native hotpath addon
 * (Poly1305) from the bundle's location.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../backend/memory-backend';
import { generateMasterKey } from '../crypto/master-key';
import { idOf } from '../ids';
import type { BlobType, EncodedBlob } from './blob';
import { decodeBlob } from './blob-codec';
import { readPackHeader } from './pack-reader';
import { PackWriter } from './pack-writer';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '../../..');
let outDir = '';
let workerFile = '';

beforeAll(async () => {
  // Inside the project (in the git-ignored .bm-tmp/) so the bundle resolves node_modules like the real build.
  await mkdir(path.join(projectRoot, '.bm-tmp'), { recursive: true });
  outDir = await mkdtemp(path.join(projectRoot, '.bm-tmp', 'codec-worker-'));
  await build({
    configFile: false,
    logLevel: 'silent',
    root: projectRoot,
    build: {
      ssr: path.join(here, 'blob-codec.worker-fixture.ts'),
      outDir,
      target: 'node20',
      minify: false,
      rolldownOptions: { output: { format: 'cjs', entryFileNames: 'worker.cjs' } },
    },
  });
  workerFile = path.join(outDir, 'worker.cjs');
}, 60_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

function encodeInWorker(job: unknown): Promise<EncodedBlob[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: job });
    worker.once('message', (blobs: EncodedBlob[]) => resolve(blobs));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}`));
    });
  });
}

describe('blob codec in worker threads', () => {
  it('the CommonJS bundle requires zstd-napi as an external package and carries no JavaScript Poly1305', async () => {
    const bundle = await readFile(workerFile, 'utf8');
    expect(bundle).toContain('require("zstd-napi")');
    // Poly1305 is the hotpath addon's, found at run time next to the build (hotpath-addon.ts), not a JS package.
    expect(bundle).not.toContain('@noble/ciphers');
    expect(bundle).toContain('hotpath.node');
  });

  it('blobs encoded in two parallel workers decode and pack in the main thread', async () => {
    const key = generateMasterKey();
    const make = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        type: 'data' as BlobType,
        plaintext: i % 2 === 0 ? randomBytes(5000) : Buffer.from(`compressible ${i} `.repeat(400)),
      }));
    const jobs = [make(20), make(20)];
    const results = await Promise.all(jobs.map((blobs) => encodeInWorker({ key, blobs })));
    const writer = new PackWriter(key, 'data');
    results.forEach((encoded, j) => {
      expect(encoded).toHaveLength(20);
      encoded.forEach((blob, i) => {
        const plaintext = jobs[j]?.[i]?.plaintext ?? Buffer.alloc(0);
        expect(blob.id).toBe(idOf(plaintext));
        expect(blob.uncompressedLength !== undefined).toBe(i % 2 === 1);
        writer.add(blob);
      });
    });
    const finished = writer.finish();
    const pack = { ...finished, bytes: Buffer.concat(finished.parts) };
    const backend = new MemoryBackend();
    await backend.create();
    await backend.write({ type: 'data', name: pack.id }, pack.bytes);
    const entries = await readPackHeader(backend, key, pack.id);
    const expected = jobs.flat();
    entries.forEach((entry, i) => {
      const data = pack.bytes.subarray(entry.offset, entry.offset + entry.length);
      expect(decodeBlob(key, entry, data, pack.id)).toEqual(Buffer.from(expected[i]?.plaintext ?? []));
    });
  });
});

/**
 * Several pack uploads in flight at once against a real S3 server, Ceph's RADOS Gateway (one cluster for this
 * file): the backend asks the blob saver for `parallelWrites` of them, each lands whole under its own name, and
 * the saver never has more in flight than that.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateMasterKey } from '../crypto/master-key';
import { BlobSaver } from '../repository/blob-saver';
import { MasterIndex } from '../repository/master-index';
import { haveCeph } from '../testing/ceph-rgw-server';
import { cephRgwFixture } from '../testing/s3-testing';
import type { FileHandle, WriteData } from './backend';

const s3 = cephRgwFixture('S3 backend, parallel uploads');

describe.runIf(haveCeph)('S3 backend with uploads in flight together, on a real Ceph RADOS Gateway', () => {
  it('uploads up to parallelWrites packs at once, each intact, never more', async () => {
    const backend = s3.backendAt('parallel', 'repo', { parallelWrites: 3 });
    await backend.create();
    expect(backend.parallelWrites).toBe(3);
    // Counts the uploads in flight; a short pause before each makes them overlap however fast the server is.
    const write = backend.write.bind(backend);
    const seen = { inFlight: 0, max: 0 };
    backend.write = async (file: FileHandle, data: WriteData) => {
      seen.inFlight++;
      seen.max = Math.max(seen.max, seen.inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return await write(file, data);
      } finally {
        seen.inFlight--;
      }
    };
    const index = new MasterIndex();
    const saver = new BlobSaver(backend, generateMasterKey(), index, {
      version: 2,
      packTargetSize: 1024 * 1024,
    });
    // Incompressible, 4 blobs a pack: 12 packs, each of many pieces (blobs and header) streamed in one PUT.
    for (let i = 0; i < 48; i++) await saver.saveBlob('data', randomBytes(256 * 1024));
    await saver.flush();
    expect(seen.max).toBe(3);
    expect(index.packCount).toBe(12);
    let packs = 0;
    for await (const pack of backend.list('data')) {
      packs++;
      // Named by the SHA-256 of its bytes: no upload got another's parts or lost some.
      const bytes = await backend.read(pack);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(pack.name);
    }
    expect(packs).toBe(12);
    await backend.close();
  });

  it('asks for 4 uploads in flight by default', async () => {
    const backend = s3.backendAt('parallel', 'default');
    expect(backend.parallelWrites).toBe(4);
    await backend.close();
  });
});

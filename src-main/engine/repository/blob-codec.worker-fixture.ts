/**
 * Worker-thread entry for blob-codec.worker.test.ts: encodes the blobs it is given with the master key it is
 * given, the way the archiver's workers will, and posts the encoded blobs back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MasterKey } from '../crypto/master-key';
import type { BlobType } from './blob';
import { encodeBlob } from './blob-codec';

interface Job {
  key: MasterKey;
  blobs: { type: BlobType; plaintext: Uint8Array }[];
}

const job = workerData as Job;
parentPort?.postMessage(job.blobs.map((b) => encodeBlob(job.key, b.type, b.plaintext, { compress: true })));

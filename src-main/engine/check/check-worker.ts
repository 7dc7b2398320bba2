/**
 * Worker side of the data check (role `check`): the CPU work of `check --read-data` — SHA-256 of the pack,
 * decrypting its header, and for every blob decrypt, decompress and SHA-256 against the blob ID — so the main
 * thread only reads packs and keeps the books. Every failure becomes a coded problem in the reply; nothing a
 * damaged or hostile pack holds can throw out of a job. Buffers are sized by the pack's real bytes, never by a
 * length the index or header claims.
 */
import { createHash } from 'node:crypto';
import { EngineError } from '../errors';
import { createGarbagePacer, type GarbagePacer } from '../parallel/garbage-collector';
import type { WorkerHandler } from '../parallel/worker-channel';
import type { PackedBlob } from '../repository/blob';
import { decodeBlob } from '../repository/blob-codec';
import type { BlobFailure, CheckWorkerInit, CodedProblem, VerifyJob, VerifyReply } from './check-protocol';
import { decodePackHeader, headerIndexDifferences, headerLocation } from './pack-layout';

function problemOf(error: unknown, what: string): CodedProblem {
  if (error instanceof EngineError) {
    return {
      code: error.code,
      message: error.message.includes(what) ? error.message : `${what}: ${error.message}`,
    };
  }
  // Not an engine error (a bug, or a native failure): still a problem of this pack, not a dead worker.
  return { code: 'CORRUPT', message: `${what}: ${error instanceof Error ? error.message : String(error)}` };
}

/** The header checks of a whole pack. */
function headerProblems(init: CheckWorkerInit, job: VerifyJob, data: Buffer): CodedProblem[] {
  const what = `pack ${job.packId}`;
  try {
    const lengthField = data.length >= 4 ? data.readUInt32LE(data.length - 4) : 0;
    const location = headerLocation(lengthField, data.length, what);
    const encrypted = data.subarray(location.offset, location.offset + location.length);
    const header = decodePackHeader(init.key, encrypted, data.length, what);
    return headerIndexDifferences(header, job.blobs).map((difference) => ({
      code: 'CORRUPT',
      message: `${what}: ${difference}`,
    }));
  } catch (error) {
    return [problemOf(error, what)];
  }
}

/** Verifies one blob; returns the bytes its decoding allocated (and dropped). */
function verifyBlob(init: CheckWorkerInit, job: VerifyJob, data: Buffer, blob: PackedBlob): number {
  const start = blob.offset - job.dataOffset;
  const end = start + blob.length;
  if (start < 0 || end > data.length) {
    throw new EngineError(
      'CORRUPT',
      `${blob.type} blob ${blob.id} in pack ${job.packId}: the index places it at ${blob.offset}+${blob.length}, beyond the end of the pack`,
    );
  }
  // Transient: only the verdict is kept. What is left dead is the decrypted payload (the decompressed plaintext
  // is in the reused scratch buffer).
  decodeBlob(init.key, blob, data.subarray(start, end), job.packId, { transient: true });
  return blob.length;
}

/**
 * Verifies the job's blobs, telling `pacer` about the buffers each one's decoding left dead (a 16 MiB pack
 * decodes into as many megabytes again, which would otherwise pile up until the job ends). For a whole pack, the pack's SHA-256 is computed along the way, each blob's bytes
 * hashed just before the blob is decrypted — so every byte of the pack comes from memory once and is still in
 * the CPU cache for the MAC, the decryption and the decompression (hashing the whole pack first, then decoding,
 * read 16 MiB from memory twice).
 */
export function runVerifyJob(init: CheckWorkerInit, job: VerifyJob, pacer?: GarbagePacer): VerifyReply {
  const data = Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength);
  const reply: VerifyReply = { t: 'done', job: job.job, headerProblems: [], blobFailures: [] };
  const packHash = job.whole ? createHash('sha256') : null;
  let hashedUpTo = 0;
  job.blobs.forEach((blob, index) => {
    const end = blob.offset - job.dataOffset + blob.length;
    if (packHash !== null && end > hashedUpTo && end <= data.length) {
      packHash.update(data.subarray(hashedUpTo, end));
      hashedUpTo = end;
    }
    try {
      pacer?.note(verifyBlob(init, job, data, blob));
    } catch (error) {
      const failure: BlobFailure = {
        blob: index,
        ...problemOf(error, `${blob.type} blob ${blob.id} in pack ${job.packId}`),
      };
      reply.blobFailures.push(failure);
    }
  });
  if (packHash !== null) {
    reply.hash = packHash.update(data.subarray(hashedUpTo)).digest('hex');
    reply.headerProblems = headerProblems(init, job, data);
  }
  return reply;
}

export function createCheckWorker(
  rawInit: unknown,
  post: (message: VerifyReply, transfer?: ArrayBuffer[]) => void,
): WorkerHandler {
  const init = rawInit as CheckWorkerInit;
  // Young collections every 4 MiB of decoded blobs: each blob's decrypted copy is dead as soon as it is used.
  const pacer = createGarbagePacer(48 * 1024 * 1024, 4 * 1024 * 1024);
  return {
    onMessage(raw) {
      const job = raw as VerifyJob;
      const reply = runVerifyJob(init, job, pacer);
      // The pack's buffer goes back to the main thread, which reads the next pack into it: no pack-sized buffer
      // is left here for the collector, and none has to be faulted in afresh there.
      reply.data = job.data;
      post(reply, [job.data.buffer as ArrayBuffer]);
    },
  };
}

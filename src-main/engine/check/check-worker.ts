/**
 * Worker side of the data check (role `check`): the CPU work of `check --read-data` — SHA-256 of the pack,
 * decrypting its header, and for every blob decrypt, decompress and SHA-256 against the blob ID — so the main
 * thread only reads packs and keeps the books. Every failure becomes a coded problem in the reply; nothing a
 * damaged or hostile pack holds can throw out of a job. Buffers are sized by the pack's real bytes, never by a
 * length the index or header claims.
 */
import { createHash } from 'node:crypto';
import { EngineError } from '../errors';
import { createGarbagePacer } from '../parallel/garbage-collector';
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

function verifyBlob(init: CheckWorkerInit, job: VerifyJob, data: Buffer, blob: PackedBlob): void {
  const start = blob.offset - job.dataOffset;
  const end = start + blob.length;
  if (start < 0 || end > data.length) {
    throw new EngineError(
      'CORRUPT',
      `${blob.type} blob ${blob.id} in pack ${job.packId}: the index places it at ${blob.offset}+${blob.length}, beyond the end of the pack`,
    );
  }
  decodeBlob(init.key, blob, data.subarray(start, end), job.packId);
}

/**
 * Verifies the job's blobs. For a whole pack, the pack's SHA-256 is computed along the way, each blob's bytes
 * hashed just before the blob is decrypted — so every byte of the pack comes from memory once and is still in
 * the CPU cache for the MAC, the decryption and the decompression (hashing the whole pack first, then decoding,
 * read 16 MiB from memory twice).
 */
export function runVerifyJob(init: CheckWorkerInit, job: VerifyJob): VerifyReply {
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
      verifyBlob(init, job, data, blob);
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
  const pacer = createGarbagePacer();
  return {
    onMessage(raw) {
      const job = raw as VerifyJob;
      post(runVerifyJob(init, job));
      // The pack's bytes and the decoded copies of its blobs are garbage now. Only the pack is counted: the
      // pacer's forced collections (and malloc trims) after every pack cost more CPU than the memory they saved.
      pacer.note(job.data.byteLength);
    },
  };
}

/**
 * Worker side of the data check (role `check`): the CPU work of `check --read-data` — SHA-256 of the pack,
 * decrypting its header, and for every blob decrypt, decompress and SHA-256 against the blob ID — so the main
 * thread only reads packs and keeps the books. Every failure becomes a coded problem in the reply; nothing a
 * damaged or hostile pack holds can throw out of a job. Buffers are sized by the pack's real bytes, never by a
 * length the index or header claims.
 */
import { createHash, type Hash } from 'node:crypto';
import { EngineError } from '../errors';
import type { Id } from '../ids';
import { createGarbagePacer, type GarbagePacer } from '../parallel/garbage-collector';
import type { WorkerHandler } from '../parallel/worker-channel';
import type { PackedBlob } from '../repository/blob';
import { decodeBlob } from '../repository/blob-codec';
import type {
  BlobFailure,
  CheckWorkerInit,
  CodedProblem,
  PackPart,
  VerifyJob,
  VerifyReply,
} from './check-protocol';
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

/**
 * The header checks, from the last part of a pack: its header as the index entries of the pack. `headerBefore`
 * when the header (as the length field places it) begins before this window, or the window does not even hold
 * the length field: the main thread then reads the header as the structure check does.
 */
function checkHeader(
  init: CheckWorkerInit,
  job: VerifyJob,
  part: PackPart,
  data: Buffer,
): { problems: CodedProblem[]; headerBefore?: boolean } {
  const what = `pack ${job.packId}`;
  // A last window shorter than the length field (tiny windows): the main thread reads the header.
  if (data.length < 4) return { problems: [], headerBefore: true };
  try {
    const location = headerLocation(data.readUInt32LE(data.length - 4), part.packSize, what);
    const start = location.offset - job.dataOffset;
    if (start < 0) return { problems: [], headerBefore: true };
    const header = decodePackHeader(
      init.key,
      data.subarray(start, start + location.length),
      part.packSize,
      what,
    );
    const problems = headerIndexDifferences(header, part.packBlobs ?? []).map((difference) => ({
      code: 'CORRUPT' as const,
      message: `${what}: ${difference}`,
    }));
    return { problems };
  } catch (error) {
    return { problems: [problemOf(error, what)] };
  }
}

/**
 * Verifies one blob — in place (decrypted over its stored bytes, see decodeBlob) when `inPlace` — and returns the
 * bytes its decoding allocated (and dropped).
 */
function verifyBlob(
  init: CheckWorkerInit,
  job: VerifyJob,
  data: Buffer,
  blob: PackedBlob,
  inPlace: boolean,
): number {
  const start = blob.offset - job.dataOffset;
  const end = start + blob.length;
  if (start < 0 || end > data.length) {
    throw new EngineError(
      'CORRUPT',
      `${blob.type} blob ${blob.id} in pack ${job.packId}: the index places it at ${blob.offset}+${blob.length}, beyond the end of the pack`,
    );
  }
  // Transient: only the verdict is kept. The decompressed plaintext is in the reused scratch buffer; the decrypted
  // payload is either over the stored bytes (in place) or a buffer left dead.
  decodeBlob(init.key, blob, data.subarray(start, end), job.packId, { transient: true, inPlace });
  return inPlace ? 0 : blob.length;
}

/** The hash of the pack a worker is reading part by part (one at a time: its parts arrive in order). */
export interface PackHashState {
  packId: Id | null;
  hash: Hash | null;
}

export function newPackHashState(): PackHashState {
  return { packId: null, hash: null };
}

/**
 * Verifies the job's blobs, telling `pacer` about the buffers each one's decoding left dead. For a part of a pack,
 * its bytes are hashed along the way, each blob's bytes just before the blob is decrypted — so every byte comes
 * from memory once and is still in the CPU cache for the MAC, the decryption and the decompression.
 *
 * The header is checked first, then the blobs are decrypted in place — the buffer is the job's, and its bytes
 * are hashed before — except a blob overlapping one decrypted already (entries only a damaged or hostile index
 * has): that one is decoded into a buffer of its own.
 */
export function runVerifyJob(
  init: CheckWorkerInit,
  job: VerifyJob,
  hashing: PackHashState,
  pacer?: GarbagePacer,
): VerifyReply {
  const data = Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength);
  const reply: VerifyReply = { t: 'done', job: job.job, headerProblems: [], blobFailures: [] };
  const { part } = job;
  let packHash: Hash | null = null;
  if (part !== undefined) {
    if (part.first || hashing.packId !== job.packId || hashing.hash === null) {
      hashing.packId = job.packId;
      hashing.hash = createHash('sha256');
    }
    packHash = hashing.hash;
    if (part.last) {
      const header = checkHeader(init, job, part, data);
      reply.headerProblems = header.problems;
      if (header.headerBefore) reply.headerBefore = true;
    }
  }
  let hashedUpTo = 0;
  let decryptedUpTo = 0;
  job.blobs.forEach((blob, index) => {
    const start = blob.offset - job.dataOffset;
    const end = start + blob.length;
    if (packHash !== null && end > hashedUpTo && end <= data.length) {
      packHash.update(data.subarray(hashedUpTo, end));
      hashedUpTo = end;
    }
    const inPlace = start >= decryptedUpTo;
    if (inPlace) decryptedUpTo = end;
    try {
      pacer?.note(verifyBlob(init, job, data, blob, inPlace));
    } catch (error) {
      const failure: BlobFailure = {
        blob: index,
        ...problemOf(error, `${blob.type} blob ${blob.id} in pack ${job.packId}`),
      };
      reply.blobFailures.push(failure);
    }
  });
  if (packHash !== null) {
    packHash.update(data.subarray(hashedUpTo));
    if (part?.last) {
      reply.hash = packHash.digest('hex');
      hashing.packId = null;
      hashing.hash = null;
    }
  }
  return reply;
}

export function createCheckWorker(
  rawInit: unknown,
  post: (message: VerifyReply, transfer?: ArrayBuffer[]) => void,
): WorkerHandler {
  const init = rawInit as CheckWorkerInit;
  // Young collections every 4 MiB of blobs decoded into buffers of their own (not in place): each one is dead as
  // soon as it is used.
  const pacer = createGarbagePacer(48 * 1024 * 1024, 4 * 1024 * 1024);
  const hashing = newPackHashState();
  return {
    onMessage(raw) {
      const job = raw as VerifyJob;
      const reply = runVerifyJob(init, job, hashing, pacer);
      // The window's buffer goes back to the main thread, which reads the next window into it: nothing
      // window-sized is left here for the collector, and nothing has to be faulted in afresh there.
      reply.data = job.data;
      post(reply, [job.data.buffer as ArrayBuffer]);
    },
  };
}

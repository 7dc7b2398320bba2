/**
 * zstd for blobs and unpacked files, as restic v2 uses it: one frame per blob, level 3 (≈ restic's
 * `SpeedDefault`), no frame checksum (the container's MAC and the blob's SHA-256 already cover integrity).
 *
 * zstd-napi's contexts are native objects bound to the thread that created them; this module creates its own
 * lazily, per module instance — and every worker thread loads its own module instance — so nothing is shared
 * between threads.
 */

import { Compressor } from 'zstd-napi';
import { CCtx, CParameter, compressBound, DCtx, ResetDirective } from 'zstd-napi/binding';
import { EngineError } from '../errors';
import { discardBuffer } from '../parallel/garbage-collector';

export const zstdLevel = 3;
/**
 * Cap on decompressed output: unpacked files (index, snapshot) have no declared length, and a blob's declared
 * length comes from an index that may be damaged. restic's largest blobs (huge directories' trees) stay far below.
 */
export const defaultMaxDecompressedLength = 1024 * 1024 * 1024;
/** Output chunk size for frames that do not declare their content size. */
const streamChunk = 1 << 20;

let compressor: Compressor | undefined;
let decompressionContext: DCtx | undefined;

export function compressZstd(data: Uint8Array): Buffer {
  if (compressor === undefined) {
    compressor = new Compressor();
    compressor.setParameters({ compressionLevel: zstdLevel, checksumFlag: false, contentSizeFlag: true });
  }
  return compressor.compress(data);
}

let prefixedContext: CCtx | undefined;

/**
 * `prefix` ‖ zstd(`data`) in one buffer, compressed straight into place: an unpacked file is a marker byte and the
 * compressed JSON, and the JSON of a large index is megabytes — compressing into a buffer of its own (zstd-napi
 * trims that by copying) and then copying it behind the marker held it three times. The buffer is sized for the
 * worst case; only the compressed bytes are ever touched, so the rest costs no memory once it is mapped on its
 * own (large buffers are, see parallel/garbage-collector.ts).
 */
export function compressZstdPrefixed(data: Uint8Array, prefix: Uint8Array): Buffer {
  if (prefixedContext === undefined) {
    prefixedContext = new CCtx();
    prefixedContext.setParameter(CParameter.compressionLevel, zstdLevel);
    prefixedContext.setParameter(CParameter.checksumFlag, 0);
    prefixedContext.setParameter(CParameter.contentSizeFlag, 1);
  }
  const out = Buffer.allocUnsafe(prefix.length + compressBound(data.length));
  out.set(prefix, 0);
  const length = prefixedContext.compress2(out.subarray(prefix.length), data);
  return out.subarray(0, prefix.length + length);
}

let scratchContext: CCtx | undefined;
let scratch: Buffer | undefined;

/**
 * zstd of `data` as a view into this thread's scratch buffer, valid only until the next call: for callers that
 * use the bytes at once (blob encoding encrypts them immediately). Compressing a few GB of chunks into fresh
 * buffers meant a fresh, page-faulted allocation per chunk (two when zstd-napi trims its output); this reuses
 * one buffer, grown to the largest chunk seen.
 */
export function compressZstdTransient(data: Uint8Array): Buffer {
  if (scratchContext === undefined) {
    scratchContext = new CCtx();
    // The same frame parameters as compressZstd's Compressor.
    scratchContext.setParameter(CParameter.compressionLevel, zstdLevel);
    scratchContext.setParameter(CParameter.checksumFlag, 0);
    scratchContext.setParameter(CParameter.contentSizeFlag, 1);
  }
  const bound = compressBound(data.length);
  if (scratch === undefined || scratch.length < bound) scratch = Buffer.allocUnsafeSlow(bound);
  const length = scratchContext.compress2(scratch, data);
  return scratch.subarray(0, length);
}

/** Largest output kept in the per-thread decompression scratch; larger frames get a buffer of their own. */
const maxScratchOutput = 16 * 1024 * 1024;
let decompressScratch: Buffer | undefined;

/**
 * Like decompressZstd with a known length, but the result is a view into this thread's scratch buffer, valid only
 * until the next call: for callers that use the plaintext at once (checking a blob, writing it into a file). A
 * check or restore decompresses gigabytes blob by blob; a fresh buffer for each one is memory that stays
 * resident until the next collection.
 */
export function decompressZstdTransient(data: Uint8Array, options: DecompressOptions): Buffer {
  const { expectedLength } = options;
  if (
    expectedLength === undefined ||
    !Number.isSafeInteger(expectedLength) ||
    expectedLength > maxScratchOutput
  ) {
    return decompressZstd(data, options);
  }
  if (decompressScratch === undefined || decompressScratch.length < expectedLength) {
    // The outgrown one is dead: its pages go now rather than at V8's next collection. Power-of-two sizes, so a
    // thread grows its scratch a few times, not once per larger blob.
    if (decompressScratch !== undefined) discardBuffer(decompressScratch);
    decompressScratch = Buffer.allocUnsafeSlow(
      2 ** Math.ceil(Math.log2(Math.max(expectedLength, 1024 * 1024))),
    );
  }
  return decompressZstd(data, { ...options, into: decompressScratch });
}

export interface DecompressOptions {
  /** Names the object for error messages (e.g. "blob 1a2b… in pack 3c4d…"). */
  what: string;
  /** The length the caller knows the output must have (from the index / pack header). */
  expectedLength?: number;
  /** Upper bound on the output when the length is not known in advance. */
  maxLength?: number;
  /** With `expectedLength`: decode into this buffer (at least that long) and return a view of it. */
  into?: Buffer;
}

/**
 * Decompresses zstd frame(s). With `expectedLength`, output of any other length is CORRUPT and no more than that
 * is ever allocated; without it, output is capped at `maxLength`. Any decoding failure is CORRUPT naming `what`.
 */
export function decompressZstd(data: Uint8Array, options: DecompressOptions): Buffer {
  const { what, expectedLength } = options;
  const maxLength = options.maxLength ?? defaultMaxDecompressedLength;
  decompressionContext ??= new DCtx();
  const dctx = decompressionContext;
  if (expectedLength !== undefined) {
    if (!Number.isSafeInteger(expectedLength) || expectedLength < 0 || expectedLength > maxLength) {
      throw new EngineError('CORRUPT', `${what}: implausible uncompressed length ${expectedLength}`);
    }
    // Decode straight into a buffer of the expected size: a frame that would produce more fails inside zstd
    // ("destination buffer too small"), one that produces less is caught below.
    const out =
      options.into !== undefined && options.into.length >= expectedLength
        ? options.into.subarray(0, expectedLength)
        : Buffer.allocUnsafe(expectedLength);
    const produced = runZstd(what, () => dctx.decompress(out, data));
    if (produced !== expectedLength) {
      throw new EngineError(
        'CORRUPT',
        `${what}: decompressed to ${produced} bytes, expected ${expectedLength}`,
      );
    }
    return out;
  }
  return decompressStreaming(dctx, data, what, maxLength);
}

/** Length unknown (or not declared in the frame): decode in chunks so a hostile frame cannot exceed the cap. */
function decompressStreaming(dctx: DCtx, data: Uint8Array, what: string, maxLength: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let input = data;
  let pending = 1;
  // Reset so a frame left unfinished by an earlier failed call cannot leak into this one.
  runZstd(what, () => dctx.reset(ResetDirective.sessionOnly));
  while (input.length > 0 || pending !== 0) {
    const out = Buffer.allocUnsafe(streamChunk);
    const [remaining, produced, consumed] = runZstd(what, () => dctx.decompressStream(out, input));
    input = input.subarray(consumed);
    pending = remaining;
    total += produced;
    if (total > maxLength) {
      throw new EngineError('CORRUPT', `${what}: decompresses to more than ${maxLength} bytes`);
    }
    if (produced > 0) chunks.push(out.subarray(0, produced));
    if (produced === 0 && consumed === 0) {
      throw new EngineError('CORRUPT', `${what}: zstd data ends inside a frame (truncated?)`);
    }
  }
  return Buffer.concat(chunks, total);
}

function runZstd<T>(what: string, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EngineError('CORRUPT', `${what}: invalid zstd data (${reason})`, { cause: error });
  }
}

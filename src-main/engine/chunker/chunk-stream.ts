/**
 * Turns a stream of read buffers (a file read piece by piece) into restic chunks with bounded memory: the bytes
 * of the current chunk (≤ 8 MiB, copied out of earlier read buffers), the current read buffer, and the chunk
 * being assembled — never the whole file. This is how the archiver is meant to use the `Chunker`.
 */
import { Chunker } from './chunker';
import type { Polynomial } from './gf2-polynomial';

export interface ContentChunk {
  /** Offset of the chunk's first byte in the input. */
  offset: number;
  /** The chunk's bytes; owned by the receiver (never a view of a source buffer). */
  data: Buffer;
}

/**
 * Yields the chunks of the input in order. Source buffers may be reused by the source after they were handed
 * over (as a reader with a fixed buffer does): bytes that outlive their buffer are copied.
 */
export async function* chunksOf(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  polynomial: Polynomial,
): AsyncGenerator<ContentChunk> {
  const chunker = new Chunker(polynomial);
  // The bytes of the current chunk seen so far, copied out of earlier source buffers.
  let pending: Buffer[] = [];
  let chunkOffset = 0;
  for await (const buffer of source) {
    const bufferOffset = chunker.position;
    let start = 0;
    for (const cut of chunker.push(buffer)) {
      const end = cut - bufferOffset;
      pending.push(Buffer.from(buffer.buffer, buffer.byteOffset + start, end - start));
      // Buffer.concat copies, so the chunk does not alias the source buffer.
      yield { offset: chunkOffset, data: Buffer.concat(pending) };
      pending = [];
      chunkOffset = cut;
      start = end;
    }
    if (start < buffer.length) pending.push(Buffer.from(buffer.subarray(start)));
  }
  if (chunker.finish() !== undefined) yield { offset: chunkOffset, data: Buffer.concat(pending) };
}

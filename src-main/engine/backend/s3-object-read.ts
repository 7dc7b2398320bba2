/**
 * Reading an object, or a byte range of it, with one GET: the Range header for a Backend.read range, and the
 * answer's body copied into the caller's buffer. A server sends what it has — a range past the end comes back
 * shorter, a suffix longer than the object comes back as the whole object — so the length received is checked
 * against the length asked for: shorter is CORRUPT, as for a truncated local file.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { EngineError } from '../errors';
import type { ReadRange } from './backend';
import type { ObjectTarget } from './s3-multipart';
import { withRetries } from './s3-retry';

/** A GET's Range header and the byte count it must return; `null`: the object's size is needed first. */
export type RangeRequest = { header?: string; expected?: number } | null;

/** How to ask for `range` without knowing the object's size, when that can be done. */
export function rangeRequest(range: ReadRange | undefined): RangeRequest {
  if (range === undefined) return {};
  const { offset, length } = range;
  if (length !== undefined && length > 0 && offset >= 0) {
    return { header: `bytes=${offset}-${offset + length - 1}`, expected: length };
  }
  // A suffix: the last -offset bytes (HTTP's `bytes=-N`).
  if (length === undefined && offset < 0) return { header: `bytes=${offset}`, expected: -offset };
  return null;
}

/**
 * GETs `target.key` (the bytes `request` names), into `into` when it is large enough. The whole exchange is one
 * attempt: a body cut off midway is asked for again.
 */
export function getObject(
  target: ObjectTarget,
  what: string,
  request: { header?: string; expected?: number },
  into: Uint8Array | undefined,
): Promise<Buffer> {
  const { client, bucket: Bucket, key: Key, retry } = target;
  return withRetries(retry, async () => {
    const answer = await client.send(new GetObjectCommand({ Bucket, Key, Range: request.header }));
    const sent = answer.ContentLength ?? 0;
    const expected = request.expected ?? sent;
    if (sent < expected) {
      (answer.Body as { destroy?: () => void } | undefined)?.destroy?.(); // the short body is not read
      const size = answer.ContentRange?.split('/')[1] ?? String(sent);
      throw new EngineError(
        'CORRUPT',
        `${what}: has ${size} bytes, cannot read ${expected} bytes (${request.header ?? 'whole'}) (truncated?)`,
      );
    }
    const buffer =
      into !== undefined && into.length >= expected
        ? Buffer.from(into.buffer, into.byteOffset, expected)
        : Buffer.allocUnsafe(expected);
    let received = 0;
    for await (const chunk of answer.Body as AsyncIterable<Uint8Array>) {
      if (received + chunk.length > expected) {
        throw new EngineError(
          'IO_ERROR',
          `${what}: the server sent more than the ${expected} bytes asked for`,
        );
      }
      buffer.set(chunk, received);
      received += chunk.length;
    }
    if (received < expected) {
      // The connection ended before the body did: worth another attempt, like any cut connection.
      throw new EngineError(
        'REPO_UNREACHABLE',
        `${what}: the answer ended after ${received} of ${expected} bytes`,
      );
    }
    return buffer;
  });
}

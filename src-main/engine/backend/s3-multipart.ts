/**
 * Multipart uploads: a large file goes up in parts, and the upload is aborted when any step fails, so a failed
 * write leaves no parts stored (which S3 would keep, and bill, until someone aborts them). A process killed in the
 * middle still leaves its upload behind: abortLeftoverUploads removes those (Backend.removeTemporaryFiles).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type RetryPolicy, withRetries } from './s3-retry';

/** S3's smallest part (all parts but the last); Ceph enforces it too (rgw_multipart_min_part_size). */
export const minimumPartSize = 5 * 1024 * 1024;

export interface ObjectTarget {
  client: S3Client;
  bucket: string;
  key: string;
  retry: RetryPolicy;
}

/** `data` cut into consecutive pieces of `partSize` bytes (the last may be shorter), as views: nothing is copied. */
export function* partsOf(data: readonly Uint8Array[], partSize: number): Generator<Uint8Array[]> {
  let part: Uint8Array[] = [];
  let partLength = 0;
  for (const piece of data) {
    let at = 0;
    while (at < piece.length) {
      const take = Math.min(partSize - partLength, piece.length - at);
      part.push(piece.subarray(at, at + take));
      partLength += take;
      at += take;
      if (partLength === partSize) {
        yield part;
        part = [];
        partLength = 0;
      }
    }
  }
  if (partLength > 0) yield part;
}

/**
 * The Content-MD5 header of a body: the server recomputes it and refuses the body (BadDigest) when a byte changed
 * on the way. The signature does not cover a streamed body (its hash is UNSIGNED-PAYLOAD), so this is what
 * catches corruption in transit on plain HTTP; restic sends it as well.
 */
export function contentMd5(pieces: readonly Uint8Array[]): string {
  const hash = createHash('md5');
  for (const piece of pieces) hash.update(piece);
  return hash.digest('base64');
}

function lengthOf(pieces: readonly Uint8Array[]): number {
  return pieces.reduce((sum, piece) => sum + piece.length, 0);
}

/** Uploads `data` to `target.key` in parts of `partSize` bytes; on failure the upload is aborted, then rethrown. */
export async function uploadInParts(
  target: ObjectTarget,
  data: readonly Uint8Array[],
  partSize: number,
): Promise<void> {
  const { client, bucket: Bucket, key: Key, retry } = target;
  const created = await withRetries(retry, () =>
    client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: 'application/octet-stream' })),
  );
  const UploadId = created.UploadId as string;
  try {
    const completed: CompletedPart[] = [];
    for (const part of partsOf(data, partSize)) {
      const PartNumber = completed.length + 1;
      const uploaded = await withRetries(retry, () =>
        client.send(
          new UploadPartCommand({
            Bucket,
            Key,
            UploadId,
            PartNumber,
            // A fresh stream for each attempt: a stream is read once.
            Body: Readable.from(part),
            ContentLength: lengthOf(part),
            ContentMD5: contentMd5(part),
          }),
        ),
      );
      completed.push({ PartNumber, ETag: uploaded.ETag as string });
    }
    await complete(target, UploadId, completed, lengthOf(data));
  } catch (error) {
    // Best effort: when the server is gone the abort fails as well, and the upload is a leftover for
    // abortLeftoverUploads; the write's own failure is what the caller needs to see.
    await withRetries(retry, () =>
      client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })),
    ).catch(() => undefined);
    throw error;
  }
}

/**
 * Completes the upload. When an attempt's answer was lost and the retry finds the upload gone (NoSuchUpload), the
 * first attempt did complete it if the object is there with the expected size.
 */
async function complete(
  target: ObjectTarget,
  UploadId: string,
  Parts: CompletedPart[],
  size: number,
): Promise<void> {
  const { client, bucket: Bucket, key: Key, retry } = target;
  let attempts = 0;
  try {
    await withRetries(retry, () => {
      attempts++;
      return client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }),
      );
    });
  } catch (error) {
    if (attempts < 2 || (error as { name?: string }).name !== 'NoSuchUpload') throw error;
    const head = await withRetries(retry, () => client.send(new HeadObjectCommand({ Bucket, Key })));
    if (head.ContentLength !== size) throw error;
  }
}

/**
 * Aborts the unfinished multipart uploads under `prefix` whose key is `ours` (a repository file's): what writes
 * cut short by a crash left behind. Uploads of other keys belong to someone else sharing the bucket.
 */
export async function abortLeftoverUploads(
  client: S3Client,
  Bucket: string,
  Prefix: string,
  ours: (key: string) => boolean,
  retry: RetryPolicy,
): Promise<{ files: number; bytes: number }> {
  const removed = { files: 0, bytes: 0 };
  let KeyMarker: string | undefined;
  let UploadIdMarker: string | undefined;
  for (;;) {
    const page = await withRetries(retry, () =>
      client.send(new ListMultipartUploadsCommand({ Bucket, Prefix, KeyMarker, UploadIdMarker })),
    );
    for (const upload of page.Uploads ?? []) {
      const Key = upload.Key as string;
      const UploadId = upload.UploadId as string;
      if (!ours(Key)) continue;
      try {
        const bytes = await storedPartBytes(client, Bucket, Key, UploadId, retry);
        await withRetries(retry, () =>
          client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })),
        );
        removed.files++;
        removed.bytes += bytes;
      } catch (error) {
        // Gone since it was listed: completed or aborted meanwhile, or an entry a listing still showed just
        // after its abort (radosgw does, for a moment).
        if ((error as { name?: string }).name !== 'NoSuchUpload') throw error;
      }
    }
    if (!page.IsTruncated) return removed;
    KeyMarker = page.NextKeyMarker;
    UploadIdMarker = page.NextUploadIdMarker;
  }
}

async function storedPartBytes(
  client: S3Client,
  Bucket: string,
  Key: string,
  UploadId: string,
  retry: RetryPolicy,
): Promise<number> {
  let bytes = 0;
  let PartNumberMarker: string | undefined;
  for (;;) {
    const page = await withRetries(retry, () =>
      client.send(new ListPartsCommand({ Bucket, Key, UploadId, PartNumberMarker })),
    );
    for (const part of page.Parts ?? []) bytes += part.Size ?? 0;
    if (!page.IsTruncated) return bytes;
    PartNumberMarker = page.NextPartNumberMarker;
  }
}

/**
 * Helpers of the S3 backend tests: one real Ceph RADOS Gateway per test file (testing/ceph-rgw-server.ts), S3
 * backends on it with the test user's keys and short retries, a plain SDK client to look at the bucket behind
 * the backend's back, and restic on the same bucket.
 */
import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { S3Backend, type S3Options } from '../backend/s3-backend';
import type { RetryPolicy } from '../backend/s3-retry';
import { type CephRgwServer, cephBinaries, haveCeph, startCephRgw } from './ceph-rgw-server';
import { restic } from './restic-cli';

/** Short waits: a test that expects a failure does not sit through the default ~6 s of retries. */
export const quickRetry: RetryPolicy = { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 };

export interface CephRgwFixture {
  /** The running server (set once beforeAll ran). */
  readonly server: CephRgwServer;
  /** An SDK client of the test user, for what the backend does not show (raw keys, multipart uploads). */
  readonly raw: S3Client;
  backendAt(bucket: string, prefix: string, extra?: Partial<S3Options>): S3Backend;
  /** Every key in the bucket, sorted. */
  keysIn(bucket: string): Promise<string[]>;
  /**
   * Unfinished multipart uploads in the bucket. radosgw's listing may still show an upload for a moment after
   * its abort was answered (seen once in a few runs): assert with expect.poll, which still fails if it stays.
   */
  uploadsIn(bucket: string): Promise<number>;
  /** restic on the same bucket and prefix, with the test user's keys and nothing else from the environment. */
  resticOnS3(bucket: string, prefix: string, args: string[]): ReturnType<typeof restic>;
}

/** Starts a cluster for this test file (when Ceph is installed; else warns and the file's S3 tests skip). */
export function cephRgwFixture(what: string): CephRgwFixture {
  let server: CephRgwServer | undefined;
  let raw: S3Client | undefined;
  if (!haveCeph)
    console.warn(`${what} skipped: one of ${cephBinaries.join(', ')} is missing (radosgw, ceph-*)`);
  beforeAll(async () => {
    if (!haveCeph) return;
    server = await startCephRgw();
    console.info(`${what}: Ceph + radosgw started in ${server.startupMs} ms`);
    raw = new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }, 120_000);
  afterAll(async () => {
    raw?.destroy();
    await server?.stop();
  });
  const started = () => {
    if (server === undefined || raw === undefined)
      throw new Error('the Ceph fixture is used before beforeAll');
    return { server, raw };
  };
  return {
    get server() {
      return started().server;
    },
    get raw() {
      return started().raw;
    },
    backendAt(bucket, prefix, extra = {}) {
      const { server } = started();
      return new S3Backend({
        endpoint: server.endpoint,
        bucket,
        prefix,
        region: server.region,
        credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
        retry: quickRetry,
        ...extra,
      });
    },
    async keysIn(bucket) {
      const listed = await started().raw.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (listed.Contents ?? []).map((object) => object.Key as string).sort();
    },
    async uploadsIn(bucket) {
      const listed = await started().raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      return (listed.Uploads ?? []).length;
    },
    resticOnS3(bucket, prefix, args) {
      const { server } = started();
      return restic(args, {
        repo: `s3:${server.endpoint}/${bucket}/${prefix}`,
        env: { AWS_ACCESS_KEY_ID: server.accessKeyId, AWS_SECRET_ACCESS_KEY: server.secretAccessKey },
      });
    },
  };
}

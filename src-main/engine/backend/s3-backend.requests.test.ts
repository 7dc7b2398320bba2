/**
 * What each request of the S3 backend does against a real S3 server, Ceph's RADOS Gateway (one cluster for this
 * file): refused keys, bucket creation, paginated listings, multipart uploads and their abort, quotas, leftover
 * uploads, range reads, a body damaged on the way; and, without a server, unreachable and silent endpoints.
 */
import { randomBytes } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import {
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { idOf } from '../ids';
import { codeOf } from '../testing/backend-testing';
import { haveCeph } from '../testing/ceph-rgw-server';
import { cephRgwFixture, quickRetry } from '../testing/s3-testing';
import type { FileInfo } from './backend';
import { S3Backend } from './s3-backend';

const s3 = cephRgwFixture('S3 backend requests');

async function names(files: AsyncIterable<FileInfo>): Promise<string[]> {
  const out: string[] = [];
  for await (const file of files) out.push(file.name);
  return out.sort();
}

describe.runIf(haveCeph)('S3 backend requests against a real Ceph RADOS Gateway', () => {
  it('says AUTH_FAILED for a wrong secret or an unknown key, without showing either', async () => {
    await s3.backendAt('refusals', '').create();
    const wrongSecret = 'not-the-secret-0123456789';
    const refused = s3.backendAt('refusals', '', {
      credentials: { accessKeyId: s3.server.accessKeyId, secretAccessKey: wrongSecret },
    });
    const attempts = [
      () => refused.exists(),
      () => refused.write({ type: 'config', name: '' }, Buffer.from('x')),
    ];
    for (const attempt of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(isEngineError(error, 'AUTH_FAILED'), String(error)).toBe(true);
      expect(String(error)).not.toContain(wrongSecret);
      expect(String((error as Error).cause)).not.toContain(wrongSecret);
    }
    const unknown = s3.backendAt('refusals', '', {
      credentials: { accessKeyId: 'NOSUCHKEY0000000', secretAccessKey: wrongSecret },
    });
    const error = await unknown
      .list('index')
      [Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect(isEngineError(error, 'AUTH_FAILED'), String(error)).toBe(true);
    expect(String(error)).not.toContain('NOSUCHKEY0000000');
    expect(refused.location).toBe(`s3:${s3.server.endpoint}/refusals`);
  });

  it('creates the bucket when missing, and refuses to create a repository twice', async () => {
    const backend = s3.backendAt('made-by-create', 'p');
    expect(await backend.exists()).toBe(false);
    expect(await names(backend.list('snapshot'))).toEqual([]);
    await backend.create();
    await backend.write({ type: 'config', name: '' }, Buffer.from('config'));
    expect(await backend.exists()).toBe(true);
    expect(await codeOf(backend.create())).toBe('ALREADY_EXISTS');
    // A region the server has no buckets in: named, with the setting to change.
    const elsewhere = s3.backendAt('made-in-eu', 'p', { region: 'eu-west-1' });
    const refusal = await elsewhere.create().catch((e: unknown) => e);
    expect(isEngineError(refusal, 'INVALID_ARGUMENT'), String(refusal)).toBe(true);
    expect(String(refusal)).toContain('"eu-west-1"');
    await elsewhere.close();
    // Another prefix in the same bucket is another repository.
    await s3.backendAt('made-by-create', 'other').create();
    await backend.close();
  });

  it('lists every file of a type across pages, ignoring keys outside the layout', async () => {
    const backend = s3.backendAt('listing', 'repo', { listPageSize: 2 });
    await backend.create();
    const written: Record<'index' | 'data', string[]> = { index: [], data: [] };
    for (let i = 0; i < 7; i++) {
      const content = Buffer.from(`file ${i}`);
      const type = i < 5 ? 'index' : 'data';
      await backend.write({ type, name: idOf(content) }, content);
      written[type].push(idOf(content));
    }
    // Foreign keys: a data file outside its two-hex directory, a non-ID, another prefix that starts alike.
    const stray = idOf(Buffer.from('stray'));
    for (const key of [`repo/data/${stray}`, 'repo/index/readme.txt', `repo2/index/${stray}`]) {
      await s3.raw.send(new PutObjectCommand({ Bucket: 'listing', Key: key, Body: 'x' }));
    }
    // The server pages at 2 keys: our listing of 5 index files must have followed continuation tokens.
    const page = await s3.raw.send(
      new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'repo/index/', MaxKeys: 2 }),
    );
    expect(page.IsTruncated).toBe(true);
    expect(await names(backend.list('index'))).toEqual(written.index.sort());
    expect(await names(backend.list('data'))).toEqual(written.data.sort());
    const sizes = [];
    for await (const file of backend.list('index')) sizes.push(file.size);
    expect(sizes).toEqual([6, 6, 6, 6, 6]);
    await backend.close();
  });

  it('uploads large files in parts (read back exactly) and leaves no upload behind', async () => {
    const backend = s3.backendAt('multipart', 'repo', {
      multipartThreshold: 1024 * 1024,
      partSize: 5 * 1024 * 1024,
    });
    await backend.create();
    // Pieces that straddle the part boundaries, as a pack's blobs do.
    const pieces = [randomBytes(3_000_000), randomBytes(4_500_000), randomBytes(10), randomBytes(4_000_000)];
    const whole = Buffer.concat(pieces);
    const file = { type: 'data' as const, name: idOf(whole) };
    await backend.write(file, pieces);
    const head = await s3.raw.send(
      new HeadObjectCommand({ Bucket: 'multipart', Key: backend.fileKey(file) }),
    );
    expect(head.ETag).toMatch(/-3"$/); // a multipart object's ETag names its part count
    expect((await backend.read(file)).equals(whole)).toBe(true);
    await expect.poll(() => s3.uploadsIn('multipart')).toBe(0);
    await backend.close();
  });

  it('over quota: QUOTA_EXCEEDED, and the aborted multipart upload leaves nothing', async () => {
    const backend = s3.backendAt('quota', 'repo', {
      multipartThreshold: 1024 * 1024,
      partSize: 5 * 1024 * 1024,
    });
    await backend.create();
    await s3.server.admin(['quota', 'set', '--quota-scope=bucket', '--bucket=quota', '--max-size=4194304']);
    await s3.server.admin(['quota', 'enable', '--quota-scope=bucket', '--bucket=quota']);
    const big = randomBytes(11_000_000);
    expect(await codeOf(backend.write({ type: 'data', name: idOf(big) }, big))).toBe('QUOTA_EXCEEDED');
    const single = randomBytes(4_500_000);
    const singleBackend = s3.backendAt('quota', 'repo');
    expect(await codeOf(singleBackend.write({ type: 'data', name: idOf(single) }, single))).toBe(
      'QUOTA_EXCEEDED',
    );
    await expect.poll(() => s3.uploadsIn('quota')).toBe(0);
    expect(await s3.keysIn('quota')).toEqual([]);
    await backend.close();
    await singleBackend.close();
  });

  it('removeTemporaryFiles aborts uploads a crash left under the prefix, and nothing else', async () => {
    const backend = s3.backendAt('leftovers', 'repo');
    await backend.create();
    const kept = Buffer.from('{"packs":[]}');
    await backend.write({ type: 'index', name: idOf(kept) }, kept);
    // A process killed in the middle of a multipart upload: the upload and its first part stay on the s3.server.
    const leftover = async (Key: string) => {
      const { UploadId } = await s3.raw.send(new CreateMultipartUploadCommand({ Bucket: 'leftovers', Key }));
      await s3.raw.send(
        new UploadPartCommand({
          Bucket: 'leftovers',
          Key,
          UploadId,
          PartNumber: 1,
          Body: Buffer.alloc(100_000, 1),
        }),
      );
    };
    const pack = `data/ab/${'ab'.padEnd(64, '0')}`;
    await leftover(`repo/${pack}`);
    await leftover(`elsewhere/${pack}`);
    expect(await backend.removeTemporaryFiles()).toEqual({ files: 1, bytes: 100_000 });
    expect(await backend.removeTemporaryFiles()).toEqual({ files: 0, bytes: 0 });
    await expect.poll(() => s3.uploadsIn('leftovers')).toBe(1); // the other prefix's
    expect((await backend.read({ type: 'index', name: idOf(kept) })).equals(kept)).toBe(true);
    await backend.close();
    // A repository at the bucket's root shares it with whatever else is there: only its own files' uploads go.
    const atRoot = s3.backendAt('leftovers', '');
    await leftover(pack);
    await leftover('someone-else/upload.bin');
    expect(await atRoot.removeTemporaryFiles()).toEqual({ files: 1, bytes: 100_000 });
    await expect.poll(() => s3.uploadsIn('leftovers')).toBe(2); // elsewhere/… and someone-else/…
    await atRoot.close();
  });

  it('a body damaged on the way is refused by the server (Content-MD5) and sent again, single or in parts', async () => {
    // Between the backend and the gateway, a proxy flips one bit in the first request body that carries the marker.
    const marker = Buffer.from('damage-me-on-the-way');
    let damaged = 0;
    /** Bodies to damage in all so far: each write below arms one more. */
    let armed = 0;
    const proxy = createServer((client) => {
      const upstream = connect(s3.server.port, '127.0.0.1');
      client.on('data', (chunk: Buffer) => {
        const at = damaged >= armed ? -1 : chunk.indexOf(marker);
        if (at >= 0) {
          chunk[at] = (chunk[at] as number) ^ 0x20;
          damaged++;
        }
        upstream.write(chunk);
      });
      upstream.pipe(client);
      for (const [socket, other] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        socket.on('error', () => other.destroy());
        socket.on('close', () => other.destroy());
      }
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const backend = new S3Backend({
      endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      bucket: 'integrity',
      prefix: 'repo',
      region: s3.server.region,
      credentials: { accessKeyId: s3.server.accessKeyId, secretAccessKey: s3.server.secretAccessKey },
      retry: quickRetry,
      multipartThreshold: 6 * 1024 * 1024,
      partSize: 5 * 1024 * 1024,
    });
    try {
      await backend.create();
      const small = Buffer.concat([randomBytes(1000), marker, randomBytes(1000)]);
      armed = 1;
      await backend.write({ type: 'data', name: idOf(small) }, small);
      expect(damaged).toBe(1);
      expect((await backend.read({ type: 'data', name: idOf(small) })).equals(small)).toBe(true);
      // In parts: the marker lies in the second part.
      const large = Buffer.concat([randomBytes(6 * 1024 * 1024), marker, randomBytes(1000)]);
      armed = 2;
      await backend.write({ type: 'data', name: idOf(large) }, large);
      expect(damaged).toBe(2);
      expect((await backend.read({ type: 'data', name: idOf(large) })).equals(large)).toBe(true);
    } finally {
      await backend.close();
      proxy.close();
    }
  });

  it('reads ranges, suffixes and into the caller’s buffer; NOT_FOUND and CORRUPT as the contract says', async () => {
    const backend = s3.backendAt('ranges', 'repo');
    await backend.create();
    const content = randomBytes(1000);
    const file = { type: 'data' as const, name: idOf(content) };
    await backend.write(file, content);
    expect((await backend.stat(file)).size).toBe(1000);
    expect((await backend.read(file, { offset: 10, length: 20 })).equals(content.subarray(10, 30))).toBe(
      true,
    );
    expect((await backend.read(file, { offset: -4 })).equals(content.subarray(996))).toBe(true);
    expect((await backend.read(file, { offset: -4, length: 2 })).equals(content.subarray(996, 998))).toBe(
      true,
    );
    expect((await backend.read(file, { offset: 990 })).equals(content.subarray(990))).toBe(true);
    expect((await backend.read(file, { offset: 1000, length: 0 })).length).toBe(0);
    const into = Buffer.alloc(64, 0xee);
    const view = await backend.read(file, { offset: 100, length: 50, into });
    expect(view.equals(content.subarray(100, 150))).toBe(true);
    expect(view.buffer).toBe(into.buffer);
    expect(into.subarray(0, 50).equals(content.subarray(100, 150))).toBe(true);

    const absent = { type: 'data' as const, name: idOf(Buffer.from('absent')) };
    expect(await codeOf(backend.read(absent))).toBe('NOT_FOUND');
    expect(await codeOf(backend.read(absent, { offset: -4 }))).toBe('NOT_FOUND');
    expect(await codeOf(backend.stat(absent))).toBe('NOT_FOUND');
    await backend.remove(absent); // absent: not an error
    expect(await codeOf(backend.read(file, { offset: 990, length: 20 }))).toBe('CORRUPT');
    expect(await codeOf(backend.read(file, { offset: 1000, length: 1 }))).toBe('CORRUPT');
    expect(await codeOf(backend.read(file, { offset: -2000 }))).toBe('CORRUPT');
    expect(await codeOf(backend.read(file, { offset: -2000, length: 4 }))).toBe('CORRUPT');
    expect(await codeOf(backend.read(file, { offset: 1.5, length: 4 }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(backend.read({ type: 'data', name: 'not-an-id' }))).toBe('INVALID_ARGUMENT');

    await backend.remove(file);
    expect(await codeOf(backend.stat(file))).toBe('NOT_FOUND');
    await backend.close();
  });
});

describe('S3 backend without a working server', () => {
  it('says REPO_UNREACHABLE when nothing listens, after its retries', async () => {
    const nowhere = new S3Backend({
      endpoint: 'http://127.0.0.1:1',
      bucket: 'b',
      prefix: 'p',
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      retry: quickRetry,
    });
    const started = Date.now();
    const error = await nowhere.exists().catch((e: unknown) => e);
    expect(isEngineError(error, 'REPO_UNREACHABLE'), String(error)).toBe(true);
    // Three attempts, two backoffs of 25-100 ms each.
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('keeps user information in an endpoint URL out of its location', () => {
    const backend = new S3Backend({
      endpoint: 'https://someone:a-password@s3.example.org:8443',
      bucket: 'b',
      prefix: 'hosts/one',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    });
    expect(backend.location).toBe('s3:https://s3.example.org:8443/b/hosts/one');
  });

  it('says REPO_UNREACHABLE when the server takes connections but never answers: each attempt times out', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const backend = new S3Backend({
      endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      bucket: 'b',
      prefix: '',
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      retry: quickRetry,
      idleTimeoutMs: 200,
    });
    try {
      const error = await backend.exists().catch((e: unknown) => e);
      expect(isEngineError(error, 'REPO_UNREACHABLE'), String(error)).toBe(true);
      expect(sockets).toHaveLength(quickRetry.attempts); // one connection per attempt, each given up on
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await backend.close();
    }
  });
});

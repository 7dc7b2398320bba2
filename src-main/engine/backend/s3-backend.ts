/**
 * A repository in an S3 bucket (AWS, or a compatible server such as Ceph's RADOS Gateway), in restic's layout
 * under an optional prefix: `<prefix>/config`, `<prefix>/keys/<id>`, `<prefix>/data/<id[0:2]>/<id>`, … — the same
 * object names restic 0.14 uses, so either program opens what the other wrote.
 *
 * - A PUT is atomic (an object appears whole or not at all) and durable once the server answers, which is the
 *   Backend contract for `write`; large files go up as multipart uploads (s3-multipart.ts), aborted on failure.
 *   Every body carries its Content-MD5, so the server refuses one damaged on the way (then it is sent again).
 * - No `startFile`: an object cannot be renamed, and a pack's name is its hash, known only once it is complete.
 *   A draft would have to be uploaded under a temporary name and then copied server-side and deleted — three
 *   requests and a second copy of every pack on the server, to save holding one pack (16 MiB) in memory. restic
 *   makes the same choice (it buffers a pack, then uploads it); the engine collects the pack and calls `write`.
 * - Every request is retried with backoff on network failures, timeouts, 5xx and throttling (s3-retry.ts); then
 *   it fails with an engine code (s3-errors.ts). Credentials appear in no location, message or log.
 */

import { Readable } from 'node:stream';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { EngineError, isEngineError } from '../errors';
import { isId } from '../ids';
import {
  type Backend,
  type FileHandle,
  type FileInfo,
  type FileType,
  type ReadRange,
  type WriteData,
  writeDataLength,
} from './backend';
import { filePathParts, resolveRange, statConfig, typeDirs } from './restic-layout';
import { engineErrorOf } from './s3-errors';
import {
  abortLeftoverUploads,
  contentMd5,
  minimumPartSize,
  type ObjectTarget,
  uploadInParts,
} from './s3-multipart';
import { getObject, rangeRequest } from './s3-object-read';
import { defaultRetryPolicy, type RetryPolicy, withRetries } from './s3-retry';

// The SDK warns on Node 20 that its releases after January 2027 need Node 22; the release we pin runs on Node 20,
// so the warning would only alarm users of the CLI. A user who sets the variable keeps their choice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ignore = () => undefined;
const silentLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

export interface S3Options {
  /** The server, `http(s)://host[:port]`; requests are path-style (`/bucket/key`), as restic makes them. */
  endpoint: string;
  bucket: string;
  /** Key prefix of the repository in the bucket, without slashes at either end ('' = the bucket's root). */
  prefix: string;
  /** Signing region (us-east-1 for most S3-compatible servers). */
  region: string;
  /** Access keys, or a provider of them (the SDK's provider chain: environment, profile, …). */
  credentials: NonNullable<S3ClientConfig['credentials']>;
  /** Files larger than this go up as multipart uploads (default 64 MiB: packs, 16 MiB, are single PUTs). */
  multipartThreshold?: number;
  /** Size of each part but the last (default 16 MiB; S3 refuses parts under 5 MiB). */
  partSize?: number;
  /**
   * Pack uploads a backup keeps in flight (Backend.parallelWrites; default 4, restic's is 5 connections). Each
   * PUT is a round trip in which the server receives, hashes and stores 16 MiB: with only one sent while the next
   * pack fills, a backup waited for the server ~5 s of 31 s on a local radosgw, longer over a real network.
   */
  parallelWrites?: number;
  /** Keys per listing request (default 1000, S3's maximum). */
  listPageSize?: number;
  retry?: RetryPolicy;
  /** Milliseconds to wait for a TCP connection (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * Milliseconds a request's connection may stay silent, sending or receiving, before the attempt is given up
   * (default 60 s). Not a limit on the whole request: a large upload on a slow link takes as long as it takes.
   */
  idleTimeoutMs?: number;
}

export class S3Backend implements Backend {
  readonly location: string;
  readonly parallelWrites: number;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly retry: RetryPolicy;
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly listPageSize: number;

  constructor(private readonly options: S3Options) {
    const endpoint = new URL(options.endpoint);
    // Only scheme, host and port: user information in the URL would otherwise reach messages.
    const origin = `${endpoint.protocol}//${endpoint.host}`;
    this.bucket = options.bucket;
    this.prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.location = `s3:${origin}/${this.bucket}${this.prefix === '' ? '' : `/${this.prefix}`}`;
    this.retry = options.retry ?? defaultRetryPolicy;
    this.partSize = options.partSize ?? 16 * 1024 * 1024;
    this.multipartThreshold = options.multipartThreshold ?? 64 * 1024 * 1024;
    this.listPageSize = options.listPageSize ?? 1000;
    this.parallelWrites = options.parallelWrites ?? 4;
    if (this.partSize < minimumPartSize) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `S3 part size ${this.partSize}: S3 refuses parts under 5 MiB`,
      );
    }
    this.client = new S3Client({
      endpoint: origin,
      region: options.region,
      credentials: options.credentials,
      forcePathStyle: true,
      // Ceph 16 answers the SDK's default checksums (a streamed PUT with a checksum trailer) with 411.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Retries are ours (s3-retry.ts), around whole operations.
      maxAttempts: 1,
      // The SDK prints some warnings straight to the console (a failed streamed upload, which we retry
      // ourselves); failures reach the caller as engine errors instead.
      logger: silentLogger,
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? 10_000,
        socketTimeout: options.idleTimeoutMs ?? 60_000,
      },
    });
  }

  async create(): Promise<void> {
    if (await this.exists()) {
      throw new EngineError('ALREADY_EXISTS', `${this.location}: a repository already exists here`);
    }
    // S3 has no directories: the layout's "directories" are key prefixes, there once a file is.
    await this.ensureBucket();
  }

  async exists(): Promise<boolean> {
    return (await statConfig((file) => this.stat(file))) !== null;
  }

  async *list(type: FileType): AsyncIterable<FileInfo> {
    if (type === 'config') {
      const config = await statConfig((file) => this.stat(file));
      if (config !== null) yield config;
      return;
    }
    const dir = `${this.keyOf([typeDirs[type]])}/`;
    let ContinuationToken: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.send(dir, () =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: this.bucket,
              Prefix: dir,
              MaxKeys: this.listPageSize,
              ContinuationToken,
            }),
          ),
        );
      } catch (error) {
        if (isEngineError(error, 'NOT_FOUND')) return; // no bucket: no files
        throw error;
      }
      for (const object of page.Contents ?? []) {
        const name = layoutName(type, (object.Key ?? '').slice(dir.length));
        if (name !== null) yield { type, name, size: object.Size ?? 0 };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
  }

  async stat(file: FileHandle): Promise<FileInfo> {
    const key = this.fileKey(file);
    const head = await this.send(key, () =>
      this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
    );
    return { type: file.type, name: file.name, size: head.ContentLength ?? 0 };
  }

  async read(file: FileHandle, range?: ReadRange): Promise<Buffer> {
    const key = this.fileKey(file);
    const what = `${this.location}: ${key}`;
    // Malformed ranges are refused before any request (the size given only lets the check pass for real ones).
    if (range !== undefined) resolveRange(what, Number.MAX_SAFE_INTEGER, range);
    let request = rangeRequest(range);
    if (request === null) {
      // Ranges that need the size (a length counted from the end, an open end, nothing at all): resolved as the
      // local backend resolves them, CORRUPT when the file is too short.
      const { start, length } = resolveRange(what, (await this.stat(file)).size, range);
      if (length === 0) return Buffer.alloc(0);
      request = { header: `bytes=${start}-${start + length - 1}`, expected: length };
    }
    return this.request(key, () => getObject(this.target(key), what, request, range?.into));
  }

  async write(file: FileHandle, data: WriteData): Promise<void> {
    const key = this.fileKey(file);
    const pieces = data instanceof Uint8Array ? [data] : data;
    const size = writeDataLength(data);
    if (size > this.multipartThreshold) {
      await this.request(key, () => uploadInParts(this.target(key), pieces, this.partSize));
      return;
    }
    const md5 = contentMd5(pieces);
    await this.send(key, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          // Streamed from the caller's pieces (a pack is its blobs and header): no assembled copy. A fresh
          // stream for each attempt.
          Body: Readable.from(pieces),
          ContentLength: size,
          ContentMD5: md5,
          ContentType: 'application/octet-stream',
        }),
      ),
    );
  }

  async remove(file: FileHandle): Promise<void> {
    const key = this.fileKey(file);
    // Deleting an absent key succeeds in S3, as the contract wants.
    await this.send(key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  /**
   * Aborts multipart uploads that writes cut short by a crash left under the repository's prefix (see
   * Backend.removeTemporaryFiles: under an exclusive lock, as another writer's upload in progress looks alike).
   */
  async removeTemporaryFiles(): Promise<{ files: number; bytes: number }> {
    const prefix = this.prefix === '' ? '' : `${this.prefix}/`;
    const ours = (key: string) => isLayoutKey(key.slice(prefix.length));
    return this.request(prefix, () =>
      abortLeftoverUploads(this.client, this.bucket, prefix, ours, this.retry),
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** The object key of a file; rejects names that are not IDs. */
  fileKey(file: FileHandle): string {
    return this.keyOf(filePathParts(file));
  }

  private keyOf(parts: readonly string[]): string {
    return (this.prefix === '' ? parts : [this.prefix, ...parts]).join('/');
  }

  private target(key: string): ObjectTarget {
    return { client: this.client, bucket: this.bucket, key, retry: this.retry };
  }

  /** Creates the bucket unless it is there (and ours). */
  private async ensureBucket(): Promise<void> {
    const Bucket = this.bucket;
    try {
      await this.send(Bucket, () => this.client.send(new HeadBucketCommand({ Bucket })));
      return;
    } catch (error) {
      if (!isEngineError(error, 'NOT_FOUND')) throw error;
    }
    // Outside us-east-1, S3 wants the region named in the request body as well as in the signature.
    const configuration =
      this.options.region === 'us-east-1'
        ? {}
        : {
            CreateBucketConfiguration: {
              LocationConstraint: this.options.region as BucketLocationConstraint,
            },
          };
    await this.send(Bucket, () =>
      this.client.send(new CreateBucketCommand({ Bucket, ...configuration })).catch((error) => {
        const name = (error as { name?: string }).name;
        // Made by someone else (or by our own earlier attempt whose answer was lost) in the meantime.
        if (name === 'BucketAlreadyOwnedByYou') return;
        // S3-compatible servers know their own locations only (Ceph: its zonegroup's name), and an AWS_REGION
        // set for AWS is a common leftover: say which setting to change rather than "the request failed".
        if (name === 'InvalidLocationConstraint') {
          throw new EngineError(
            'INVALID_ARGUMENT',
            `${this.location}: the server does not create buckets in region ${JSON.stringify(this.options.region)}; set the region it uses (AWS_REGION; us-east-1 for most S3-compatible servers)`,
          );
        }
        throw error;
      }),
    );
  }

  /** One request, attempted as the retry policy says; its failure becomes an engine error about `key`. */
  private send<T>(key: string, attempt: () => Promise<T>): Promise<T> {
    return this.request(key, () => withRetries(this.retry, attempt));
  }

  /** Runs an operation that makes its own attempts, turning its failure into an engine error about `key`. */
  private async request<T>(key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw engineErrorOf(error, this.location, key);
    }
  }
}

/** A key (below the repository's prefix) that is a file of restic's layout. */
function isLayoutKey(rest: string): boolean {
  if (rest === 'config') return true;
  return Object.entries(typeDirs).some(
    ([type, dir]) =>
      rest.startsWith(`${dir}/`) &&
      layoutName(type as Exclude<FileType, 'config'>, rest.slice(dir.length + 1)) !== null,
  );
}

/** The file name a key below its type's "directory" holds in restic's layout, or null for anything else. */
function layoutName(type: Exclude<FileType, 'config'>, rest: string): string | null {
  const slash = rest.lastIndexOf('/');
  const name = rest.slice(slash + 1);
  if (!isId(name)) return null;
  const expected = type === 'data' ? `${name.slice(0, 2)}/${name}` : name;
  return rest === expected ? name : null;
}

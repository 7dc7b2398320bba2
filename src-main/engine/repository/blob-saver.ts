/**
 * The simple, single-threaded write path: blobs → packers (one per blob type) → pack files → index files.
 *
 * Crash-safe order, as restic: a pack file is written (durably) before any index file names it, and `flush()`
 * writes the index before it returns — so a snapshot saved after `flush()` never references data an index does
 * not describe, and a crash at any point leaves at worst unreferenced packs (which `restic check` only mentions).
 * The parallel archiver reuses the pieces (encodeBlob in workers, PackWriter, MasterIndex) the same way.
 */
import type { Backend } from '../backend/backend';
import type { MasterKey } from '../crypto/master-key';
import { type Id, idOf } from '../ids';
import { discardBuffer } from '../parallel/garbage-collector';
import type { BlobType, EncodedBlob } from './blob';
import { encodeBlob } from './blob-codec';
import type { RepositoryVersion } from './config';
import { encodeIndexPack, indexFileBytes, maxBlobsPerIndexFile } from './index-file';
import type { MasterIndex } from './master-index';
import { PackUpload } from './pack-upload';
import { defaultPackTargetSize, type FinishedPack, PackWriter } from './pack-writer';
import { encodeUnpacked } from './unpacked-file';

/**
 * Pack writes in flight at once, unless the backend asks for more (Backend.parallelWrites): two, one being
 * written and fsynced while the next one is sent.
 */
const defaultPackWrites = 2;
/**
 * With a backend that stages files (Backend.startFile), a pack's blobs are written out whenever this many bytes of
 * them are waiting, instead of the whole pack at the end: memory holds about this much per pack being filled.
 */
const appendThreshold = 1024 * 1024;

export interface BlobSaverOptions {
  version: RepositoryVersion;
  packTargetSize?: number;
  /** Awaited before every write to storage (see Repository.deferWritesUntil). */
  beforeWrite?: () => Promise<unknown>;
}

export interface SavedBlob {
  id: Id;
  /** False when the repository (or this session) already had the blob and nothing was written. */
  stored: boolean;
}

export class BlobSaver {
  private readonly writers: Record<BlobType, PackWriter>;
  /** Blobs sitting in unfinished packs, keyed `type:id`, so a second copy is not packed twice. */
  private readonly pending = new Set<string>();
  /**
   * Packs written but not yet named by an index file. Their entries are in `index` already; the index file is
   * made from there, so a long backup does not hold every entry of the session a second time, as objects.
   */
  private unindexed: Id[] = [];
  private unindexedBlobs = 0;
  /** The packs being filled that are already partly in storage (see appendThreshold). */
  private readonly uploads: Record<BlobType, PackUpload | null> = { data: null, tree: null };
  /** Pack writes in progress (see startPackWrite); flush() waits for them. */
  private readonly inFlight = new Set<Promise<void>>();
  /** A failed pack write not reported yet. */
  private failure: unknown = null;
  private readonly maxPackWrites: number;

  constructor(
    private readonly backend: Backend,
    private readonly key: MasterKey,
    private readonly index: MasterIndex,
    private readonly options: BlobSaverOptions,
  ) {
    const target = options.packTargetSize ?? defaultPackTargetSize;
    this.writers = { data: new PackWriter(key, 'data', target), tree: new PackWriter(key, 'tree', target) };
    this.maxPackWrites = Math.max(1, Math.floor(backend.parallelWrites ?? defaultPackWrites));
  }

  /** True when the blob is in the index or waiting in a packer. */
  has(type: BlobType, id: Id): boolean {
    return this.pending.has(`${type}:${id}`) || this.index.has(type, id);
  }

  /** Hashes, deduplicates, compresses (v2) and encrypts a blob, and queues it for a pack. */
  async saveBlob(type: BlobType, plaintext: Uint8Array): Promise<SavedBlob> {
    const id = idOf(plaintext);
    if (this.has(type, id)) return { id, stored: false };
    const encoded = encodeBlob(this.key, type, plaintext, { compress: this.options.version >= 2, id });
    await this.saveEncoded(encoded);
    return { id, stored: true };
  }

  /** Queues an already encoded blob (e.g. from a worker thread); skips it when already known. */
  async saveEncoded(blob: EncodedBlob): Promise<boolean> {
    this.throwIfFailed();
    if (this.has(blob.type, blob.id)) return false;
    const writer = this.writers[blob.type];
    writer.add(blob);
    this.pending.add(`${blob.type}:${blob.id}`);
    if (writer.isFull()) await this.startPackWrite(writer);
    else if (this.backend.startFile !== undefined && writer.bufferedBytes >= appendThreshold) {
      await this.appendBuffered(writer);
    }
    return true;
  }

  /** Writes out the blobs waiting in a pack being filled; a failure loses the pack (its blobs are forgotten). */
  private async appendBuffered(writer: PackWriter): Promise<void> {
    const type = writer.type;
    let upload = this.uploads[type];
    if (upload === null) {
      const startFile = this.backend.startFile?.bind(this.backend) as NonNullable<Backend['startFile']>;
      upload = new PackUpload(async () => {
        await this.options.beforeWrite?.();
        return startFile('data');
      });
      this.uploads[type] = upload;
    }
    try {
      const parts = writer.takeParts();
      await upload.append(parts);
      releaseParts(parts);
    } catch (error) {
      // Still the pack being filled: give it up, so saving its blobs again stores them in a new one. (A pack that
      // was finished meanwhile fails in writePack, which forgets its blobs.)
      if (this.uploads[type] === upload) {
        this.uploads[type] = null;
        for (const blob of writer.abandon()) this.pending.delete(`${blob.type}:${blob.id}`);
      }
      await upload.abort();
      throw error;
    }
  }

  /**
   * An index checkpoint: one index file naming the packs written so far (unfinished packs stay open). After a
   * crash, the next backup finds these packs through the index and does not upload their blobs again.
   */
  async checkpoint(): Promise<void> {
    await Promise.all(this.inFlight);
    this.throwIfFailed();
    await this.writeIndex();
  }

  /** Writes every unfinished pack, then one index file naming all packs not yet indexed. */
  async flush(): Promise<void> {
    for (const writer of Object.values(this.writers)) {
      if (writer.count > 0) await this.startPackWrite(writer);
    }
    await Promise.all(this.inFlight);
    this.throwIfFailed();
    await this.writeIndex();
  }

  /**
   * Starts writing a pack and returns once fewer than `maxPackWrites` are in flight: the next pack fills while
   * others are being written (fsynced, or uploaded), so a slow disk or a server's latency does not stall the
   * whole pipeline. A failed write is
   * remembered and thrown by the next call (or flush), so it can never be missed.
   */
  private async startPackWrite(writer: PackWriter): Promise<void> {
    const upload = this.uploads[writer.type];
    this.uploads[writer.type] = null;
    const write = this.writePack(writer.finish(), upload).catch((error: unknown) => {
      this.failure ??= error;
    });
    this.inFlight.add(write);
    void write.finally(() => this.inFlight.delete(write));
    while (this.inFlight.size >= this.maxPackWrites) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  /** Reports a failed pack write once (its blobs were forgotten, so saving them again stores them again). */
  private throwIfFailed(): void {
    const failure = this.failure;
    if (failure === null) return;
    this.failure = null;
    throw failure;
  }

  /** Writes a finished pack: the rest of it into its upload when it has one, else all of it at once. */
  private async writePack(pack: FinishedPack, upload: PackUpload | null): Promise<void> {
    try {
      await this.options.beforeWrite?.();
      if (upload !== null) await upload.commit(pack.parts, { type: 'data', name: pack.id });
      else await this.backend.write({ type: 'data', name: pack.id }, pack.parts);
      releaseParts(pack.parts);
    } catch (error) {
      // The pack is lost: forget its blobs, so a later save stores them again instead of trusting a missing pack.
      for (const blob of pack.blobs) this.pending.delete(`${blob.type}:${blob.id}`);
      throw error;
    }
    this.index.addPack(pack.id, pack.blobs);
    for (const blob of pack.blobs) this.pending.delete(`${blob.type}:${blob.id}`);
    this.unindexed.push(pack.id);
    this.unindexedBlobs += pack.blobs.length;
    // Keep index files at restic's size; a long session then also does not hold all entries until the end.
    if (this.unindexedBlobs >= maxBlobsPerIndexFile) await this.writeIndex();
  }

  private async writeIndex(): Promise<void> {
    if (this.unindexed.length === 0) return;
    // Take the list before awaiting, so packs finished meanwhile go into the next index file, not nowhere.
    const packs = this.unindexed;
    const blobCount = this.unindexedBlobs;
    this.unindexed = [];
    this.unindexedBlobs = 0;
    const json = indexFileBytes(
      [],
      packs.map((id) => encodeIndexPack({ id, blobs: this.index.packBlobs(id) })),
    );
    const file = encodeUnpacked(this.key, json, this.options.version);
    try {
      await this.options.beforeWrite?.();
      await this.backend.write({ type: 'index', name: file.id }, file.bytes);
    } catch (error) {
      // Still unindexed: a later flush() retries them.
      this.unindexed = [...packs, ...this.unindexed];
      this.unindexedBlobs += blobCount;
      throw error;
    }
  }
}

/**
 * A pack's blobs once they are in storage: nothing reads them again (a lost pack's blobs are saved anew from their
 * source, not from these), and the backend keeps nothing of what it wrote. Large ones — most data blobs, handed
 * over by a worker — have their pages released now instead of at the next collection.
 */
function releaseParts(parts: readonly Uint8Array[]): void {
  for (const part of parts) discardBuffer(part);
}

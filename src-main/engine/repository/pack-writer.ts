/**
 * Collects encrypted blobs of one type into a pack file. v2 repositories require one blob type per pack, so the
 * caller keeps one writer per type. restic closes a pack once it reaches the target size (default 16 MiB), so
 * packs end up slightly above the target; `isFull()` tells the caller when to `finish()`.
 */

import { createHash, type Hash } from 'node:crypto';
import { encrypt } from '../crypto/container';
import type { MasterKey } from '../crypto/master-key';
import { EngineError } from '../errors';
import type { Id } from '../ids';
import type { BlobType, EncodedBlob, PackedBlob } from './blob';
import {
  compressedEntrySize,
  encodeHeaderEntries,
  encryptedHeaderLength,
  entrySize,
  headerLengthFieldSize,
  maxHeaderLength,
} from './pack-header';

export const defaultPackTargetSize = 16 * 1024 * 1024;

export interface FinishedPack {
  /** SHA-256 of the pack file: its name in `data/`. */
  id: Id;
  /**
   * The pack file's bytes not taken yet (see takeParts; all of them if none were), as the parts to write back to
   * back: blobs, then the header and its length.
   */
  parts: Uint8Array[];
  size: number;
  type: BlobType;
  /** The blobs with their offsets, in pack order: what goes into the index. */
  blobs: PackedBlob[];
}

export class PackWriter {
  private parts: Uint8Array[] = [];
  /** The pack's SHA-256 so far: hashing blob by blob spreads the work and needs no assembled copy of the pack. */
  private hash: Hash = createHash('sha256');
  private readonly blobs: PackedBlob[] = [];
  private dataSize = 0;
  /** Bytes of the blobs in `parts` (not taken yet). */
  private partsSize = 0;
  private headerLength: number;

  constructor(
    private readonly key: MasterKey,
    readonly type: BlobType,
    readonly targetSize: number = defaultPackTargetSize,
  ) {
    this.headerLength = encryptedHeaderLength([]);
  }

  get count(): number {
    return this.blobs.length;
  }

  /** Bytes of blobs added and not taken yet. */
  get bufferedBytes(): number {
    return this.partsSize;
  }

  /**
   * The blobs' bytes added since the last call, in order, for writing them out while the pack fills; the pack's
   * ID and header still cover them. `finish` then returns only the rest.
   */
  takeParts(): Uint8Array[] {
    const parts = this.parts;
    this.parts = [];
    this.partsSize = 0;
    return parts;
  }

  /** Gives up the unfinished pack (its bytes could not be written): returns its entries; the writer is empty. */
  abandon(): PackedBlob[] {
    const blobs = [...this.blobs];
    this.reset();
    return blobs;
  }

  /** Bytes the pack would have if finished now. */
  get size(): number {
    return this.dataSize + this.headerLength + headerLengthFieldSize;
  }

  /** True once the pack reached its target size, or when one more entry could overflow the header limit. */
  isFull(): boolean {
    return this.size >= this.targetSize || this.headerLength + compressedEntrySize > maxHeaderLength;
  }

  add(blob: EncodedBlob): void {
    if (blob.type !== this.type) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `a ${this.type} pack cannot hold ${blob.type} blob ${blob.id}`,
      );
    }
    const entry: PackedBlob = {
      type: blob.type,
      id: blob.id,
      offset: this.dataSize,
      length: blob.data.length,
    };
    if (blob.uncompressedLength !== undefined) entry.uncompressedLength = blob.uncompressedLength;
    const headerLength = this.headerLength + entrySize(entry);
    if (headerLength > maxHeaderLength) {
      throw new EngineError('INVALID_ARGUMENT', `pack header full; cannot add ${blob.type} blob ${blob.id}`);
    }
    this.parts.push(blob.data);
    this.partsSize += blob.data.length;
    this.hash.update(blob.data);
    this.blobs.push(entry);
    this.dataSize += blob.data.length;
    this.headerLength = headerLength;
  }

  /** Produces the pack file: blobs ‖ encrypted header ‖ u32le(header length). The writer is empty afterwards. */
  finish(): FinishedPack {
    if (this.blobs.length === 0) throw new EngineError('INVALID_ARGUMENT', 'cannot finish an empty pack');
    const header = encrypt(this.key, encodeHeaderEntries(this.blobs));
    const length = Buffer.allocUnsafe(headerLengthFieldSize);
    length.writeUInt32LE(header.length, 0);
    const parts = [...this.parts, header, length];
    const id = this.hash.update(header).update(length).digest('hex');
    const finished: FinishedPack = {
      id,
      parts,
      size: this.dataSize + header.length + length.length,
      type: this.type,
      blobs: [...this.blobs],
    };
    this.reset();
    return finished;
  }

  private reset(): void {
    this.parts = [];
    this.partsSize = 0;
    this.hash = createHash('sha256');
    this.blobs.length = 0;
    this.dataSize = 0;
    this.headerLength = encryptedHeaderLength([]);
  }
}

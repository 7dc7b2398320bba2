/**
 * Collects encrypted blobs of one type into a pack file. v2 repositories require one blob type per pack, so the
 * caller keeps one writer per type. restic closes a pack once it reaches the target size (default 16 MiB), so
 * packs end up slightly above the target; `isFull()` tells the caller when to `finish()`.
 */
import { encrypt } from '../crypto/container';
import type { MasterKey } from '../crypto/master-key';
import { EngineError } from '../errors';
import { type Id, idOf } from '../ids';
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
  bytes: Buffer;
  type: BlobType;
  /** The blobs with their offsets, in pack order: what goes into the index. */
  blobs: PackedBlob[];
}

export class PackWriter {
  private readonly parts: Uint8Array[] = [];
  private readonly blobs: PackedBlob[] = [];
  private dataSize = 0;
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
    const bytes = Buffer.concat([...this.parts, header, length]);
    const finished: FinishedPack = { id: idOf(bytes), bytes, type: this.type, blobs: [...this.blobs] };
    this.parts.length = 0;
    this.blobs.length = 0;
    this.dataSize = 0;
    this.headerLength = encryptedHeaderLength([]);
    return finished;
  }
}

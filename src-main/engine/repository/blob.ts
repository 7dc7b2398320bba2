/**
 * Blobs: the content-addressed pieces (file chunks = data blobs, directory listings = tree blobs) that packs hold.
 * Shared vocabulary of the codec, the pack writer/reader, the index files and the master index.
 */
import type { Id } from '../ids';

export type BlobType = 'data' | 'tree';

export const blobTypes: readonly BlobType[] = ['data', 'tree'];

/** Where a blob lives inside its pack, as the pack header and the index describe it. */
export interface PackedBlob {
  type: BlobType;
  /** SHA-256 of the uncompressed plaintext. */
  id: Id;
  /** Byte offset of the encrypted blob in the pack. */
  offset: number;
  /** Length of the encrypted blob as stored (payload + 32 bytes of crypto overhead). */
  length: number;
  /** Plaintext length of a compressed blob; absent when the blob is stored uncompressed. */
  uncompressedLength?: number;
}

/**
 * A blob ready to go into a pack: encrypted bytes plus what its header entry needs. Plain data (no classes), so
 * worker threads can produce it and post it to the packer.
 */
export interface EncodedBlob {
  type: BlobType;
  id: Id;
  /** The encrypted container (its length is the entry's `length`). */
  data: Uint8Array;
  /** Set exactly when the payload is zstd-compressed. */
  uncompressedLength?: number;
}

export function describeBlob(type: BlobType, id: Id): string {
  return `${type} blob ${id}`;
}

/**
 * Pack headers: the encrypted list of the blobs in a pack, stored after them and followed by its length:
 *
 *   pack = blob_1 ‖ … ‖ blob_n ‖ Encrypt(entry_1 ‖ … ‖ entry_n) ‖ uint32le(encrypted header length)
 *
 * Entry (little-endian): type byte ‖ u32 encrypted length ‖ [u32 uncompressed length] ‖ 32-byte ID, where type
 * 0/1 = data/tree stored raw (37 bytes) and 2/3 = data/tree zstd-compressed (41 bytes, v2 only). Offsets are
 * implicit: blobs are contiguous from offset 0 in header order.
 */
import { containerOverhead } from '../crypto/container';
import { EngineError } from '../errors';
import { idFromBytes, idToBytes } from '../ids';
import type { BlobType, PackedBlob } from './blob';

export const rawEntrySize = 37;
export const compressedEntrySize = 41;
/** restic's limit on the encrypted header (its MaxHeaderSize minus the length field). */
export const maxHeaderLength = 16 * 1024 * 1024;
export const headerLengthFieldSize = 4;

const typeBytes: Record<BlobType, { raw: number; compressed: number }> = {
  data: { raw: 0, compressed: 2 },
  tree: { raw: 1, compressed: 3 },
};

export type HeaderEntry = Omit<PackedBlob, 'offset'>;

export function entrySize(blob: { uncompressedLength?: number }): number {
  return blob.uncompressedLength === undefined ? rawEntrySize : compressedEntrySize;
}

/** Length of the encrypted header for these blobs (what the trailing length field holds). */
export function encryptedHeaderLength(blobs: readonly HeaderEntry[]): number {
  let length = containerOverhead;
  for (const blob of blobs) length += entrySize(blob);
  return length;
}

/** The size a pack holding exactly these blobs must have (restic's checker compares it with the file). */
export function packFileSize(blobs: readonly HeaderEntry[]): number {
  let size = encryptedHeaderLength(blobs) + headerLengthFieldSize;
  for (const blob of blobs) size += blob.length;
  return size;
}

/** The header plaintext (before encryption) for blobs in pack order. */
export function encodeHeaderEntries(blobs: readonly HeaderEntry[]): Buffer {
  const out = Buffer.alloc(encryptedHeaderLength(blobs) - containerOverhead);
  let pos = 0;
  for (const blob of blobs) {
    const types = typeBytes[blob.type];
    if (blob.uncompressedLength === undefined) {
      out[pos] = types.raw;
      out.writeUInt32LE(blob.length, pos + 1);
      idToBytes(blob.id).copy(out, pos + 5);
    } else {
      if (blob.uncompressedLength <= 0) {
        throw new EngineError('INVALID_ARGUMENT', `blob ${blob.id}: a compressed blob cannot be empty`);
      }
      out[pos] = types.compressed;
      out.writeUInt32LE(blob.length, pos + 1);
      out.writeUInt32LE(blob.uncompressedLength, pos + 5);
      idToBytes(blob.id).copy(out, pos + 9);
    }
    pos += entrySize(blob);
  }
  return out;
}

/** Parses a decrypted header into the pack's blobs with their offsets. `what` names the pack. */
export function decodeHeaderEntries(plaintext: Uint8Array, what: string): PackedBlob[] {
  const buf = Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
  const blobs: PackedBlob[] = [];
  let pos = 0;
  let offset = 0;
  while (pos < buf.length) {
    const typeByte = buf[pos] ?? -1;
    const compressed = typeByte === 2 || typeByte === 3;
    if (typeByte < 0 || typeByte > 3) {
      throw new EngineError('CORRUPT', `${what}: header entry ${blobs.length} has unknown type ${typeByte}`);
    }
    const size = compressed ? compressedEntrySize : rawEntrySize;
    if (pos + size > buf.length) {
      throw new EngineError('CORRUPT', `${what}: header ends inside entry ${blobs.length}`);
    }
    const type: BlobType = typeByte === 0 || typeByte === 2 ? 'data' : 'tree';
    const length = buf.readUInt32LE(pos + 1);
    if (length < containerOverhead) {
      throw new EngineError(
        'CORRUPT',
        `${what}: header entry ${blobs.length} has impossible length ${length}`,
      );
    }
    const blob: PackedBlob = { type, id: '', offset, length };
    if (compressed) {
      blob.uncompressedLength = buf.readUInt32LE(pos + 5);
      if (blob.uncompressedLength === 0) {
        throw new EngineError('CORRUPT', `${what}: header entry ${blobs.length} is compressed but empty`);
      }
      blob.id = idFromBytes(buf.subarray(pos + 9, pos + 41));
    } else {
      blob.id = idFromBytes(buf.subarray(pos + 5, pos + 37));
    }
    blobs.push(blob);
    offset += length;
    pos += size;
  }
  return blobs;
}

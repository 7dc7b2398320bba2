/**
 * Reads a pack's header from the end of the file, as restic does: one "eager" tail read that covers the length
 * field and a header of up to 15 entries, and a second read only when the header is bigger than that.
 */
import type { Backend } from '../backend/backend';
import { containerOverhead, decrypt } from '../crypto/container';
import type { MasterKey } from '../crypto/master-key';
import { EngineError } from '../errors';
import type { Id } from '../ids';
import type { PackedBlob } from './blob';
import {
  compressedEntrySize,
  decodeHeaderEntries,
  headerLengthFieldSize,
  maxHeaderLength,
  packFileSize,
} from './pack-header';

const eagerEntries = 15;
const eagerReadSize = eagerEntries * compressedEntrySize + containerOverhead + headerLengthFieldSize;

/**
 * The blobs of pack `packId`, with offsets. `size` is the file size when the caller knows it (from a listing);
 * otherwise it is looked up. Validates the header length bounds, the MAC, every entry, and that the blobs and the
 * header exactly fill the file.
 */
export async function readPackHeader(
  backend: Backend,
  key: MasterKey,
  packId: Id,
  size?: number,
): Promise<PackedBlob[]> {
  const file = { type: 'data' as const, name: packId };
  const what = `pack ${packId}`;
  const fileSize = size ?? (await backend.stat(file)).size;
  if (fileSize < containerOverhead + headerLengthFieldSize) {
    throw new EngineError('CORRUPT', `${what}: file too small for a pack (${fileSize} bytes)`);
  }
  const tail = await backend.read(file, { offset: -Math.min(fileSize, eagerReadSize) });
  const headerLength = tail.readUInt32LE(tail.length - headerLengthFieldSize);
  checkHeaderLength(headerLength, fileSize, what);
  const headerEnd = tail.length - headerLengthFieldSize;
  const encryptedHeader =
    headerLength <= headerEnd
      ? tail.subarray(headerEnd - headerLength, headerEnd)
      : await backend.read(file, {
          offset: fileSize - headerLengthFieldSize - headerLength,
          length: headerLength,
        });
  const blobs = decodeHeaderEntries(decrypt(key, encryptedHeader, `${what} header`), what);
  const expected = packFileSize(blobs);
  if (expected !== fileSize) {
    throw new EngineError(
      'CORRUPT',
      `${what}: header describes ${blobs.length} blobs making a ${expected}-byte pack, but the file has ${fileSize} bytes`,
    );
  }
  return blobs;
}

/** A pack's header length field is plausible for a file of `fileSize` bytes; CORRUPT naming `what` otherwise. */
export function checkHeaderLength(headerLength: number, fileSize: number, what: string): void {
  if (headerLength < containerOverhead) {
    throw new EngineError('CORRUPT', `${what}: header length ${headerLength} is too small`);
  }
  if (headerLength > fileSize - headerLengthFieldSize) {
    throw new EngineError(
      'CORRUPT',
      `${what}: header length ${headerLength} exceeds the file (${fileSize} bytes)`,
    );
  }
  if (headerLength > maxHeaderLength) {
    throw new EngineError('CORRUPT', `${what}: header length ${headerLength} exceeds restic's limit`);
  }
}

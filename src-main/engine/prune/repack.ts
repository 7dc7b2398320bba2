/**
 * Repacking: the used blobs of the chosen packs are copied into new packs, so the old packs can be deleted.
 *
 * Each blob is verified first (decodeBlob: MAC, decompression, SHA-256 == ID) and then stored exactly as it was
 * stored — the same encrypted bytes, the same compression — so nothing is decoded twice or re-encoded. When a
 * copy does not verify, another copy of the blob elsewhere in the repository is tried (as restic's repack does);
 * when none verifies the prune stops, before anything is deleted.
 *
 * The new packs go through the repository's blob saver (its pack writer and crash-safe write order: packs
 * durable first, then one index file naming them). It gets an empty index of its own: the repository's index
 * already lists these very blobs (in the packs being repacked), and deduplicating against it would skip them all.
 *
 * Safe at every moment: until the old packs' index entries are superseded, the new packs only add copies. A crash
 * here leaves packs no index names yet (restic check: a hint) or packs named twice (legal duplicates).
 */
import { EngineError, isEngineError } from '../errors';
import type { Id } from '../ids';
import type { PackedBlob } from '../repository/blob';
import { decodeBlob } from '../repository/blob-codec';
import { BlobSaver } from '../repository/blob-saver';
import type { IndexPack } from '../repository/index-file';
import { MasterIndex } from '../repository/master-index';
import type { Repository } from '../repository/repository';
import { cancelledError } from './prune-cancel';
import { WriteRecordingBackend } from './recording-backend';
import { blobKey } from './used-blobs';

export interface RepackInput {
  repository: Repository;
  /** The prune's index (of the repository before the prune). */
  index: MasterIndex;
  packSizes: ReadonlyMap<Id, number>;
  repackPacks: ReadonlySet<Id>;
  /** Blobs to copy (blobKey); each is removed once copied. Must be empty at the end. */
  toCopy: Set<string>;
  packTargetSize: number;
  signal?: AbortSignal;
  /** After each old pack, with its size. */
  onPackDone?: (packBytes: number) => void;
}

export interface RepackResult {
  /** The new packs with their blobs, for the new index. */
  packs: IndexPack[];
  /** Index files the blob saver wrote for them: superseded by the new index like the old ones. */
  indexFiles: Id[];
  bytesWritten: number;
}

export async function repack(input: RepackInput): Promise<RepackResult> {
  const { repository, toCopy } = input;
  const backend = new WriteRecordingBackend(repository.backend);
  const newIndex = new MasterIndex();
  const saver = new BlobSaver(backend, repository.key, newIndex, {
    version: repository.config.version,
    packTargetSize: input.packTargetSize,
  });
  const result = () => ({
    packs: [...newIndex.packs()],
    indexFiles: backend.writtenOf('index').map((file) => file.name),
    bytesWritten: backend.writtenOf('data').reduce((sum, file) => sum + file.size, 0),
  });

  for (const pack of packsToRepack(input.index, input.repackPacks)) {
    if (input.signal?.aborted) {
      // Packs already begun are finished and indexed (extra copies, harmless), so no write is cut off midway.
      await saver.flush();
      throw cancelledError('nothing was deleted (the packs written so far only add copies)');
    }
    const wanted = pack.blobs.filter((blob) => toCopy.has(blobKey(blob.type, blob.id)));
    for (const window of readWindows(wanted)) {
      const stored = await readStoredBlobs(input, pack.id, window);
      for (const [i, blob] of window.entries()) {
        const key = blobKey(blob.type, blob.id);
        if (!toCopy.has(key)) continue; // a copy from an earlier pack was taken already
        const data = stored[i] ?? (await verifiedCopyElsewhere(input, blob, pack.id));
        await saver.saveEncoded({
          type: blob.type,
          id: blob.id,
          data: data.bytes,
          ...(data.uncompressedLength === undefined ? {} : { uncompressedLength: data.uncompressedLength }),
        });
        toCopy.delete(key);
      }
    }
    input.onPackDone?.(input.packSizes.get(pack.id) ?? 0);
  }
  await saver.flush();
  if (toCopy.size > 0) {
    throw new EngineError(
      'CORRUPT',
      `prune stopped before deleting anything: ${toCopy.size} used blobs were not found in the packs to repack`,
    );
  }
  return result();
}

interface StoredBlob {
  bytes: Uint8Array;
  uncompressedLength?: number;
}

/** Bytes of a pack read at once: the blobs of a read are held three times (read, copied, decoded) meanwhile. */
const maxReadBytes = 4 * 1024 * 1024;

/**
 * The wanted blobs of a pack (in pack order) in groups read at once: neighbours whose span stays within
 * maxReadBytes (a larger blob is read on its own), so repacking a pack never holds all of it in memory.
 */
export function readWindows(blobs: readonly PackedBlob[]): PackedBlob[][] {
  const windows: PackedBlob[][] = [];
  let current: PackedBlob[] = [];
  let start = 0;
  let end = 0;
  for (const blob of blobs) {
    const blobEnd = blob.offset + blob.length;
    if (current.length > 0 && (blob.offset < end || blobEnd - start > maxReadBytes)) {
      windows.push(current);
      current = [];
    }
    if (current.length === 0) start = blob.offset;
    current.push(blob);
    end = blobEnd;
  }
  if (current.length > 0) windows.push(current);
  return windows;
}

/** The repack packs with their blobs, in a fixed order. */
function packsToRepack(index: MasterIndex, repackPacks: ReadonlySet<Id>): IndexPack[] {
  const packs: IndexPack[] = [];
  for (const pack of index.packs()) if (repackPacks.has(pack.id)) packs.push(pack);
  return packs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * One read covering the wanted blobs of a pack, then each blob verified. A blob that fails verification is
 * `undefined` (the caller looks for another copy); a pack that cannot be read at all fails the repack.
 */
async function readStoredBlobs(
  input: RepackInput,
  packId: Id,
  blobs: readonly PackedBlob[],
): Promise<(StoredBlob | undefined)[]> {
  const start = Math.min(...blobs.map((b) => b.offset));
  const end = Math.max(...blobs.map((b) => b.offset + b.length));
  const size = input.packSizes.get(packId) ?? 0;
  if (end > size) {
    throw new EngineError(
      'CORRUPT',
      `prune stopped before deleting anything: the index places blobs of pack ${packId} beyond its ${size} bytes`,
    );
  }
  const buffer = await input.repository.backend.read(
    { type: 'data', name: packId },
    { offset: start, length: end - start },
  );
  return blobs.map((blob) => {
    // A copy, so the new pack does not keep this whole read buffer alive.
    const bytes = Buffer.from(buffer.subarray(blob.offset - start, blob.offset - start + blob.length));
    try {
      // Only verified, never kept: decompression may reuse the thread's scratch buffer.
      decodeBlob(input.repository.key, blob, bytes, packId, { transient: true });
    } catch (error) {
      if (isEngineError(error, 'CORRUPT')) return undefined;
      throw error;
    }
    return { bytes, uncompressedLength: blob.uncompressedLength };
  });
}

/** Another stored copy of a blob that verifies, from any pack but the damaged one. */
async function verifiedCopyElsewhere(
  input: RepackInput,
  blob: PackedBlob,
  damagedPack: Id,
): Promise<StoredBlob> {
  const failures: string[] = [];
  for (const copy of input.index.lookup(blob.type, blob.id)) {
    const size = input.packSizes.get(copy.packId);
    if (copy.packId === damagedPack) continue;
    if (size === undefined || copy.offset + copy.length > size) {
      failures.push(`the copy in pack ${copy.packId} is missing`);
      continue;
    }
    try {
      const bytes = await input.repository.backend.read(
        { type: 'data', name: copy.packId },
        { offset: copy.offset, length: copy.length },
      );
      decodeBlob(input.repository.key, copy, bytes, copy.packId, { transient: true });
      return { bytes, uncompressedLength: copy.uncompressedLength };
    } catch (error) {
      if (!isEngineError(error) || error.code === 'CANCELLED') throw error;
      failures.push(error.message);
    }
  }
  throw new EngineError(
    'CORRUPT',
    `prune stopped before deleting anything: ${blob.type} blob ${blob.id} in pack ${damagedPack} is damaged ` +
      `and no intact copy exists${failures.length > 0 ? ` (${failures.join('; ')})` : ''}; run check to see ` +
      'which snapshots are affected',
  );
}

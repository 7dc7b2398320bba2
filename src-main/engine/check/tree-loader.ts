/**
 * Loading a tree for the check. Unlike Repository.readBlob, a copy is only read when the index entry fits inside
 * the pack file as listed and has a plausible length: a damaged or hostile index entry (an absurd length, an
 * offset beyond the file) must give an error, never a huge allocation. Copies are tried in index order; the tree
 * fails only when none of them decodes. Tree packs are read whole and kept for a while (pack-bytes-cache.ts).
 */
import { EngineError, isEngineError } from '../errors';
import type { Id } from '../ids';
import { decodeBlob } from '../repository/blob-codec';
import type { MasterIndex } from '../repository/master-index';
import type { Repository } from '../repository/repository';
import { defaultMaxDecompressedLength } from '../repository/zstd';
import { goQuote } from '../tree/go/quote';
import type { Node } from '../tree/node';
import { decodeTreeFast } from '../tree/tree-fast-decode';
import { PackBytesCache } from './pack-bytes-cache';

/** Longest stored blob the check reads: the decompression cap plus the crypto overhead. */
export const maxStoredBlobLength = defaultMaxDecompressedLength + 32;

export type TreeLoader = (id: Id) => Promise<Node[]>;

/** NOT_FOUND when the tree is in no index; CORRUPT / IO_ERROR (of the first copy) when no copy loads. */
export function checkTreeLoader(
  repository: Repository,
  index: MasterIndex,
  packSizes: ReadonlyMap<Id, number>,
): TreeLoader {
  const packs = new PackBytesCache(repository.backend);
  return async (id) => {
    const copies = index.lookup('tree', id);
    if (copies.length === 0) throw new EngineError('NOT_FOUND', `tree ${id}: not in any index`);
    let firstError: EngineError | undefined;
    for (const copy of copies) {
      const what = `tree blob ${id} in pack ${copy.packId}`;
      try {
        const size = packSizes.get(copy.packId);
        if (size === undefined) throw new EngineError('NOT_FOUND', `${what}: the pack does not exist`);
        if (copy.length > maxStoredBlobLength || copy.offset + copy.length > size) {
          throw new EngineError(
            'CORRUPT',
            `${what}: the index places it at ${copy.offset}+${copy.length}, outside the ${size}-byte pack`,
          );
        }
        const range = { offset: copy.offset, length: copy.length };
        const data = packs.takes(size)
          ? (await packs.get(copy.packId, size)).subarray(range.offset, range.offset + range.length)
          : await repository.backend.read({ type: 'data', name: copy.packId }, range);
        return decodeTreeFast(decodeBlob(repository.key, copy, data, copy.packId), id);
      } catch (error) {
        if (!isEngineError(error) || error.code === 'CANCELLED') throw error;
        firstError ??= error.message.includes(id)
          ? error
          : new EngineError(error.code, `${what}: ${error.message}`, { cause: error });
      }
    }
    throw firstError;
  };
}

/** A node name for messages: as is when printable ASCII, else Go-quoted (as restic prints names with %q). */
export function displayName(name: Uint8Array): string {
  const plain = name.every((byte) => byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c);
  return plain && name.length > 0 ? Buffer.from(name).toString('latin1') : goQuote(name);
}

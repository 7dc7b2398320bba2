/**
 * The new complete index: every pack that stays, in index files of restic's size, the last of which lists the
 * index files it supersedes. Written before any old index file is deleted, so at every moment the union of the
 * index files on storage names every pack a snapshot needs.
 *
 * Why `supersedes` goes into the last file: a file claiming to replace the old ones exists only once all new
 * files exist. restic 0.14 does not act on `supersedes` when loading (it loads every index file and merges
 * duplicates), but a reader that trusted it after a crash must not be misled into dropping the old files early.
 */
import type { Id } from '../ids';
import {
  encodeIndexPack,
  type IndexPack,
  indexFileBytes,
  maxBlobsPerIndexFile,
} from '../repository/index-file';
import type { Repository } from '../repository/repository';

/** restic 0.14 saves an index file once it holds this many blobs in a v1 repository (150 000 in v2). */
export const maxBlobsPerIndexFileV1 = 50_000;

export function defaultMaxBlobsPerIndexFile(version: number): number {
  return version >= 2 ? maxBlobsPerIndexFile : maxBlobsPerIndexFileV1;
}

export interface IndexWriteInput {
  repository: Repository;
  packs: Iterable<IndexPack>;
  supersedes: readonly Id[];
  maxBlobs: number;
  /** After each file written. */
  onFileWritten?: (id: Id) => void;
}

/**
 * Writes the new index files one after the other; returns their IDs. A file is closed once it holds `maxBlobs`
 * blobs (as restic's IndexFull). Packs are encoded as they come from `packs`, so memory holds one file's JSON,
 * not an object per blob of the whole index.
 */
export async function writeCompleteIndex(input: IndexWriteInput): Promise<Id[]> {
  const written: Id[] = [];
  let packs: string[] = [];
  let blobs = 0;
  const writeFile = async (supersedes: readonly Id[]) => {
    const id = await input.repository.saveUnpacked('index', indexFileBytes(supersedes, packs));
    packs = [];
    blobs = 0;
    written.push(id);
    input.onFileWritten?.(id);
  };
  for (const pack of input.packs) {
    packs.push(encodeIndexPack(pack));
    blobs += pack.blobs.length;
    if (blobs >= input.maxBlobs) await writeFile([]);
  }
  // The last file is written even when empty: it carries `supersedes` (restic writes it too).
  await writeFile(input.supersedes);
  return written;
}

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
import { encodeIndexFile, type IndexPack, maxBlobsPerIndexFile } from '../repository/index-file';
import type { Repository } from '../repository/repository';

/** restic 0.14 saves an index file once it holds this many blobs in a v1 repository (150 000 in v2). */
export const maxBlobsPerIndexFileV1 = 50_000;

export function defaultMaxBlobsPerIndexFile(version: number): number {
  return version >= 2 ? maxBlobsPerIndexFile : maxBlobsPerIndexFileV1;
}

/** Groups packs into index files: a file is closed once it holds `maxBlobs` blobs (as restic's IndexFull). */
export function groupIntoIndexFiles(packs: Iterable<IndexPack>, maxBlobs: number): IndexPack[][] {
  const files: IndexPack[][] = [];
  let current: IndexPack[] = [];
  let blobs = 0;
  for (const pack of packs) {
    current.push(pack);
    blobs += pack.blobs.length;
    if (blobs >= maxBlobs) {
      files.push(current);
      current = [];
      blobs = 0;
    }
  }
  // The last file is written even when empty: it carries `supersedes` (restic writes it too).
  files.push(current);
  return files;
}

export interface IndexWriteInput {
  repository: Repository;
  packs: Iterable<IndexPack>;
  supersedes: readonly Id[];
  maxBlobs: number;
  /** After each file written. */
  onFileWritten?: (id: Id) => void;
}

/** Writes the new index files one after the other; returns their IDs. */
export async function writeCompleteIndex(input: IndexWriteInput): Promise<Id[]> {
  const groups = groupIntoIndexFiles(input.packs, input.maxBlobs);
  const written: Id[] = [];
  for (const [i, packs] of groups.entries()) {
    const last = i === groups.length - 1;
    const json = encodeIndexFile({ supersedes: last ? [...input.supersedes] : [], packs });
    const id = await input.repository.saveUnpacked('index', json);
    written.push(id);
    input.onFileWritten?.(id);
  }
  return written;
}

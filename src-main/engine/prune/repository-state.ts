/**
 * What a prune starts from: every index file (loaded into an index of the prune's own, so whatever the caller's
 * Repository instance has loaded or written before does not leak into the plan) and the packs in `data/`.
 *
 * Loading the index before listing the snapshots is safe only because prune holds the exclusive lock: no backup
 * can add a snapshot (or index) in between (restic relies on the same). An index file that cannot be read stops
 * the prune, as in restic: without it, its packs would look unreferenced and be deleted.
 */
import type { Id } from '../ids';
import { decodeIndexFile } from '../repository/index-file';
import { MasterIndex } from '../repository/master-index';
import type { Repository } from '../repository/repository';
import { parseJson } from '../repository/unpacked-file';
import { throwIfCancelled } from './prune-cancel';

export interface RepositoryState {
  index: MasterIndex;
  /** The index files loaded: the new index supersedes all of them. */
  indexFiles: Id[];
  /** Every pack in data/ with its size. */
  packSizes: Map<Id, number>;
  /** Packs named by more than one index file (left by an interrupted prune or by concurrent backups). */
  packsIndexedTwice: number;
}

export async function loadRepositoryState(
  repository: Repository,
  signal: AbortSignal | undefined,
): Promise<RepositoryState> {
  const index = new MasterIndex();
  const indexFiles: Id[] = [];
  for await (const file of repository.backend.list('index')) indexFiles.push(file.name);
  indexFiles.sort();
  const seen = new Set<Id>();
  let packsIndexedTwice = 0;
  for (const id of indexFiles) {
    throwIfCancelled(signal);
    const what = `index file ${id}`;
    const file = decodeIndexFile(parseJson(await repository.loadUnpacked('index', id), what), what);
    for (const pack of file.packs) {
      if (seen.has(pack.id)) packsIndexedTwice++;
      seen.add(pack.id);
    }
    index.addIndexFile(file);
  }
  index.compact();
  const packSizes = new Map<Id, number>();
  for await (const file of repository.backend.list('data')) packSizes.set(file.name, file.size);
  return { index, indexFiles, packSizes, packsIndexedTwice };
}

/**
 * Step 1 of a check: every index file is loaded on its own, so one that cannot be read, decrypted or decoded is
 * an error naming it — and the check goes on with the others (restic stops there; going on shows what the rest
 * of the repository still holds). The entries go into the check's own MasterIndex, in file name order (a few files
 * are read ahead).
 *
 * Hint, as restic gives it (a warning, not an error): a pack listed by several index files.
 *
 * The problems are returned, not logged, so that a caller that loaded the index before it could rely on the
 * repository (while its lock was being taken) can load it again and keep only the second result.
 */
import { EngineError, isEngineError } from '../errors';
import type { Id } from '../ids';
import { decodeIndexFile, type IndexFile } from '../repository/index-file';
import { MasterIndex } from '../repository/master-index';
import type { Repository } from '../repository/repository';
import { parseJson } from '../repository/unpacked-file';
import type { CheckProblem } from './check-types';
import { throwIfCancelled } from './concurrency';

const readAhead = 4;

export interface LoadedIndex {
  index: MasterIndex;
  /** The index files found, sorted (loaded or not). */
  files: Id[];
  /** Every pack the loaded index files name, sorted. */
  packs: Id[];
  errors: CheckProblem[];
  warnings: CheckProblem[];
}

export async function listIndexFiles(repository: Repository): Promise<Id[]> {
  const files: Id[] = [];
  for await (const file of repository.backend.list('index')) files.push(file.name);
  return files.sort();
}

async function loadIndexFile(repository: Repository, name: Id): Promise<IndexFile | EngineError> {
  const what = `index file ${name}`;
  try {
    return decodeIndexFile(parseJson(await repository.loadUnpacked('index', name), what), what);
  } catch (error) {
    if (!isEngineError(error) || error.code === 'CANCELLED') throw error;
    return error;
  }
}

export async function loadIndexFiles(repository: Repository, signal?: AbortSignal): Promise<LoadedIndex> {
  const files = await listIndexFiles(repository);
  const index = new MasterIndex();
  const errors: CheckProblem[] = [];
  const listedBy = new Map<Id, Id[]>();
  const loads: Promise<IndexFile | EngineError>[] = [];
  const start = (i: number) => {
    const name = files[i];
    if (name === undefined) return;
    loads[i] = loadIndexFile(repository, name);
    loads[i]?.catch(() => undefined); // awaited in order below; a failure must not count as unhandled meanwhile
  };
  for (let i = 0; i < readAhead; i++) start(i);
  for (let i = 0; i < files.length; i++) {
    const name = files[i] as Id;
    const loaded = await loads[i];
    start(i + readAhead);
    throwIfCancelled(signal);
    if (loaded === undefined) continue;
    if (loaded instanceof EngineError) {
      const what = `index file ${name}`;
      errors.push({
        kind: 'index-unreadable',
        code: loaded.code,
        message: loaded.message.startsWith(what) ? loaded.message : `${what}: ${loaded.message}`,
        indexFile: name,
      });
      continue;
    }
    index.addIndexFile(loaded);
    for (const pack of loaded.packs) {
      const lists = listedBy.get(pack.id);
      if (lists === undefined) listedBy.set(pack.id, [name]);
      else if (!lists.includes(name)) lists.push(name);
    }
  }
  index.compact();
  const warnings: CheckProblem[] = [];
  for (const [pack, lists] of listedBy) {
    if (lists.length < 2) continue;
    warnings.push({
      kind: 'index-duplicate-pack',
      message: `pack ${pack} is contained in several index files: ${lists.join(', ')}`,
      pack,
    });
  }
  return { index, files, packs: [...listedBy.keys()].sort(), errors, warnings };
}

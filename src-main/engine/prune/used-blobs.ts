/**
 * The blobs a prune must keep: every tree reachable from a snapshot, and every data blob a file node of those
 * trees names — restic 0.14's FindUsedBlobs (directories are followed through `subtree`, files contribute their
 * `content`; other node types reference nothing). Each tree is loaded once however many snapshots share it.
 *
 * Anything that cannot be read stops the prune before it changes anything, as restic's does: a snapshot file that
 * does not load, or a tree that is in no index or does not decode. Guessing would be fatal here — blobs below an
 * unreadable tree would look unused and be deleted, turning a repairable repository into a lost one.
 *
 * (check has a tree loader, check/tree-loader.ts, but no reusable "snapshots → used blobs" walk; this small one
 * keeps prune independent of the checker's problem reporting.)
 */
import { EngineError, isEngineError } from '../errors';
import { type Id, shortId } from '../ids';
import { HeapPacer } from '../parallel/heap-pacer';
import type { BlobType } from '../repository/blob';
import { decodeBlob } from '../repository/blob-codec';
import type { MasterIndex } from '../repository/master-index';
import type { Repository } from '../repository/repository';
import { defaultMaxDecompressedLength } from '../repository/zstd';
import type { Node } from '../tree/node';
import { decodeTreeFast } from '../tree/tree-fast-decode';
import { throwIfCancelled } from './prune-cancel';

/** A blob's identity in sets: one string per blob, `t…`/`d…` + hex ID. */
export function blobKey(type: BlobType, id: Id): string {
  return (type === 'tree' ? 't' : 'd') + id;
}

const defaultConcurrency = 8;
/** Longest stored blob worth reading: the decompression cap plus the crypto overhead. */
const maxStoredBlobLength = defaultMaxDecompressedLength + 32;
const refusal = 'prune refused to run, nothing was changed';

export interface UsedBlobsOptions {
  ignoreSnapshots?: readonly Id[];
  signal?: AbortSignal;
  concurrency?: number;
  /** Called after each tree is loaded, with the count so far. */
  onTree?: (treesLoaded: number) => void;
}

export interface UsedBlobs {
  /** blobKey of every used blob. */
  keys: Set<string>;
  snapshots: number;
  trees: number;
}

export async function findUsedBlobs(
  repository: Repository,
  index: MasterIndex,
  packSizes: ReadonlyMap<Id, number>,
  options: UsedBlobsOptions = {},
): Promise<UsedBlobs> {
  const roots = await loadSnapshotTrees(repository, options);
  const keys = new Set<string>();
  const queue: { tree: Id; snapshot: Id }[] = [];
  const enqueue = (tree: Id, snapshot: Id) => {
    const key = blobKey('tree', tree);
    if (keys.has(key)) return;
    keys.add(key);
    queue.push({ tree, snapshot });
  };
  for (const root of roots) enqueue(root.tree, root.snapshot);

  let trees = 0;
  // Decoded trees die soon but not young (their children are queued meanwhile): collect them as the heap grows.
  const heap = new HeapPacer();
  const visit = async ({ tree, snapshot }: { tree: Id; snapshot: Id }) => {
    throwIfCancelled(options.signal);
    let nodes: Node[];
    try {
      nodes = await loadTree(repository, index, packSizes, tree);
    } catch (error) {
      if (!isEngineError(error) || error.code === 'CANCELLED') throw error;
      throw new EngineError(
        error.code,
        `${refusal}: tree ${tree} (reached from snapshot ${shortId(snapshot)}) cannot be loaded: ` +
          `${error.message}; run check to see what is damaged`,
        { cause: error },
      );
    }
    for (const node of nodes) {
      if (node.type === 'file') for (const id of node.content ?? []) keys.add(blobKey('data', id));
      else if (node.type === 'dir' && node.subtree !== null) enqueue(node.subtree, snapshot);
    }
    options.onTree?.(++trees);
    heap.check();
  };
  await drain(queue, options.concurrency ?? defaultConcurrency, visit);
  return { keys, snapshots: roots.length, trees };
}

/** Every snapshot's root tree, except the ignored snapshots; a snapshot that cannot be loaded refuses the prune. */
async function loadSnapshotTrees(
  repository: Repository,
  options: UsedBlobsOptions,
): Promise<{ snapshot: Id; tree: Id }[]> {
  const ignored = new Set(options.ignoreSnapshots ?? []);
  const names: Id[] = [];
  for await (const file of repository.backend.list('snapshot')) {
    if (!ignored.has(file.name)) names.push(file.name);
  }
  const roots: { snapshot: Id; tree: Id }[] = [];
  for (const id of names.sort()) {
    throwIfCancelled(options.signal);
    try {
      roots.push({ snapshot: id, tree: (await repository.loadSnapshot(id)).tree });
    } catch (error) {
      if (!isEngineError(error) || error.code === 'CANCELLED') throw error;
      throw new EngineError(error.code, `${refusal}: snapshot ${id} cannot be loaded: ${error.message}`, {
        cause: error,
      });
    }
  }
  return roots;
}

/**
 * A tree through the prune's own index. Copies are tried in index order; an entry that does not fit inside its
 * pack (as listed) is refused before reading, so a damaged or hostile index cannot make us allocate gigabytes.
 */
async function loadTree(
  repository: Repository,
  index: MasterIndex,
  packSizes: ReadonlyMap<Id, number>,
  id: Id,
): Promise<Node[]> {
  const copies = index.lookup('tree', id);
  if (copies.length === 0) throw new EngineError('NOT_FOUND', 'it is in no index');
  let firstError: EngineError | undefined;
  for (const copy of copies) {
    const where = `copy in pack ${copy.packId}`;
    try {
      const size = packSizes.get(copy.packId);
      if (size === undefined) throw new EngineError('NOT_FOUND', `${where}: the pack is missing`);
      if (copy.length > maxStoredBlobLength || copy.offset + copy.length > size) {
        throw new EngineError('CORRUPT', `${where}: the index places it outside the ${size}-byte pack`);
      }
      const data = await repository.backend.read(
        { type: 'data', name: copy.packId },
        { offset: copy.offset, length: copy.length },
      );
      return decodeTreeFast(decodeBlob(repository.key, copy, data, copy.packId), id);
    } catch (error) {
      if (!isEngineError(error) || error.code === 'CANCELLED') throw error;
      firstError ??= error;
    }
  }
  throw firstError;
}

/** Runs `work` on queue items (the queue may grow meanwhile) with at most `limit` at once; the first failure wins. */
function drain<T>(queue: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let active = 0;
    let failed = false;
    const pump = () => {
      if (failed) return;
      while (active < limit && queue.length > 0) {
        const item = queue.pop() as T;
        active++;
        work(item).then(
          () => {
            active--;
            pump();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
      if (active === 0 && queue.length === 0) resolve();
    };
    pump();
  });
}

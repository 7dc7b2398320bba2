/**
 * Tree reading for the wizard's catalog and inputs. System state sessions of one machine share almost all their
 * trees (/etc changes a few files a day), and a tree ID names its content, so whatever is computed from a tree —
 * its decoded nodes within one request, its content totals for the life of the opened repository — is computed
 * once per ID.
 */
import { isEngineError } from '../../engine/errors';
import type { Id } from '../../engine/ids';
import type { Repository } from '../../engine/repository/repository';
import { repositoryTreeLoader, type TreeLoader } from '../../engine/restore/tree-walker';
import type { Node } from '../../engine/tree/node';

/** A loader that reads and decodes each tree once (for one request: the cache is not bounded). */
export function cachingTreeLoader(repository: Repository): TreeLoader {
  const base = repositoryTreeLoader(repository);
  const trees = new Map<Id, Promise<Node[]>>();
  return (id) => {
    let loading = trees.get(id);
    if (loading === undefined) {
      loading = base(id);
      // A failed read is not kept: the next caller tries again (and sees the error itself).
      loading.catch(() => trees.delete(id));
      trees.set(id, loading);
    }
    return loading;
  };
}

export interface ContentTotals {
  /** Content bytes of the regular files below the tree. */
  bytes: number;
  /** Regular files below the tree (each name of a hardlinked file counts). */
  files: number;
  /** Trees below that could not be read (damaged or missing): their content is not counted. */
  unreadableTrees: number;
}

/** Totals per tree ID, per opened repository (dropped with it). */
const totalsCache = new WeakMap<Repository, Map<Id, Promise<ContentTotals>>>();

/**
 * Content bytes and regular files of the tree `treeId` and everything below it. A tree that cannot be read
 * (CORRUPT, NOT_FOUND) counts as empty and is counted in `unreadableTrees`: the listing of a machine's sessions
 * must not fail because one old session is damaged — the restore of that session reports the damage entry by entry.
 */
export function contentTotals(repository: Repository, treeId: Id): Promise<ContentTotals> {
  let cache = totalsCache.get(repository);
  if (cache === undefined) {
    cache = new Map();
    totalsCache.set(repository, cache);
  }
  return totalsOf(repositoryTreeLoader(repository), treeId, cache);
}

function totalsOf(
  loadTree: TreeLoader,
  treeId: Id,
  cache: Map<Id, Promise<ContentTotals>>,
): Promise<ContentTotals> {
  const known = cache.get(treeId);
  if (known !== undefined) return known;
  const computing = (async (): Promise<ContentTotals> => {
    let nodes: Node[];
    try {
      nodes = await loadTree(treeId);
    } catch (error) {
      if (isEngineError(error, 'CORRUPT') || isEngineError(error, 'NOT_FOUND'))
        return { bytes: 0, files: 0, unreadableTrees: 1 };
      throw error;
    }
    const totals: ContentTotals = { bytes: 0, files: 0, unreadableTrees: 0 };
    for (const node of nodes) {
      if (node.type === 'file') {
        totals.files++;
        totals.bytes += Number(node.size);
      } else if (node.type === 'dir') {
        if (node.subtree === null) {
          totals.unreadableTrees++;
          continue;
        }
        const below = await totalsOf(loadTree, node.subtree, cache);
        totals.files += below.files;
        totals.bytes += below.bytes;
        totals.unreadableTrees += below.unreadableTrees;
      }
    }
    return totals;
  })();
  // Anything else (IO_ERROR, a closed backend) is not a fact about the tree: not kept.
  computing.catch(() => cache.delete(treeId));
  cache.set(treeId, computing);
  return computing;
}

/**
 * Step 3 of a check: every snapshot loads, and every tree reachable from them loads, decodes and references only
 * blobs the index has. Each tree is checked once however many snapshots share it (restic does the same). Node
 * rules are restic 0.14's checker's: a file needs a content list (`[]` for an empty file, never null) of non-null
 * IDs, a directory needs a non-null subtree, no name is empty.
 *
 * A reference to a blob no index has is a dangling reference: an error naming the tree, the node and the blob.
 */
import { isEngineError } from '../errors';
import type { Id } from '../ids';
import type { MasterIndex } from '../repository/master-index';
import type { Repository } from '../repository/repository';
import type { Snapshot } from '../repository/snapshot';
import type { Node } from '../tree/node';
import { cancelledError, throwIfCancelled } from './concurrency';
import type { DamageLedger } from './damage-ledger';
import type { ProblemLog } from './problem-log';
import { displayName, type TreeLoader } from './tree-loader';

const parallelTreeLoads = 8;
export const nullId: Id = '0'.repeat(64);

export interface LoadedSnapshot {
  id: Id;
  snapshot: Snapshot;
}

export interface TreeCheckContext {
  repository: Repository;
  index: MasterIndex;
  loadTree: TreeLoader;
  log: ProblemLog;
  ledger: DamageLedger;
  signal?: AbortSignal;
  onTreeDone: (treesDone: number) => void;
}

/** A tree to walk, and where it was first met (for messages): a snapshot's root, or a node of another tree. */
interface TreeReference {
  id: Id;
  snapshot?: Id;
  parent?: Id;
  name?: Buffer;
}

function describeReference(tree: TreeReference): string {
  if (tree.snapshot !== undefined) return `snapshot ${tree.snapshot}`;
  return `tree ${tree.parent}, node ${displayName(tree.name ?? Buffer.alloc(0))}`;
}

export async function checkSnapshots(context: TreeCheckContext): Promise<LoadedSnapshot[]> {
  const { repository, log } = context;
  const names: Id[] = [];
  for await (const file of repository.backend.list('snapshot')) names.push(file.name);
  const snapshots: LoadedSnapshot[] = [];
  for (const id of names.sort()) {
    throwIfCancelled(context.signal);
    try {
      snapshots.push({ id, snapshot: await repository.loadSnapshot(id) });
    } catch (error) {
      if (!isEngineError(error) || error.code === 'CANCELLED') throw error;
      log.error({ kind: 'snapshot-unreadable', code: error.code, message: error.message, snapshot: id });
    }
  }
  return snapshots.sort((a, b) => Date.parse(a.snapshot.time) - Date.parse(b.snapshot.time));
}

/** Walks every tree of the snapshots once; returns how many trees were loaded and checked. */
export async function checkTrees(
  context: TreeCheckContext,
  snapshots: readonly LoadedSnapshot[],
): Promise<number> {
  const { index, log, ledger } = context;
  const roots: TreeReference[] = [];
  for (const { id, snapshot } of snapshots) {
    if (index.has('tree', snapshot.tree)) {
      roots.push({ id: snapshot.tree, snapshot: id });
      continue;
    }
    log.error({
      kind: 'blob-missing',
      code: 'NOT_FOUND',
      message: `snapshot ${id}: its root tree ${snapshot.tree} is not in any index`,
      snapshot: id,
      blob: { type: 'tree', id: snapshot.tree },
    });
    ledger.blobMissing('tree', snapshot.tree);
  }
  // Roots are pushed in reverse so the stack (depth first, like restic) starts with the oldest snapshot.
  const stack = roots.reverse();
  const visited = new Set<Id>();
  let checked = 0;
  await new Promise<void>((resolve, reject) => {
    let active = 0;
    let failed = false;
    const pump = () => {
      if (failed) return;
      if (context.signal?.aborted) {
        failed = true;
        reject(cancelledError());
        return;
      }
      while (active < parallelTreeLoads && stack.length > 0) {
        const next = stack.pop() as TreeReference;
        if (visited.has(next.id)) continue;
        visited.add(next.id);
        active++;
        visitTree(context, next, stack).then(
          (loaded) => {
            active--;
            if (loaded) context.onTreeDone(++checked);
            pump();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
      if (active === 0 && stack.length === 0) resolve();
    };
    pump();
  });
  return checked;
}

/** Loads one tree and checks its nodes; pushes its subtrees. False when the tree could not be loaded. */
async function visitTree(context: TreeCheckContext, tree: TreeReference, stack: TreeReference[]) {
  let nodes: Node[];
  try {
    nodes = await context.loadTree(tree.id);
  } catch (error) {
    if (!isEngineError(error) || error.code === 'CANCELLED') throw error;
    context.log.error({
      kind: 'tree-unreadable',
      code: error.code,
      message: `tree ${tree.id} (from ${describeReference(tree)}): ${error.message}`,
      tree: tree.id,
      blob: { type: 'tree', id: tree.id },
    });
    context.ledger.treeUnloadable(tree.id);
    return false;
  }
  const subtrees: TreeReference[] = [];
  for (const node of nodes) {
    const subtree = checkNode(context, tree.id, node);
    if (subtree !== null) subtrees.push({ id: subtree, parent: tree.id, name: node.name });
  }
  // Reversed so the first subtree is popped first: stored order, depth first.
  for (let i = subtrees.length - 1; i >= 0; i--) stack.push(subtrees[i] as TreeReference);
  return true;
}

/** Reports what is wrong with one node; returns the subtree to walk, if any. */
function checkNode(context: TreeCheckContext, treeId: Id, node: Node): Id | null {
  const { index, log, ledger } = context;
  // Named lazily: most nodes are fine, and quoting every name costs more than checking the node.
  let shown: string | undefined;
  const name = () => {
    shown ??= displayName(node.name);
    return shown;
  };
  const invalid = (problem: string) => {
    log.error({
      kind: 'node-invalid',
      code: 'CORRUPT',
      message: `tree ${treeId}: ${problem}`,
      tree: treeId,
      node: name(),
    });
    ledger.nodeInvalid(treeId);
  };
  if (node.name.length === 0) invalid('node with empty name');
  if (node.type === 'file') {
    if (node.content === null) invalid(`file ${name()} has nil blob list`);
    (node.content ?? []).forEach((id, position) => {
      if (id === nullId) {
        invalid(`file ${name()} blob ${position} has null ID`);
        return;
      }
      if (index.has('data', id)) return;
      log.error({
        kind: 'blob-missing',
        code: 'NOT_FOUND',
        message: `tree ${treeId}: file ${name()} blob ${id} not found in index`,
        tree: treeId,
        node: name(),
        blob: { type: 'data', id },
      });
      ledger.blobMissing('data', id);
    });
    return null;
  }
  if (node.type !== 'dir') return null;
  if (node.subtree === null) {
    invalid(`dir node ${name()} has no subtree`);
    return null;
  }
  if (node.subtree === nullId) {
    invalid(`dir node ${name()} subtree id is null`);
    return null;
  }
  if (!index.has('tree', node.subtree)) {
    log.error({
      kind: 'blob-missing',
      code: 'NOT_FOUND',
      message: `tree ${treeId}: dir ${name()} subtree ${node.subtree} not found in index`,
      tree: treeId,
      node: name(),
      blob: { type: 'tree', id: node.subtree },
    });
    ledger.blobMissing('tree', node.subtree);
    return null;
  }
  return node.subtree;
}

/**
 * Step 5 of a check, only when something was found damaged: which snapshots and which paths in them the damage
 * affects. Each snapshot's trees are walked again; a file is affected when a blob of its content is lost (in no
 * index, or every copy bad), a directory when its own listing (tree) is lost — then everything below it is. Trees
 * shared by snapshots (the usual case: unchanged directories) are walked once: the affected paths below a tree are
 * remembered by tree ID.
 */
import { isEngineError } from '../errors';
import type { Id } from '../ids';
import type { Node } from '../tree/node';
import type { AffectedSnapshot } from './check-types';
import { throwIfCancelled } from './concurrency';
import type { DamageLedger } from './damage-ledger';
import { type LoadedSnapshot, nullId } from './tree-check';
import { displayName, type TreeLoader } from './tree-loader';

/** Paths kept per snapshot (and per tree while walking); beyond that they are only counted. */
export const maxAffectedPaths = 1000;

interface PathList {
  /** Relative to the tree, components joined by '/'. */
  paths: string[];
  count: number;
}

const none: PathList = { paths: [], count: 0 };

export class AffectedPathFinder {
  private readonly below = new Map<Id, PathList>();

  constructor(
    private readonly loadTree: TreeLoader,
    private readonly ledger: DamageLedger,
    private readonly signal?: AbortSignal,
  ) {}

  async find(snapshots: readonly LoadedSnapshot[]): Promise<AffectedSnapshot[]> {
    const affected: AffectedSnapshot[] = [];
    for (const { id, snapshot } of snapshots) {
      const list = this.ledger.isDamaged('tree', snapshot.tree)
        ? { paths: [''], count: 1 }
        : ((await this.walk(snapshot.tree)) ?? { paths: [''], count: 1 });
      if (list.count === 0) continue;
      affected.push({
        snapshot: id,
        time: snapshot.time,
        paths: list.paths.map((path) => `/${path}`),
        pathCount: list.count,
      });
    }
    return affected;
  }

  /** The affected paths below a tree; null when the tree itself cannot be loaded. */
  private async walk(id: Id): Promise<PathList | null> {
    const known = this.below.get(id);
    if (known !== undefined) return known;
    throwIfCancelled(this.signal);
    let nodes: Node[];
    try {
      nodes = await this.loadTree(id);
    } catch (error) {
      if (!isEngineError(error) || error.code === 'CANCELLED') throw error;
      return null;
    }
    let list = none;
    const add = (path: string, count = 1) => {
      if (list === none) list = { paths: [], count: 0 };
      if (list.paths.length < maxAffectedPaths) list.paths.push(path);
      list.count += count;
    };
    for (const node of nodes) {
      const name = displayName(node.name);
      if (node.type === 'file') {
        if (this.fileLost(node)) add(name);
        continue;
      }
      if (node.type !== 'dir') {
        if (node.name.length === 0) add(name);
        continue;
      }
      const subtree = node.subtree;
      if (
        subtree === null ||
        subtree === nullId ||
        node.name.length === 0 ||
        this.ledger.isDamaged('tree', subtree)
      ) {
        add(name);
        continue;
      }
      const inner = await this.walk(subtree);
      if (inner === null) {
        add(name);
        continue;
      }
      for (const path of inner.paths) add(`${name}/${path}`, 0);
      if (list !== none) list.count += inner.count;
    }
    this.below.set(id, list);
    return list;
  }

  private fileLost(node: Node): boolean {
    if (node.content === null || node.name.length === 0) return true;
    return node.content.some((id) => id === nullId || this.ledger.isDamaged('data', id));
  }
}

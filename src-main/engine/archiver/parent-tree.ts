/**
 * The parent snapshot, read lazily directory by directory: a file whose type, size, mtime, ctime and inode are
 * unchanged since the parent (restic's rule) keeps its content list without being read again — provided every
 * blob of that list is still in the index.
 */
import type { Id } from '../ids';
import type { Repository } from '../repository/repository';
import type { Node } from '../tree/node';
import { decodeTreeFast } from '../tree/tree-fast-decode';

/** One directory of the parent snapshot: its tree ID and its nodes in stored order. */
export interface ParentDirectory {
  id: Id;
  nodes: Node[];
  /** Whether the nodes are in strictly ascending byte-wise name order, as restic and we write trees. */
  sorted: boolean;
  /** The nodes by raw name (latin1), made only for a tree that is not sorted or names that are not. */
  byName?: Map<string, Node>;
}

type Entries = ParentDirectory;

/** The parent's node of that raw name. */
export function parentNamed(parents: ParentDirectory | null, name: Buffer): Node | undefined {
  if (parents === null) return undefined;
  parents.byName ??= new Map(parents.nodes.map((node) => [node.name.toString('latin1'), node]));
  return parents.byName.get(name.toString('latin1'));
}

/**
 * Matches a directory's entries, taken in order, to the parent's nodes. Entries and a parent tree are both sorted
 * by raw name, so they are matched by walking both at once — no map and no string per name: a backup matches
 * every entry it visits this way. From the first name out of order, or for a parent tree that is not sorted, it
 * looks names up instead.
 */
export class ParentMatcher {
  private next = 0;
  private previous: Buffer | undefined;
  private byName: boolean;

  constructor(private readonly parents: ParentDirectory | null) {
    this.byName = parents !== null && !parents.sorted;
  }

  /** The parent's node named `name` (the next entry's name), if any. */
  match(name: Buffer): Node | undefined {
    const { parents } = this;
    if (parents === null) return undefined;
    if (!this.byName && this.previous !== undefined && Buffer.compare(this.previous, name) >= 0)
      this.byName = true;
    this.previous = name;
    if (this.byName) return parentNamed(parents, name);
    const { nodes } = parents;
    let order = -1;
    while (this.next < nodes.length) {
      order = Buffer.compare((nodes[this.next] as Node).name, name);
      if (order >= 0) break;
      this.next++;
    }
    return this.next < nodes.length && order === 0 ? nodes[this.next] : undefined;
  }
}

function strictlyAscending(names: readonly Buffer[]): boolean {
  for (let i = 1; i < names.length; i++) {
    if (Buffer.compare(names[i - 1] as Buffer, names[i] as Buffer) >= 0) return false;
  }
  return true;
}

export class ParentTrees {
  /**
   * Reads started ahead of the walk (see prefetch); each is taken out when the walk arrives. They hold the
   * tree's bytes, decoded only on arrival: decoded nodes are thousands of small objects that would survive
   * many young-generation collections while they wait, which costs far more than decoding late.
   */
  private readonly ahead = new Map<Id, Promise<Buffer>>();

  constructor(private readonly repository: Repository) {}

  /** The parent's version of one directory, or null when the parent has no such directory. */
  async load(subtree: Id | null | undefined): Promise<Entries | null> {
    if (!subtree) return null;
    const started = this.ahead.get(subtree);
    if (started) this.ahead.delete(subtree);
    return this.decode(subtree, await (started ?? this.repository.readBlob('tree', subtree)));
  }

  /**
   * Starts reading the parent trees of the subdirectories the walk is about to enter, so that the depth-first
   * walk does not wait for one tree read per directory. Bounded by the width of the directories on the walk's
   * path; errors surface when the walk loads the tree.
   */
  prefetch(subtree: Id | null): void {
    if (!subtree || this.ahead.has(subtree)) return;
    const reading = this.repository.readBlob('tree', subtree);
    reading.catch(() => undefined); // reported by load(), which awaits this same promise
    this.ahead.set(subtree, reading);
  }

  private decode(subtree: Id, bytes: Buffer): Entries {
    const nodes = decodeTreeFast(bytes, subtree);
    return { id: subtree, nodes, sorted: strictlyAscending(nodes.map((node) => node.name)) };
  }

  /** The parent's content list for `current`, when it may be reused; null when the file must be read. */
  reusableContent(current: Node, parent: Node | undefined): Id[] | null {
    if (
      parent === undefined ||
      parent.type !== 'file' ||
      current.type !== 'file' ||
      parent.content === null
    ) {
      return null;
    }
    const same =
      parent.size === current.size &&
      sameTime(parent.mtime, current.mtime) &&
      sameTime(parent.ctime, current.ctime) &&
      parent.inode === current.inode;
    if (!same) return null;
    return parent.content.every((id) => this.repository.hasBlob('data', id)) ? parent.content : null;
  }
}

function sameTime(a: Node['mtime'], b: Node['mtime']): boolean {
  return a.sec === b.sec && a.nsec === b.nsec;
}

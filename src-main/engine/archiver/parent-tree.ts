/**
 * The parent snapshot, read lazily directory by directory: a file whose type, size, mtime, ctime and inode are
 * unchanged since the parent (restic's rule) keeps its content list without being read again — provided every
 * blob of that list is still in the index.
 */
import type { Id } from '../ids';
import type { Repository } from '../repository/repository';
import type { Node } from '../tree/node';
import { decodeTreeFast } from '../tree/tree-fast-decode';

/** One directory of the parent snapshot: its tree ID, its nodes in stored order, and the nodes by raw name. */
export interface ParentDirectory {
  id: Id;
  nodes: Node[];
  byName: Map<string, Node>;
}

type Entries = ParentDirectory;

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
    return { id: subtree, nodes, byName: new Map(nodes.map((node) => [node.name.toString('latin1'), node])) };
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

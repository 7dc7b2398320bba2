/**
 * Walks the part of a snapshot's tree that a restore takes, depth first, in stored order, and vets every name on
 * the way. Restore, its totals pre-pass and verification all walk with this, so they agree on what is restored
 * and what is refused.
 *
 * An entry is refused (PATH_ESCAPE, reported through `problem`, nothing visited below it) when its name is not one
 * ordinary path component (see assertSafeName) or when its name appears more than once in its tree: with
 * duplicates, a directory and a symlink of the same name could redirect what is written into the directory, and
 * there is no telling which of them is legitimate, so none is restored. A tree that cannot be read or decoded
 * (CORRUPT, NOT_FOUND) is reported the same way; the walk goes on with the rest.
 */
import { EngineError, isEngineError } from '../errors';
import type { Id } from '../ids';
import type { Repository } from '../repository/repository';
import { goQuote } from '../tree/go/quote';
import type { Node } from '../tree/node';
import { decodeTreeFast } from '../tree/tree-fast-decode';
import { assertSafeName, childPath } from './restore-paths';
import type { RestoreSelection, SelectionVerdict } from './restore-selection';

export type TreeLoader = (id: Id) => Promise<Node[]>;

/** Loads and decodes tree blobs from the repository (each blob verified by its ID). */
export function repositoryTreeLoader(repository: Repository): TreeLoader {
  return async (id) => decodeTreeFast(await repository.readBlob('tree', id), id);
}

export interface WalkEntry {
  node: Node;
  /** Path relative to the restore root, raw bytes, no leading slash (e.g. `etc/ssh/sshd_config`). */
  relativePath: Buffer;
  /** The same path as components. */
  components: readonly Buffer[];
  verdict: Exclude<SelectionVerdict, 'excluded'>;
}

export interface TreeWalkVisitor {
  /**
   * A selected entry; directories come before their contents. For a directory, resolve to false to skip its
   * contents (e.g. it could not be created).
   */
  visit(entry: WalkEntry): Promise<boolean>;
  /**
   * After a directory's contents: for selected directories, and for `ancestor` directories when something below
   * them was visited. `visitedBelow` tells whether anything below was visited.
   */
  leaveDirectory?(entry: WalkEntry, visitedBelow: boolean): Promise<void>;
  /** A refused entry (PATH_ESCAPE) or a tree that could not be read (CORRUPT, NOT_FOUND). */
  problem(relativePath: string, error: EngineError): void;
}

/** `dir/"name"` for messages about a name that may not be printable or may contain separators. */
export function describeChild(parent: Buffer, name: Uint8Array): string {
  const quoted = goQuote(name);
  return parent.length === 0 ? quoted : `${printablePath(parent)}/${quoted}`;
}

/**
 * A relative path for messages and summaries: as is when Go would print it unchanged (printable UTF-8 without
 * quotes or backslashes), else Go-quoted — so a name with a newline or invalid UTF-8 still gives one clear line.
 */
export function printablePath(path: Uint8Array): string {
  // Fast path for the common case (called for every restored entry): printable ASCII without `"` or `\`.
  if (path.every((byte) => byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c)) {
    return Buffer.from(path.buffer, path.byteOffset, path.byteLength).toString('latin1');
  }
  const text = Buffer.from(path).toString('utf8');
  const quoted = goQuote(path);
  return quoted === `"${text}"` ? text : quoted;
}

/**
 * How often each name occurs, or null when no name occurs twice. restic writes trees sorted by name (so
 * duplicates would be neighbours), and checking that the order is strict is one comparison per node; only a tree
 * that is not sorted pays for counting.
 */
function nameCounts(nodes: readonly Node[]): Map<string, number> | null {
  let strictlySorted = true;
  for (let i = 1; i < nodes.length && strictlySorted; i++) {
    strictlySorted = Buffer.compare((nodes[i - 1] as Node).name, (nodes[i] as Node).name) < 0;
  }
  if (strictlySorted) return null;
  const counts = new Map<string, number>();
  for (const node of nodes) {
    const key = node.name.toString('latin1');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The nodes that may be restored; the others are reported as refused. */
function vetNames(
  nodes: readonly Node[],
  treeId: Id,
  parent: Buffer,
  problem: TreeWalkVisitor['problem'],
): Set<Node> {
  const counts = nameCounts(nodes);
  const accepted = new Set<Node>();
  for (const node of nodes) {
    try {
      assertSafeName(node.name, `tree ${treeId}`);
    } catch (error) {
      if (!isEngineError(error)) throw error;
      problem(describeChild(parent, node.name), error);
      continue;
    }
    const count = counts?.get(node.name.toString('latin1')) ?? 1;
    if (count > 1) {
      const where = describeChild(parent, node.name);
      problem(
        where,
        new EngineError(
          'PATH_ESCAPE',
          `refused ${where}: the name appears ${count} times in tree ${treeId}, so none of them is restored ` +
            '(one could redirect the others)',
        ),
      );
      continue;
    }
    accepted.add(node);
  }
  return accepted;
}

export interface WalkOptions {
  signal?: AbortSignal;
  /**
   * Subtrees loaded ahead per directory (default 16): the walk is depth first and waits for each tree it enters,
   * so reading the next ones while the current one is handled hides the backend's latency.
   */
  prefetch?: number;
}

/** Walks the tree `treeId` (the restore root) under `selection`. Throws only CANCELLED and unexpected errors. */
export async function walkTree(
  loadTree: TreeLoader,
  treeId: Id,
  selection: RestoreSelection,
  visitor: TreeWalkVisitor,
  options: WalkOptions = {},
): Promise<void> {
  const prefetchWidth = options.prefetch ?? 16;
  /** Trees being loaded ahead, taken (and removed) when the walk reaches them. */
  const ahead = new Map<Id, Promise<Node[]>>();
  const load = (id: Id): Promise<Node[]> => {
    const loading = ahead.get(id);
    ahead.delete(id);
    return loading ?? loadTree(id);
  };
  const loadAhead = (nodes: readonly Node[], accepted: ReadonlySet<Node>) => {
    let started = 0;
    for (const node of nodes) {
      if (started >= prefetchWidth) break;
      if (node.type !== 'dir' || node.subtree === null || !accepted.has(node) || ahead.has(node.subtree))
        continue;
      const loading = loadTree(node.subtree);
      // A failure is observed when the walk reaches this tree (load() hands the same promise over); this only
      // keeps it from counting as unhandled until then.
      loading.catch(() => undefined);
      ahead.set(node.subtree, loading);
      started++;
    }
  };
  const walk = async (
    id: Id,
    parent: Buffer,
    parentComponents: readonly Buffer[],
    parentSelected: boolean,
  ): Promise<boolean> => {
    let nodes: Node[];
    try {
      nodes = await load(id);
    } catch (error) {
      if (!isEngineError(error, 'CORRUPT') && !isEngineError(error, 'NOT_FOUND')) throw error;
      visitor.problem(parent.length === 0 ? '.' : printablePath(parent), error);
      return false;
    }
    const accepted = vetNames(nodes, id, parent, visitor.problem);
    // Only below selected directories: with include paths, most subtrees of an ancestor are never entered.
    if (parentSelected) loadAhead(nodes, accepted);
    let visitedAny = false;
    for (const node of nodes) {
      throwIfCancelled(options.signal);
      if (!accepted.has(node)) continue;
      const components = [...parentComponents, node.name];
      const verdict = parentSelected ? 'selected' : selection.classify(components);
      if (verdict === 'excluded') continue;
      const entry: WalkEntry = { node, relativePath: childPath(parent, node.name), components, verdict };
      if (node.type !== 'dir') {
        if (verdict === 'selected') {
          await visitor.visit(entry);
          visitedAny = true;
        }
        continue;
      }
      if (node.subtree === null) {
        visitor.problem(
          printablePath(entry.relativePath),
          new EngineError(
            'CORRUPT',
            `directory ${printablePath(entry.relativePath)} has no subtree in tree ${id}`,
          ),
        );
        continue;
      }
      let descend = true;
      if (verdict === 'selected') {
        descend = await visitor.visit(entry);
        visitedAny = true;
      }
      if (!descend) {
        ahead.delete(node.subtree);
        continue;
      }
      const below = await walk(node.subtree, entry.relativePath, components, verdict === 'selected');
      visitedAny ||= below;
      if (verdict === 'selected' || below) await visitor.leaveDirectory?.(entry, below);
    }
    return visitedAny;
  };
  await walk(treeId, Buffer.alloc(0), [], selection.restoresEverything);
}

/**
 * The tree of the directory at `components` inside the tree `rootId` (the root itself for []).
 * NOT_FOUND when it does not exist, INVALID_ARGUMENT when it is not a directory, PATH_ESCAPE when the name is
 * ambiguous (appears twice).
 */
export async function resolveSubtree(
  loadTree: TreeLoader,
  rootId: Id,
  components: readonly Buffer[],
  display: string,
): Promise<Id> {
  let id = rootId;
  for (const [depth, component] of components.entries()) {
    const matches = (await loadTree(id)).filter((node) => node.name.equals(component));
    const here = `/${components
      .slice(0, depth + 1)
      .map((c) => printablePath(c))
      .join('/')}`;
    const [node, second] = matches;
    if (node === undefined)
      throw new EngineError('NOT_FOUND', `${here} is not in the snapshot (looking for ${display})`);
    if (second !== undefined) {
      throw new EngineError(
        'PATH_ESCAPE',
        `refused ${here}: the name appears ${matches.length} times in tree ${id}`,
      );
    }
    if (node.type !== 'dir') {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `${here} is a ${node.type}, not a directory (to restore single entries, include them by path instead)`,
      );
    }
    if (node.subtree === null)
      throw new EngineError('CORRUPT', `directory ${here} has no subtree in tree ${id}`);
    id = node.subtree;
  }
  return id;
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason = signal.reason instanceof Error ? `: ${signal.reason.message}` : '';
    throw new EngineError('CANCELLED', `the restore was cancelled${reason}`);
  }
}

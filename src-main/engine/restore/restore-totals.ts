/**
 * The totals of a restore (entries and bytes), for progress: counted by a walk over the same trees with the same
 * selection that runs alongside the restore, so that a percentage and an ETA are there early without delaying the
 * first write.
 *
 * The count is an estimate and is made cheaply: trees are read with the platform's JSON.parse instead of the exact
 * Go-compatible decoder the restore uses (which costs several times more, and the restore already pays it once
 * per tree). What that gives up only moves the estimate: names are not vetted (refused entries are counted), and
 * inode numbers above 2^53 may collide when hardlinks are counted once. Unreadable trees are skipped here; the
 * restore reports them.
 */
import { isEngineError } from '../errors';
import type { Id } from '../ids';
import { GoUnquoteError, goUnquote } from '../tree/go/quote';
import type { RestoreSelection } from './restore-selection';
import { throwIfCancelled } from './tree-walker';

export interface RestoreTotals {
  /** Entries other than directories (files, hardlinks, symlinks, fifos, devices, skipped sockets). */
  entries: number;
  /** Content bytes of regular files; a hardlinked inode's bytes count once. */
  bytes: number;
}

export interface CountOptions {
  signal?: AbortSignal;
  /** Tree reads in flight at once (default 8). */
  concurrentReads?: number;
  /** Called with what was added since the last call (once per directory and at the end). */
  onCounted?: (entries: number, bytes: number) => void;
}

/** The fields of a stored node the count looks at, as JSON.parse gives them. */
interface StoredNode {
  name?: unknown;
  type?: unknown;
  size?: unknown;
  links?: unknown;
  inode?: unknown;
  device_id?: unknown;
  subtree?: unknown;
}

function storedNodes(plaintext: Buffer): StoredNode[] {
  const tree = JSON.parse(plaintext.toString('utf8')) as { nodes?: unknown } | null;
  return Array.isArray(tree?.nodes) ? (tree.nodes as StoredNode[]) : [];
}

/** The raw name of a stored node (restic stores `strconv.Quote(name)` without the quotes), or null if invalid. */
function rawName(node: StoredNode): Buffer | null {
  if (typeof node.name !== 'string') return null;
  try {
    return goUnquote(`"${node.name}"`);
  } catch (error) {
    if (error instanceof GoUnquoteError) return null;
    throw error;
  }
}

export async function countRestoreTotals(
  readTree: (id: Id) => Promise<Buffer>,
  rootTree: Id,
  selection: RestoreSelection,
  options: CountOptions = {},
): Promise<RestoreTotals> {
  const totals: RestoreTotals = { entries: 0, bytes: 0 };
  let reported: RestoreTotals = { ...totals };
  const report = () => {
    options.onCounted?.(totals.entries - reported.entries, totals.bytes - reported.bytes);
    reported = { ...totals };
  };
  const inodes = new Set<string>();
  // Trees are read several at a time: the count is meant to be done early, and one read after the other it is
  // bound by the backend's latency. (Whatever it reads is kept for the restore walk, see SharedTreeReads.)
  const reads = new Semaphore(options.concurrentReads ?? 8);

  const count = async (id: Id, components: readonly Buffer[], selected: boolean): Promise<void> => {
    throwIfCancelled(options.signal);
    let nodes: StoredNode[];
    try {
      nodes = storedNodes(await reads.run(() => readTree(id)));
    } catch (error) {
      if (
        error instanceof SyntaxError ||
        isEngineError(error, 'CORRUPT') ||
        isEngineError(error, 'NOT_FOUND')
      ) {
        return; // the restore's own walk meets and reports the same tree
      }
      throw error;
    }
    const subdirectories: Promise<void>[] = [];
    for (const node of nodes) {
      let below = components;
      let verdict = selected ? 'selected' : 'excluded';
      if (!selected) {
        const name = rawName(node);
        if (name === null) continue;
        below = [...components, name];
        verdict = selection.classify(below);
      }
      if (verdict === 'excluded') continue;
      if (node.type === 'dir') {
        if (typeof node.subtree === 'string') {
          subdirectories.push(count(node.subtree, below, verdict === 'selected'));
        }
        continue;
      }
      if (verdict !== 'selected') continue;
      totals.entries++;
      if (node.type !== 'file' || typeof node.size !== 'number') continue;
      if (typeof node.links === 'number' && node.links > 1 && typeof node.inode === 'number') {
        const key = `${node.device_id}:${node.inode}`;
        if (inodes.has(key)) continue;
        inodes.add(key);
      }
      totals.bytes += node.size;
    }
    report();
    await Promise.all(subdirectories);
  };

  await count(rootTree, [], selection.restoresEverything);
  report();
  return totals;
}

/** At most `limit` tasks at once; the others wait in order. */
class Semaphore {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

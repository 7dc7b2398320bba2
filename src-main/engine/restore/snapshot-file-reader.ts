/**
 * Reading single small files of a snapshot into memory, without restoring anything: the restore wizard reads the
 * backed-up machine's manifest, its exports and its configuration files (/etc/fstab, /etc/netplan/*.yaml, …) to
 * compare and plan before a single byte is written. Paths are absolute inside the snapshot ("/etc/fstab"), vetted
 * like restore paths (a `..` component is PATH_ESCAPE); a name that appears twice in its tree is refused
 * (PATH_ESCAPE) as the restore refuses it, since there is no telling which one is meant.
 */
import { EngineError } from '../errors';
import type { Id } from '../ids';
import type { Repository } from '../repository/repository';
import type { Node } from '../tree/node';
import { parseSnapshotPath } from './restore-selection';
import { printablePath, repositoryTreeLoader, type TreeLoader } from './tree-walker';

/** Default cap of readSnapshotFile: a configuration file or an export, never a disk image. */
export const defaultMaxSnapshotFileBytes = 16 * 1024 * 1024;

export interface SnapshotFileOptions {
  /** Larger files fail with TOO_LARGE before any of their content is read (default 16 MiB). */
  maxBytes?: number;
  /**
   * Where trees come from (default: read and verified from the repository each time). A caller reading many files
   * of one snapshot passes a caching loader so that /etc's tree is decoded once.
   */
  loadTree?: TreeLoader;
}

export interface SnapshotEntry {
  /** Absolute path inside the snapshot ("/etc/netplan/01-netcfg.yaml"). */
  path: string;
  type: Node['type'];
  /** Content bytes of a regular file; 0 for anything else. */
  size: number;
}

/**
 * The content of the regular file at `path`, or null when nothing is there (or a component on the way is not a
 * directory). A directory or any other non-regular entry is INVALID_ARGUMENT; a file larger than `maxBytes` is
 * TOO_LARGE; content that does not add up to the recorded size is CORRUPT.
 */
export async function readSnapshotFile(
  repository: Repository,
  snapshot: { tree: Id },
  path: string,
  options: SnapshotFileOptions = {},
): Promise<Buffer | null> {
  const maxBytes = options.maxBytes ?? defaultMaxSnapshotFileBytes;
  const loadTree = options.loadTree ?? repositoryTreeLoader(repository);
  const components = parseSnapshotPath(path, 'snapshot path');
  if (components.length === 0)
    throw new EngineError('INVALID_ARGUMENT', `${path} is the snapshot's root directory, not a file`);
  const node = await lookupNode(loadTree, snapshot.tree, components);
  if (node === null) return null;
  const display = `/${components.map((c) => printablePath(c)).join('/')}`;
  if (node.type !== 'file')
    throw new EngineError(
      'INVALID_ARGUMENT',
      `${display} is a ${node.type} in the snapshot, not a regular file`,
    );
  if (node.size > BigInt(maxBytes))
    throw new EngineError(
      'TOO_LARGE',
      `${display} has ${node.size} bytes, more than the ${maxBytes} bytes read into memory`,
    );
  const size = Number(node.size);
  const parts: Buffer[] = [];
  let length = 0;
  for (const blob of node.content ?? []) {
    const data = await repository.readBlob('data', blob);
    length += data.length;
    // A tree that understates the size must not make us hold more than the cap.
    if (length > size)
      throw new EngineError(
        'CORRUPT',
        `${display}: its content is longer than the ${size} bytes its tree records (data blob ${blob})`,
      );
    parts.push(data);
  }
  if (length !== size)
    throw new EngineError('CORRUPT', `${display}: its content has ${length} bytes, its tree records ${size}`);
  return Buffer.concat(parts, length);
}

/**
 * The regular files directly inside the directory `dir` (absolute paths, in the tree's order, i.e. sorted by
 * name); [] when the directory does not exist. Used to find configuration files such as /etc/netplan/*.yaml.
 */
export async function listSnapshotFiles(
  repository: Repository,
  snapshot: { tree: Id },
  dir: string,
  options: Pick<SnapshotFileOptions, 'loadTree'> = {},
): Promise<string[]> {
  const entries = await listSnapshotEntries(repository, snapshot, dir, options);
  return entries.filter((e) => e.type === 'file').map((e) => e.path);
}

/**
 * Every entry directly inside `dir` (absolute paths, with type and size); [] when the directory does not exist,
 * INVALID_ARGUMENT when `dir` is not a directory. Names that could not be asked for again by path are left out: a
 * name that is not valid UTF-8 (the path text would not match its bytes), that is not one plain path component, or
 * that appears twice in the tree.
 */
export async function listSnapshotEntries(
  repository: Repository,
  snapshot: { tree: Id },
  dir: string,
  options: Pick<SnapshotFileOptions, 'loadTree'> = {},
): Promise<SnapshotEntry[]> {
  const loadTree = options.loadTree ?? repositoryTreeLoader(repository);
  const components = parseSnapshotPath(dir, 'snapshot path');
  let treeId = snapshot.tree;
  if (components.length > 0) {
    const node = await lookupNode(loadTree, snapshot.tree, components);
    if (node === null) return [];
    const display = `/${components.map((c) => printablePath(c)).join('/')}`;
    if (node.type !== 'dir')
      throw new EngineError(
        'INVALID_ARGUMENT',
        `${display} is a ${node.type} in the snapshot, not a directory`,
      );
    if (node.subtree === null) throw new EngineError('CORRUPT', `directory ${display} has no subtree`);
    treeId = node.subtree;
  }
  const prefix = components.length === 0 ? '' : `/${components.map((c) => c.toString('utf8')).join('/')}`;
  const nodes = await loadTree(treeId);
  const counts = new Map<string, number>();
  for (const node of nodes) {
    const key = node.name.toString('latin1');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const entries: SnapshotEntry[] = [];
  for (const node of nodes) {
    const name = node.name.toString('utf8');
    const askable =
      Buffer.from(name, 'utf8').equals(node.name) &&
      isPlainName(node.name) &&
      counts.get(node.name.toString('latin1')) === 1;
    if (!askable) continue;
    entries.push({
      path: `${prefix}/${name}`,
      type: node.type,
      size: node.type === 'file' ? Number(node.size) : 0,
    });
  }
  return entries;
}

/**
 * The node at `components` below the tree `rootId`, or null when a component is missing or a component on the
 * way is not a directory. PATH_ESCAPE when a name on the way appears more than once.
 */
async function lookupNode(
  loadTree: TreeLoader,
  rootId: Id,
  components: readonly Buffer[],
): Promise<Node | null> {
  let treeId = rootId;
  for (const [depth, component] of components.entries()) {
    const matches = (await loadTree(treeId)).filter((node) => node.name.equals(component));
    const [node, second] = matches;
    if (node === undefined) return null;
    const here = `/${components
      .slice(0, depth + 1)
      .map((c) => printablePath(c))
      .join('/')}`;
    if (second !== undefined)
      throw new EngineError(
        'PATH_ESCAPE',
        `refused ${here}: the name appears ${matches.length} times in tree ${treeId}`,
      );
    if (depth === components.length - 1) return node;
    if (node.type !== 'dir') return null;
    if (node.subtree === null)
      throw new EngineError('CORRUPT', `directory ${here} has no subtree in tree ${treeId}`);
    treeId = node.subtree;
  }
  return null;
}

/** One ordinary path component (what assertSafeName accepts), so that `dir/name` names this entry and no other. */
function isPlainName(name: Buffer): boolean {
  const dots = name.every((byte) => byte === 0x2e);
  return name.length > 0 && !(dots && name.length <= 2) && !name.includes(0x2f) && !name.includes(0);
}

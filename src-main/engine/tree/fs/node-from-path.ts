/**
 * A node from the filesystem, built as restic 0.14 on Linux builds it (`NodeFromFileInfo` + the archiver's
 * `nodeFromFileInfo`): from `lstat` (never following a symlink), with atime = mtime unless asked otherwise,
 * `device_id` for every node, `links` for files, symlinks and devices, `device` (st_rdev) for devices, the raw
 * link target, user/group names, and extended attributes for everything but symlinks (0.14 skips them).
 * Sockets are not stored by restic; they come back as "skipped" for the caller to report.
 * `content` (files) and `subtree` (directories) are left null: the archiver fills them in after storing the data.
 */
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { fromNodeError } from '../../errors';
import { goQuote } from '../go/quote';
import { emptyNode, goModeFromPosix, type Node, nodeTypeFromGoMode } from '../node';
import { nodeTimeFromNs } from '../time/rfc3339';
import { AccountNames } from './account-names';
import { readExtendedAttributes, type XattrReadResult } from './read-xattrs';

export interface NodeFromPathOptions {
  /**
   * Name lookups; pass one instance per backup run. The default is one instance for the whole process, which
   * never re-reads /etc/passwd and /etc/group — fine for tools, stale for a long-running helper.
   */
  accounts?: AccountNames;
  /** Store the real atime (restic's --with-atime); default false: atime = mtime. */
  withAtime?: boolean;
  /** Reads extended attributes; replaceable in tests. */
  readXattrs?: (path: Buffer) => XattrReadResult;
}

export type NodeFromPathResult =
  | { kind: 'node'; node: Node; warnings: string[] }
  | { kind: 'skipped'; path: Buffer; warning: string };

let sharedAccounts: AccountNames | undefined;

/** The last path component, as Go's `os.Lstat(p).Name()`: trailing slashes ignored, "/" for the root. */
export function baseName(path: Buffer): Buffer {
  let end = path.length;
  while (end > 1 && path[end - 1] === 0x2f) end--;
  const start = path.lastIndexOf(0x2f, end - 1) + 1;
  const name = path.subarray(start, end);
  return name.length === 0 ? Buffer.from('/') : Buffer.from(name);
}

/** `dir/name` on raw bytes. */
export function joinPath(dir: Buffer, name: Buffer): Buffer {
  return joinPathFrom(dir, name, 0, name.length);
}

/**
 * `dir/name` where the name is `source[start, end)`: one allocation and two copies, no view of the name in
 * between (a backup's walk joins a path for every entry it visits).
 */
export function joinPathFrom(dir: Buffer, source: Buffer, start: number, end: number): Buffer {
  const separator = dir.length > 0 && dir[dir.length - 1] !== 0x2f ? 1 : 0;
  const path = Buffer.allocUnsafe(dir.length + separator + (end - start));
  dir.copy(path, 0);
  if (separator === 1) path[dir.length] = 0x2f;
  source.copy(path, dir.length + separator, start, end);
  return path;
}

/**
 * The names in a directory as raw bytes, sorted byte-wise (the order of a tree).
 *
 * The metadata calls here are synchronous on purpose: an async lstat costs the calling thread ~20 µs of promise
 * and thread-pool bookkeeping for ~2 µs of kernel work, which made the archiver's scan CPU-bound; callers that
 * walk many entries yield to their event loop between batches instead.
 */
export function readDirectoryNamesSync(dir: Buffer): Buffer[] {
  let names: Buffer[];
  try {
    names = readdirSync(dir, { encoding: 'buffer' });
  } catch (error) {
    throw fromNodeError(error, `reading directory ${goQuote(dir)}`);
  }
  return names.sort(Buffer.compare);
}

export async function readDirectoryNames(dir: Buffer): Promise<Buffer[]> {
  return readDirectoryNamesSync(dir);
}

/** Builds the node for `path`; throws EngineError (NOT_FOUND, IO_ERROR) when the entry cannot be read at all. */
export async function nodeFromPath(
  path: Buffer,
  options: NodeFromPathOptions = {},
): Promise<NodeFromPathResult> {
  return nodeFromPathSync(path, options);
}

/** nodeFromPath without a promise (see readDirectoryNamesSync for why). */
export function nodeFromPathSync(path: Buffer, options: NodeFromPathOptions = {}): NodeFromPathResult {
  // Quoting is only needed for messages; it is not free, so it is done when one is written.
  const where = () => goQuote(path);
  let stat: ReturnType<typeof lstatBig>;
  try {
    stat = lstatBig(path);
  } catch (error) {
    throw fromNodeError(error, `lstat ${where()}`);
  }
  const mode = goModeFromPosix(Number(stat.mode));
  const type = nodeTypeFromGoMode(mode);
  if (type === 'socket')
    return { kind: 'skipped', path, warning: `${where()} is a socket; sockets are not backed up` };
  if (type === undefined) return { kind: 'skipped', path, warning: `${where()} has an unknown file type` };

  sharedAccounts ??= new AccountNames();
  const accounts = options.accounts ?? sharedAccounts;
  const node = emptyNode(baseName(path), type);
  node.mode = mode;
  node.mtime = nodeTimeFromNs(stat.mtimeNs);
  node.atime = options.withAtime ? nodeTimeFromNs(stat.atimeNs) : node.mtime;
  node.ctime = nodeTimeFromNs(stat.ctimeNs);
  node.uid = Number(stat.uid);
  node.gid = Number(stat.gid);
  node.user = accounts.userName(node.uid);
  node.group = accounts.groupName(node.gid);
  node.inode = stat.ino;
  node.deviceId = stat.dev;

  switch (type) {
    case 'file':
      node.size = stat.size;
      node.links = stat.nlink;
      break;
    case 'symlink':
      node.links = stat.nlink;
      try {
        node.linkTarget = readlinkSync(path, { encoding: 'buffer' });
      } catch (error) {
        throw fromNodeError(error, `readlink ${where()}`);
      }
      break;
    case 'dev':
    case 'chardev':
      node.device = stat.rdev;
      node.links = stat.nlink;
      break;
    default:
      break; // directories and fifos carry neither links nor device numbers in restic 0.14
  }

  const warnings: string[] = [];
  if (type !== 'symlink') {
    const xattrs = (options.readXattrs ?? readExtendedAttributes)(path);
    node.extendedAttributes = xattrs.attributes;
    warnings.push(...xattrs.warnings);
  }
  return { kind: 'node', node, warnings };
}

function lstatBig(path: Buffer) {
  return lstatSync(path, { bigint: true });
}

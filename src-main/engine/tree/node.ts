/**
 * The node of a restic tree (restic 0.14's `restic.Node`), with Go's zero values standing for "absent":
 * a field is written to JSON only when it differs from its zero value (Go `omitempty`), except `uid`, `gid`, the
 * three times and `content`, which are always written. uint64 fields are BigInt; names, link targets and xattr
 * names are raw bytes.
 */
import type { Id } from '../ids';
import { type NodeTime, zeroGoTime } from './time/rfc3339';

export const nodeTypes = ['file', 'dir', 'symlink', 'dev', 'chardev', 'fifo', 'socket', 'irregular'] as const;

/** restic's node types; `irregular` is written by newer restic versions (e.g. for Windows reparse points). */
export type NodeType = (typeof nodeTypes)[number];

export function isNodeType(value: string): value is NodeType {
  return (nodeTypes as readonly string[]).includes(value);
}

export interface ExtendedAttribute {
  readonly name: Buffer;
  readonly value: Buffer;
}

export interface Node {
  /** The entry's name: raw bytes, never empty, no '/'. */
  name: Buffer;
  type: NodeType;
  /** Go `os.FileMode` bits (a uint32): permissions | type flags | setuid/setgid/sticky. See `goFileMode`. */
  mode: number;
  mtime: NodeTime;
  atime: NodeTime;
  ctime: NodeTime;
  uid: number;
  gid: number;
  /** User / group name; "" when the id has no name. */
  user: string;
  group: string;
  inode: bigint;
  /** st_dev of the file (restic 0.14 stores it for every node). */
  deviceId: bigint;
  /** Files only. */
  size: bigint;
  /** st_nlink; restic 0.14 stores it for files, symlinks and devices, not for directories and fifos. */
  links: bigint;
  /** Symlinks: the target's raw bytes. */
  linkTarget: Buffer;
  extendedAttributes: ExtendedAttribute[];
  /** Block and character devices: st_rdev. */
  device: bigint;
  /** Files: data blob IDs in order (empty for an empty file). Every other type: null. */
  content: Id[] | null;
  /** Directories: the tree blob ID of their contents. */
  subtree: Id | null;
  /** restic writes this for entries it could not read completely; "" otherwise. */
  error: string;
}

/**
 * The zero-length link target every non-symlink shares. A fresh `Buffer.alloc(0)` costs ~190 bytes of heap (its
 * own ArrayBuffer), a fifth of a node — and a backup or restore holds the nodes of whole directories, tens of
 * thousands at once in a large one. Zero bytes cannot be written to, and frozen it cannot be given properties.
 */
export const noBytes: Buffer = Object.freeze(Buffer.alloc(0)) as Buffer;
/** The attributes of a node that has none, shared (frozen: a push would throw, not leak into other nodes). */
export const noAttributes: ExtendedAttribute[] = Object.freeze([]) as unknown as ExtendedAttribute[];

/** A node with every field at its zero value; the caller fills in what applies. */
export function emptyNode(name: Buffer, type: NodeType): Node {
  return {
    name,
    type,
    mode: 0,
    mtime: zeroGoTime,
    atime: zeroGoTime,
    ctime: zeroGoTime,
    uid: 0,
    gid: 0,
    user: '',
    group: '',
    inode: 0n,
    deviceId: 0n,
    size: 0n,
    links: 0n,
    linkTarget: noBytes,
    extendedAttributes: noAttributes,
    device: 0n,
    content: null,
    subtree: null,
    error: '',
  };
}

/** Go `os.FileMode` bits. */
export const goFileMode = {
  dir: 2 ** 31,
  append: 2 ** 30,
  exclusive: 2 ** 29,
  temporary: 2 ** 28,
  symlink: 2 ** 27,
  device: 2 ** 26,
  namedPipe: 2 ** 25,
  socket: 2 ** 24,
  setuid: 2 ** 23,
  setgid: 2 ** 22,
  charDevice: 2 ** 21,
  sticky: 2 ** 20,
  irregular: 2 ** 19,
  perm: 0o777,
} as const;

/** POSIX st_mode bits (Linux values). */
const posix = {
  typeMask: 0o170000,
  socket: 0o140000,
  symlink: 0o120000,
  regular: 0o100000,
  block: 0o060000,
  dir: 0o040000,
  char: 0o020000,
  fifo: 0o010000,
  setuid: 0o4000,
  setgid: 0o2000,
  sticky: 0o1000,
} as const;

/**
 * The Go FileMode `os.Lstat` reports for a POSIX st_mode, masked the way restic stores it
 * (permissions, type, setuid, setgid, sticky). Uses arithmetic, not bitwise OR: bit 31 would turn negative.
 */
export function goModeFromPosix(stMode: number): number {
  let mode = stMode & goFileMode.perm;
  switch (stMode & posix.typeMask) {
    case posix.block:
      mode += goFileMode.device;
      break;
    case posix.char:
      mode += goFileMode.device + goFileMode.charDevice;
      break;
    case posix.dir:
      mode += goFileMode.dir;
      break;
    case posix.fifo:
      mode += goFileMode.namedPipe;
      break;
    case posix.symlink:
      mode += goFileMode.symlink;
      break;
    case posix.socket:
      mode += goFileMode.socket;
      break;
  }
  if (stMode & posix.setgid) mode += goFileMode.setgid;
  if (stMode & posix.setuid) mode += goFileMode.setuid;
  if (stMode & posix.sticky) mode += goFileMode.sticky;
  return mode;
}

function hasBit(mode: number, bit: number): boolean {
  return Math.floor(mode / bit) % 2 === 1;
}

/** The POSIX st_mode (type and permission bits) for a Go FileMode, e.g. for restoring with mknod/chmod. */
export function posixModeFromGo(mode: number): number {
  let st = mode & goFileMode.perm;
  if (hasBit(mode, goFileMode.dir)) st |= posix.dir;
  else if (hasBit(mode, goFileMode.symlink)) st |= posix.symlink;
  else if (hasBit(mode, goFileMode.device))
    st |= hasBit(mode, goFileMode.charDevice) ? posix.char : posix.block;
  else if (hasBit(mode, goFileMode.namedPipe)) st |= posix.fifo;
  else if (hasBit(mode, goFileMode.socket)) st |= posix.socket;
  else st |= posix.regular;
  if (hasBit(mode, goFileMode.setuid)) st |= posix.setuid;
  if (hasBit(mode, goFileMode.setgid)) st |= posix.setgid;
  if (hasBit(mode, goFileMode.sticky)) st |= posix.sticky;
  return st;
}

/** restic's node type for a Go FileMode (`nodeTypeFromFileInfo`); undefined for combinations it has no type for. */
export function nodeTypeFromGoMode(mode: number): NodeType | undefined {
  const typeBits = [
    goFileMode.dir,
    goFileMode.symlink,
    goFileMode.device,
    goFileMode.namedPipe,
    goFileMode.socket,
    goFileMode.charDevice,
    goFileMode.irregular,
  ].reduce((sum, bit) => (hasBit(mode, bit) ? sum + bit : sum), 0);
  switch (typeBits) {
    case 0:
      return 'file';
    case goFileMode.dir:
      return 'dir';
    case goFileMode.symlink:
      return 'symlink';
    case goFileMode.device + goFileMode.charDevice:
      return 'chardev';
    case goFileMode.device:
      return 'dev';
    case goFileMode.namedPipe:
      return 'fifo';
    case goFileMode.socket:
      return 'socket';
    default:
      return undefined;
  }
}

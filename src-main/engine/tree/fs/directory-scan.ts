/**
 * The nodes of a directory's entries in one native call (the posix-fs addon's `scanDirectory`): for each entry,
 * sorted by name, exactly the node `nodeFromPathSync` builds for `dir/name` — same fields, same warnings, same
 * errors — but without one JavaScript round trip per lstat, readlink and llistxattr. A backup's walk over a
 * system tree is made of those calls, so this is what makes it fast.
 *
 * An entry that cannot be examined (vanished, no permission) comes back as `error` for the caller to report; the
 * rest of the directory is unaffected. A directory that cannot be opened or listed throws, like readdir.
 */
import { constants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { EngineError, fromNodeError } from '../../errors';
import { loadPosixFsAddon } from '../../native/posix-fs-addon';
import { goQuote } from '../go/quote';
import {
  type ExtendedAttribute,
  emptyNode,
  goModeFromPosix,
  type Node,
  noAttributes,
  noBytes,
  nodeTypeFromGoMode,
} from '../node';
import type { AccountNames } from './account-names';
import { joinPath, joinPathFrom, nodeFromPathSync, readDirectoryNamesSync } from './node-from-path';
import type { XattrReadResult } from './read-xattrs';

export type ScannedEntry =
  | { kind: 'node'; name: Buffer; path: Buffer; node: Node; warnings: string[] }
  | { kind: 'skipped'; name: Buffer; path: Buffer; warning: string }
  | { kind: 'error'; name: Buffer; path: Buffer; error: EngineError };

export interface DirectoryScanOptions {
  accounts: AccountNames;
  /** Read extended attributes (false: leave them empty, e.g. when only counting). */
  withXattrs: boolean;
  /** Store the real atime (restic's --with-atime); default false: atime = mtime. */
  withAtime?: boolean;
}

/** errno → [code, message], as libuv names them (Node's own fs errors use the same table). */
const systemErrors = getSystemErrorMap();

/** An fs-style error for an errno recorded by the addon, worded as Node's fs errors (`CODE: message, syscall`). */
function errnoError(errno: number, syscall: string): NodeJS.ErrnoException {
  const [code, message] = systemErrors.get(-errno) ?? [`E${errno}`, 'unknown error'];
  const error: NodeJS.ErrnoException = new Error(`${code}: ${message}, ${syscall}`);
  error.code = code;
  error.errno = -errno;
  error.syscall = syscall;
  return error;
}

/** Codes restic treats as "no attributes" (see read-xattrs.ts). */
const ignoredXattrErrnos = new Set(
  ['ENOTSUP', 'EOPNOTSUPP', 'ENODATA', 'ENOATTR'].flatMap((name) => {
    const value = (constants.errno as Record<string, number | undefined>)[name];
    return value === undefined ? [] : [value];
  }),
);

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reads the addon's records (layout in directory-scan.c). */
class RecordReader {
  offset = 0;
  constructor(readonly data: Buffer) {}
  get done(): boolean {
    return this.offset >= this.data.length;
  }
  u16(): number {
    const v = this.data.readUInt16LE(this.offset);
    this.offset += 2;
    return v;
  }
  i32(): number {
    const v = this.data.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  u32(): number {
    const v = this.data.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  u64(): bigint {
    const v = this.data.readBigUInt64LE(this.offset);
    this.offset += 8;
    return v;
  }
  i64(): bigint {
    const v = this.data.readBigInt64LE(this.offset);
    this.offset += 8;
    return v;
  }
  /** The next u64, or 0n without making a BigInt when the caller has no use for it. */
  u64If(wanted: boolean): bigint {
    if (wanted) return this.u64();
    this.offset += 8;
    return 0n;
  }
  /** A recorded time (i64 seconds, u32 nanoseconds), or null (skipped) when not wanted. */
  timeIf(wanted: boolean): { sec: bigint; nsec: number } | null {
    if (!wanted) {
      this.offset += 12;
      return null;
    }
    return { sec: this.i64(), nsec: this.u32() };
  }
  /** `dir/name` for the next `length` bytes (a name), copied straight from the record. */
  pathUnder(dir: Buffer, length: number): Buffer {
    const path = joinPathFrom(dir, this.data, this.offset, this.offset + length);
    this.offset += length;
    return path;
  }
  bytes(length: number): Buffer {
    const v = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return v;
  }
}

/** The addon's packed scan of `dir` (layout in directory-scan.c). Throws EngineError when it cannot be listed. */
export function readDirectoryScan(dir: Buffer, withXattrs: boolean): Buffer {
  if (!littleEndian) throw new EngineError('IO_ERROR', 'the directory scanner needs a little-endian CPU');
  try {
    return loadPosixFsAddon().scanDirectory(dir, withXattrs);
  } catch (error) {
    throw fromNodeError(error, `reading directory ${goQuote(dir)}`);
  }
}

/** The entries of `dir` with their nodes, sorted by raw name. Throws EngineError when `dir` cannot be listed. */
export function scanDirectory(dir: Buffer, options: DirectoryScanOptions): ScannedEntry[] {
  return entriesFromScan(dir, readDirectoryScan(dir, options.withXattrs), options);
}

/** The entries recorded in `data`, the addon's scan of `dir` (separate so tests can decode a scan made elsewhere). */
export function entriesFromScan(dir: Buffer, data: Buffer, options: DirectoryScanOptions): ScannedEntry[] {
  return [...eachEntryFromScan(dir, data, options)];
}

/**
 * The same entries one at a time, decoded as they are asked for: a walk that is done with an entry before it takes
 * the next never holds a whole directory of them (a directory of 18,000 entries made 30 MiB of nodes at once).
 */
export function* eachEntryFromScan(
  dir: Buffer,
  data: Buffer,
  options: DirectoryScanOptions,
): Generator<ScannedEntry> {
  const reader = new RecordReader(data);
  while (!reader.done) yield readEntry(reader, dir, options);
}

function readEntry(reader: RecordReader, dir: Buffer, options: DirectoryScanOptions): ScannedEntry {
  // Copied out (into the path, of which the name is the end): nodes outlive this scan's buffer in the archiver,
  // and a view of it would pin the whole buffer. One copy, not two: the walk makes one per entry it visits.
  const nameLength = reader.u16();
  const path = reader.pathUnder(dir, nameLength);
  const name = path.subarray(path.length - nameLength);
  const statErrno = reader.i32();
  if (statErrno !== 0) {
    return {
      kind: 'error',
      name,
      path,
      error: fromNodeError(errnoError(statErrno, 'lstat'), `lstat ${goQuote(path)}`),
    };
  }
  const stMode = reader.u32();
  const uid = reader.u32();
  const gid = reader.u32();
  const inode = reader.u64();
  const deviceId = reader.u64();
  // Each 64-bit field is a BigInt object: only those the entry's type keeps are made (see the switch below).
  const mode = goModeFromPosix(stMode);
  const type = nodeTypeFromGoMode(mode);
  const isFile = type === 'file';
  const isDevice = type === 'dev' || type === 'chardev';
  const links = reader.u64If(isFile || isDevice || type === 'symlink');
  const size = reader.u64If(isFile);
  const rdev = reader.u64If(isDevice);
  const atime = reader.timeIf(options.withAtime === true);
  const mtime = { sec: reader.i64(), nsec: reader.u32() };
  const ctime = { sec: reader.i64(), nsec: reader.u32() };

  const isSymlink = type === 'symlink' || (stMode & 0o170000) === 0o120000;
  // The addon wrote a link target for every symlink and xattrs for everything else; read them before deciding.
  let linkTarget: Buffer | EngineError | null = null;
  let xattrs: { attributes: ExtendedAttribute[]; warnings: string[] } | null = null;
  if (isSymlink) linkTarget = readLinkTarget(reader, path);
  else if (options.withXattrs) xattrs = readXattrs(reader, path);

  if (type === 'socket')
    return {
      kind: 'skipped',
      name,
      path,
      warning: `${goQuote(path)} is a socket; sockets are not backed up`,
    };
  if (type === undefined)
    return { kind: 'skipped', name, path, warning: `${goQuote(path)} has an unknown file type` };
  if (linkTarget instanceof EngineError) return { kind: 'error', name, path, error: linkTarget };

  const node = emptyNode(name, type);
  node.mode = mode;
  node.mtime = mtime;
  node.atime = atime ?? mtime;
  node.ctime = ctime;
  node.uid = uid;
  node.gid = gid;
  node.user = options.accounts.userName(uid);
  node.group = options.accounts.groupName(gid);
  node.inode = inode;
  node.deviceId = deviceId;
  switch (type) {
    case 'file':
      node.size = size;
      node.links = links;
      break;
    case 'symlink':
      node.links = links;
      node.linkTarget = linkTarget ?? noBytes;
      break;
    case 'dev':
    case 'chardev':
      node.device = rdev;
      node.links = links;
      break;
    default:
      break; // directories and fifos carry neither links nor device numbers in restic 0.14
  }
  if (xattrs !== null) node.extendedAttributes = xattrs.attributes;
  return { kind: 'node', name, path, node, warnings: xattrs?.warnings ?? [] };
}

function readLinkTarget(reader: RecordReader, path: Buffer): Buffer | EngineError {
  const errno = reader.i32();
  const target = Buffer.from(reader.bytes(reader.u32()));
  if (errno === 0) return target;
  return fromNodeError(errnoError(errno, 'readlink'), `readlink ${goQuote(path)}`);
}

/** Attributes and warnings exactly as readExtendedAttributes reports them. */
const noXattrs = Object.freeze({
  attributes: noAttributes,
  warnings: Object.freeze([]) as unknown as string[],
});

function readXattrs(
  reader: RecordReader,
  path: Buffer,
): { attributes: ExtendedAttribute[]; warnings: string[] } {
  const listErrno = reader.i32();
  const count = reader.u32();
  // Most files have none: one shared, frozen result for them (the walk reads this for every entry).
  if (listErrno === 0 && count === 0) return noXattrs;
  const attributes: ExtendedAttribute[] = [];
  const warnings: string[] = [];
  if (listErrno !== 0) {
    if (!ignoredXattrErrnos.has(listErrno)) {
      const error = errnoError(listErrno, 'llistxattr');
      warnings.push(`extended attributes could not be read for ${goQuote(path)}: ${error.message}`);
    }
    return { attributes, warnings };
  }
  for (let i = 0; i < count; i++) {
    const name = Buffer.from(reader.bytes(reader.u16()));
    const valueErrno = reader.i32();
    const value = Buffer.from(reader.bytes(reader.u32()));
    if (valueErrno === 0) attributes.push({ name, value });
    else if (!ignoredXattrErrnos.has(valueErrno)) {
      const error = errnoError(valueErrno, 'lgetxattr');
      warnings.push(
        `extended attribute ${goQuote(name)} could not be read for ${goQuote(path)}: ${error.message}`,
      );
    }
  }
  return { attributes, warnings };
}

/** What the totals scanner needs of an entry: its kind and, for a file, its size. */
export interface EntrySize {
  path: Buffer;
  kind: 'file' | 'dir' | 'other' | 'unreadable';
  size: number;
}

/** The type and size of every entry recorded in `data`, a scan of `dir` made with or without xattrs. */
export function entrySizesFromScan(dir: Buffer, data: Buffer, withXattrs: boolean): EntrySize[] {
  const reader = new RecordReader(data);
  const entries: EntrySize[] = [];
  while (!reader.done) {
    const path = joinPath(dir, reader.bytes(reader.u16()));
    if (reader.i32() !== 0) {
      entries.push({ path, kind: 'unreadable', size: 0 });
      continue;
    }
    const type = reader.u32() & 0o170000;
    reader.offset += 4 + 4 + 8 + 8 + 8; // uid, gid, ino, dev, nlink
    const size = Number(reader.u64());
    reader.offset += 8 + 3 * 12; // rdev, three times
    if (type === 0o120000) {
      reader.i32(); // readlink errno: the archiver reports it
      reader.bytes(reader.u32());
    } else if (withXattrs) {
      reader.i32(); // llistxattr errno: as above
      for (let count = reader.u32(); count > 0; count--) {
        reader.bytes(reader.u16());
        reader.i32();
        reader.bytes(reader.u32());
      }
    }
    entries.push({ path, kind: type === 0o100000 ? 'file' : type === 0o040000 ? 'dir' : 'other', size });
  }
  return entries;
}

/**
 * The same entries as scanDirectory, built one lstat at a time with `nodeFromPathSync` — for when the addon is
 * unavailable (xattrs then come from `readXattrs`, which reports their absence).
 */
export function scanDirectoryOneByOne(
  dir: Buffer,
  options: Omit<DirectoryScanOptions, 'withXattrs'> & { readXattrs: (path: Buffer) => XattrReadResult },
): ScannedEntry[] {
  return readDirectoryNamesSync(dir).map((name): ScannedEntry => {
    const path = joinPath(dir, name);
    try {
      const result = nodeFromPathSync(path, options);
      return result.kind === 'skipped'
        ? { kind: 'skipped', name, path, warning: result.warning }
        : { kind: 'node', name, path, node: result.node, warnings: result.warnings };
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      return { kind: 'error', name, path, error };
    }
  });
}

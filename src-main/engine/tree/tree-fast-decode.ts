/**
 * Decoding of trees as restic (and this engine) write them, on V8's native JSON parser: several times faster
 * than the exact Go-rules decoder (tree-codec.ts `decodeTree`), which a backup pays for every directory of its
 * parent snapshot.
 *
 * The fast path only takes what it can decode with certainty exactly as `decodeTree` would: the fields restic
 * 0.14 writes, in their lower-case spelling, with well-typed values, integers JSON.parse represents exactly,
 * lower-case IDs, in valid UTF-8. Anything else — unknown or case-folded keys,
 * numbers such as `1.0` or `1e3` that Go refuses for an integer field, precision beyond 2^53, invalid UTF-8 —
 * falls back to `decodeTree`, which applies Go's rules and reports CORRUPT where restic would fail. The result
 * is therefore always `decodeTree`'s result.
 */
import { isUtf8 } from 'node:buffer';
import { type Id, isId } from '../ids';
import { GoUnquoteError, goUnquote } from './go/quote';
import { type ExtendedAttribute, emptyNode, isNodeType, type Node } from './node';
import { GoTimeParseError, type NodeTime, parseGoTime } from './time/rfc3339';
import { decodeTree } from './tree-codec';

/** Signals "not certain: use the exact decoder"; never escapes this module. */
class NotFast extends Error {}
const notFast = new NotFast();

/**
 * An integer field whose literal is negative, fractional or has an exponent: JSON.parse would take it, Go refuses
 * it for an unsigned integer field. (A match inside a string only costs the fallback.)
 */
const suspiciousInteger = /"(?:mode|uid|gid|inode|device_id|size|links|device)"\s*:\s*(?:-|[0-9]+[.eE])/;

/** Parsed times repeat a lot (files installed together share mtimes); parsing them once is worth a small map. */
const timeCache = new Map<string, NodeTime>();

function time(value: unknown): NodeTime {
  if (typeof value !== 'string') throw notFast;
  let parsed = timeCache.get(value);
  if (parsed === undefined) {
    try {
      parsed = parseGoTime(value);
    } catch (error) {
      if (error instanceof GoTimeParseError) throw notFast;
      throw error;
    }
    if (timeCache.size >= 50_000) timeCache.clear();
    timeCache.set(value, parsed);
  }
  return parsed;
}

function string(value: unknown): string {
  if (typeof value !== 'string') throw notFast;
  return value;
}

function uint(value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) throw notFast;
  return value;
}

function uint64(value: unknown): bigint {
  return BigInt(uint(value, Number.MAX_SAFE_INTEGER));
}

function id(value: unknown): Id {
  if (typeof value !== 'string' || !isId(value)) throw notFast; // incl. upper case, which decodeTree lower-cases
  return value;
}

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

function xattrs(value: unknown): ExtendedAttribute[] {
  if (!Array.isArray(value)) throw notFast;
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw notFast;
    let name = Buffer.alloc(0);
    let data = Buffer.alloc(0);
    for (const [key, v] of Object.entries(item)) {
      if (key === 'name') name = Buffer.from(string(v), 'utf8');
      else if (key === 'value') {
        const text = string(v);
        if (text.length % 4 !== 0 || !base64Pattern.test(text)) throw notFast;
        data = Buffer.from(text, 'base64');
      } else throw notFast;
    }
    return { name, value: data };
  });
}

function rawName(quoted: string): Buffer {
  // Go quoting escapes everything that is not printable UTF-8, so a name without a backslash is its own bytes.
  if (!quoted.includes('\\')) return Buffer.from(quoted, 'utf8');
  try {
    return goUnquote(`"${quoted}"`);
  } catch (error) {
    if (error instanceof GoUnquoteError) throw notFast; // decodeTree reports it as CORRUPT
    throw error;
  }
}

/** The keys restic 0.14 writes; any other key (e.g. a case variant Go would match) leaves the tree to decodeTree. */
const knownKeys = new Set([
  'name',
  'type',
  'mode',
  'mtime',
  'atime',
  'ctime',
  'uid',
  'gid',
  'user',
  'group',
  'inode',
  'device_id',
  'size',
  'links',
  'linktarget',
  'extended_attributes',
  'device',
  'content',
  'subtree',
  'error',
]);

interface NodeObject {
  name?: unknown;
  type?: unknown;
  mode?: unknown;
  mtime?: unknown;
  atime?: unknown;
  ctime?: unknown;
  uid?: unknown;
  gid?: unknown;
  user?: unknown;
  group?: unknown;
  inode?: unknown;
  device_id?: unknown;
  size?: unknown;
  links?: unknown;
  linktarget?: unknown;
  extended_attributes?: unknown;
  device?: unknown;
  content?: unknown;
  subtree?: unknown;
  error?: unknown;
}

/** Present and not null (Go leaves a field at its zero value for `null`, restic writes "content":null). */
function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * One node, field by field in straight-line code: objects from JSON.parse with restic's key order share one
 * shape, so these reads stay monomorphic — several times faster than a table of setters.
 */
function fastNode(item: unknown): Node {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw notFast;
  for (const key in item) if (!knownKeys.has(key)) throw notFast;
  const o = item as NodeObject;
  if (!given(o.name) || !given(o.type)) throw notFast;
  const type = string(o.type);
  if (!isNodeType(type)) throw notFast;
  const node = emptyNode(rawName(string(o.name)), type);
  if (given(o.mode)) node.mode = uint(o.mode, 0xffff_ffff);
  if (given(o.mtime)) node.mtime = time(o.mtime);
  if (given(o.atime)) node.atime = o.atime === o.mtime ? node.mtime : time(o.atime);
  if (given(o.ctime)) node.ctime = time(o.ctime);
  if (given(o.uid)) node.uid = uint(o.uid, 0xffff_ffff);
  if (given(o.gid)) node.gid = uint(o.gid, 0xffff_ffff);
  if (given(o.user)) node.user = string(o.user);
  if (given(o.group)) node.group = string(o.group);
  if (given(o.inode)) node.inode = uint64(o.inode);
  if (given(o.device_id)) node.deviceId = uint64(o.device_id);
  if (given(o.size)) node.size = uint64(o.size);
  if (given(o.links)) node.links = uint64(o.links);
  if (given(o.linktarget)) node.linkTarget = Buffer.from(string(o.linktarget), 'utf8');
  if (given(o.extended_attributes)) node.extendedAttributes = xattrs(o.extended_attributes);
  if (given(o.device)) node.device = uint64(o.device);
  if (given(o.content)) {
    if (!Array.isArray(o.content)) throw notFast;
    node.content = o.content.map(id);
  }
  if (given(o.subtree)) node.subtree = id(o.subtree);
  if (given(o.error)) node.error = string(o.error);
  return node;
}

function fastTree(bytes: Uint8Array): Node[] {
  // Go and TextDecoder replace invalid UTF-8 differently (per byte vs per maximal subpart): only valid text here.
  if (!isUtf8(bytes)) throw notFast;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (suspiciousInteger.test(text)) throw notFast;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw notFast; // decodeTree words the syntax error as Go would
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw notFast;
  const keys = Object.keys(document);
  if (keys.length !== 1 || keys[0] !== 'nodes') throw notFast;
  const nodes = (document as { nodes: unknown }).nodes;
  if (!Array.isArray(nodes)) throw notFast;
  return nodes.map(fastNode);
}

/** The nodes when the fast path is certain of them; undefined when only `decodeTree` can say. */
export function tryDecodeTreeFast(bytes: Uint8Array): Node[] | undefined {
  try {
    return fastTree(bytes);
  } catch (error) {
    if (error === notFast) return undefined;
    throw error;
  }
}

/** The nodes of a tree blob, exactly as `decodeTree(bytes, treeId)` returns them (CORRUPT errors included). */
export function decodeTreeFast(bytes: Uint8Array, treeId?: Id): Node[] {
  return tryDecodeTreeFast(bytes) ?? decodeTree(bytes, treeId);
}

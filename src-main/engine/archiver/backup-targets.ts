/**
 * The shape of a snapshot's root: `backup /a/b/c /a/d` stores root tree {a} → {b, d}, b → {c} → contents of c, with
 * the real metadata of /a and /a/b on the intermediate nodes (as restic does). This module turns the paths the
 * user gave into that trie of path components.
 */
import path from 'node:path';
import { EngineError } from '../errors';

export interface TargetTrie {
  /** Component name (raw bytes); '' for the root. */
  name: Buffer;
  /** Absolute path of this trie node. */
  path: Buffer;
  /** True when this path was given by the user: back up everything below it. */
  isTarget: boolean;
  children: TargetTrie[];
}

/** Absolute, normalized target paths: duplicates and paths inside another target removed, sorted. */
export function normalizeTargets(paths: readonly string[], cwd = process.cwd()): string[] {
  if (paths.length === 0) throw new EngineError('INVALID_ARGUMENT', 'nothing to back up: no paths given');
  const absolute = [...new Set(paths.map((p) => path.resolve(cwd, p)))].sort();
  return absolute.filter(
    (candidate) => !absolute.some((other) => other !== candidate && isInside(candidate, other)),
  );
}

function isInside(child: string, parent: string): boolean {
  return parent === '/' ? child !== '/' : child.startsWith(`${parent}/`);
}

/**
 * A target read from somewhere else than its own path: `readFrom` holds what the snapshot records as `path` (the
 * same directory inside a filesystem snapshot or a temporary copy). System state sessions read a point-in-time
 * copy, yet their snapshots must record /etc, not /snapshots/bm-…/etc, so that restores land in the right place
 * and the next session finds this one as its parent.
 */
export interface SourceMapping {
  path: string;
  readFrom: string;
}

/**
 * The trie of `targets`. A mapped target's node reads from its `readFrom`; the directories above it read from the
 * matching ancestors of `readFrom` (their metadata is the snapshot's too), unless another target made them first.
 */
export function buildTargetTrie(
  targets: readonly string[],
  sourceMap: readonly SourceMapping[] = [],
): TargetTrie {
  const readFromOf = new Map(sourceMap.map((m) => [path.resolve(m.path), path.resolve(m.readFrom)]));
  for (const mapped of readFromOf.keys())
    if (!targets.includes(mapped))
      throw new EngineError(
        'INVALID_ARGUMENT',
        `${mapped} is mapped to another source but is not one of the paths to back up (or lies inside one)`,
      );
  const root: TargetTrie = { name: Buffer.alloc(0), path: Buffer.from('/'), isTarget: false, children: [] };
  for (const target of targets) {
    const readFrom = readFromOf.get(target);
    if (target === '/') {
      root.isTarget = true;
      if (readFrom !== undefined) root.path = Buffer.from(readFrom);
      continue;
    }
    const components = target.split('/').filter(Boolean);
    let node = root;
    for (const [depth, component] of components.entries()) {
      const name = Buffer.from(component);
      let child = node.children.find((c) => c.name.equals(name));
      if (!child) {
        const ownPath = node === root ? `/${component}` : `${node.path.toString()}/${component}`;
        const readPath =
          readFrom === undefined ? ownPath : ancestorOf(readFrom, components.length - 1 - depth);
        child = { name, path: Buffer.from(readPath), isTarget: false, children: [] };
        node.children.push(child);
        node.children.sort((a, b) => Buffer.compare(a.name, b.name));
      }
      node = child;
    }
    node.isTarget = true;
    if (readFrom !== undefined) node.path = Buffer.from(readFrom);
  }
  return root;
}

function ancestorOf(file: string, levels: number): string {
  let result = file;
  for (let i = 0; i < levels; i++) result = path.dirname(result);
  return result;
}

/**
 * Turns the paths the walk reads (inside a mapped source) back into the paths the snapshot records, for exclude
 * patterns and warnings. Unmapped paths are returned as they are.
 */
export class LogicalPaths {
  private readonly mappings: { readFrom: Buffer; path: Buffer }[];

  constructor(sourceMap: readonly SourceMapping[]) {
    // Longest first: a mapping inside another one wins.
    this.mappings = sourceMap
      .map((m) => ({
        readFrom: Buffer.from(path.resolve(m.readFrom)),
        path: Buffer.from(path.resolve(m.path)),
      }))
      .sort((a, b) => b.readFrom.length - a.readFrom.length);
  }

  get empty(): boolean {
    return this.mappings.length === 0;
  }

  of(readPath: Uint8Array): Buffer {
    const bytes = Buffer.from(readPath.buffer, readPath.byteOffset, readPath.byteLength);
    for (const m of this.mappings) {
      const n = m.readFrom.length;
      if (
        bytes.length >= n &&
        bytes.subarray(0, n).equals(m.readFrom) &&
        (bytes.length === n || bytes[n] === 0x2f)
      )
        return Buffer.concat([m.path, bytes.subarray(n)]);
    }
    return bytes;
  }
}

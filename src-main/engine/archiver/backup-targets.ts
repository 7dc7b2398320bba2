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

export function buildTargetTrie(targets: readonly string[]): TargetTrie {
  const root: TargetTrie = { name: Buffer.alloc(0), path: Buffer.from('/'), isTarget: false, children: [] };
  for (const target of targets) {
    if (target === '/') {
      root.isTarget = true;
      continue;
    }
    let node = root;
    for (const component of target.split('/').filter(Boolean)) {
      const name = Buffer.from(component);
      let child = node.children.find((c) => c.name.equals(name));
      if (!child) {
        const childPath = node.path.length === 1 ? `/${component}` : `${node.path.toString()}/${component}`;
        child = { name, path: Buffer.from(childPath), isTarget: false, children: [] };
        node.children.push(child);
        node.children.sort((a, b) => Buffer.compare(a.name, b.name));
      }
      node = child;
    }
    node.isTarget = true;
  }
  return root;
}

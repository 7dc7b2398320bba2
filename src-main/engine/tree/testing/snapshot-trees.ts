/**
 * Test-only: the trees of a backup of one directory, built by our code from the filesystem, and the same trees as
 * restic stored them, both keyed by the directory's path inside the snapshot ("/", "/data", "/data/names", …).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { idOf } from '../../ids';
import { resticOk } from '../../testing/restic-cli';
import { AccountNames } from '../fs/account-names';
import { joinPath, nodeFromPath, readDirectoryNames } from '../fs/node-from-path';
import { goQuote } from '../go/quote';
import type { Node } from '../node';
import type { TimeZone } from '../time/zone';
import { decodeTree, type EncodedTree, encodeTree } from '../tree-codec';

export interface OurSnapshotTrees {
  rootId: string;
  trees: Map<string, EncodedTree>;
  warnings: string[];
  skipped: string[];
}

function childKey(parentKey: string, name: Buffer): string {
  return `${parentKey === '/' ? '' : parentKey}/${goQuote(name).slice(1, -1)}`;
}

/** The trees restic would write for `restic backup <relative>` run in `cwd`, built by our engine code. */
export async function encodeSnapshotTrees(
  cwd: string,
  relative: string,
  zone: TimeZone,
): Promise<OurSnapshotTrees> {
  const result: OurSnapshotTrees = { rootId: '', trees: new Map(), warnings: [], skipped: [] };
  const accounts = new AccountNames();

  const nodeWithChildren = async (target: Buffer, key: string): Promise<Node | undefined> => {
    const built = await nodeFromPath(target, { accounts });
    if (built.kind === 'skipped') {
      result.skipped.push(built.warning);
      return undefined;
    }
    result.warnings.push(...built.warnings);
    const node = built.node;
    if (node.type === 'file') node.content = node.size === 0n ? [] : [idOf(await readFile(target))];
    if (node.type === 'dir') {
      const children: Node[] = [];
      for (const name of await readDirectoryNames(target)) {
        const child = await nodeWithChildren(joinPath(target, name), childKey(key, name));
        if (child !== undefined) children.push(child);
      }
      const tree = encodeTree(children, zone);
      result.trees.set(key, tree);
      node.subtree = tree.id;
    }
    return node;
  };

  const top = await nodeWithChildren(Buffer.from(path.join(cwd, relative)), `/${relative}`);
  if (top === undefined) throw new Error(`${relative} was skipped`);
  const root = encodeTree([top], zone);
  result.trees.set('/', root);
  result.rootId = root.id;
  return result;
}

/** Every tree of a restic snapshot as raw bytes (`restic cat blob`), by path. */
export async function fetchResticTrees(repo: string, rootId: string): Promise<Map<string, Buffer>> {
  const trees = new Map<string, Buffer>();
  let level: Array<[string, string]> = [['/', rootId]];
  while (level.length > 0) {
    const fetched = await Promise.all(
      level.map(async ([key, id]) => {
        const bytes = (await resticOk(['cat', 'blob', id], { repo, binary: true })).stdoutBytes;
        if (idOf(bytes) !== id) throw new Error(`restic returned tree ${key} with the wrong hash`);
        return [key, id, bytes] as const;
      }),
    );
    level = [];
    for (const [key, id, bytes] of fetched) {
      trees.set(key, bytes);
      for (const node of decodeTree(bytes, id)) {
        if (node.type === 'dir' && node.subtree !== null)
          level.push([childKey(key, node.name), node.subtree]);
      }
    }
  }
  return trees;
}

/** The root tree ID of a snapshot. */
export async function snapshotTree(repo: string, snapshotId: string): Promise<string> {
  const snapshot = JSON.parse((await resticOk(['cat', 'snapshot', snapshotId], { repo })).stdout) as {
    tree: string;
  };
  return snapshot.tree;
}

/** Runs `restic backup` of `relative` in `cwd` with the given TZ; returns the snapshot ID. */
export async function backup(repo: string, cwd: string, relative: string, tz: string): Promise<string> {
  const result = await resticOk(['backup', '--json', relative], { repo, cwd, env: { TZ: tz } });
  const summary = result.stdout
    .split('\n')
    .filter((line) => line.includes('"message_type":"summary"'))
    .map((line) => JSON.parse(line) as { snapshot_id: string })[0];
  if (summary === undefined) throw new Error(`restic backup printed no summary:\n${result.stdout}`);
  return summary.snapshot_id;
}

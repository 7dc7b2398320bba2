/**
 * Tree blobs: `{"nodes":[…]}\n` with the nodes sorted by the raw bytes of their names. Encoding is byte-identical
 * to restic 0.14 (so tree IDs dedupe against restic's); decoding accepts whatever restic accepts.
 */
import { EngineError } from '../errors';
import { type Id, idOf } from '../ids';
import { isJsonObject, JsonSyntaxError, parseGoJson } from './go/json-decode';
import { goQuote } from './go/quote';
import type { Node } from './node';
import { decodeNodeObject, NodeDecodeError } from './node-decode';
import { encodeNodeJson } from './node-encode';
import { localZone } from './time/local-zone';
import type { TimeZone } from './time/zone';

export interface EncodedTree {
  /** The tree blob's plaintext. */
  bytes: Buffer;
  /** sha256 of `bytes`: the tree's blob ID. */
  id: Id;
}

/** Orders nodes as restic does: by name, compared byte-wise (Go string order). */
export function compareNodeNames(a: Node, b: Node): number {
  return Buffer.compare(a.name, b.name);
}

/**
 * The tree blob restic 0.14 writes for these nodes. Nodes are sorted by name (the input is not modified);
 * duplicate names are an INVALID_ARGUMENT error, as are nodes that restic's checker would reject.
 * Times are written in `zone` (default: this process's local zone, chosen as Go chooses it).
 */
export function encodeTree(nodes: readonly Node[], zone: TimeZone = localZone()): EncodedTree {
  const sorted = [...nodes].sort(compareNodeNames);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const node = sorted[i]!;
    const previous = sorted[i - 1];
    if (previous !== undefined && compareNodeNames(previous, node) === 0)
      throw new EngineError('INVALID_ARGUMENT', `tree has two nodes named ${goQuote(node.name)}`);
    parts.push(encodeNodeJson(node, zone));
  }
  const bytes = Buffer.from(`{"nodes":[${parts.join(',')}]}\n`, 'utf8');
  return { bytes, id: idOf(bytes) };
}

function corrupt(treeId: Id | undefined, problem: string, cause?: unknown): EngineError {
  const what = treeId === undefined ? 'tree' : `tree ${treeId}`;
  return new EngineError('CORRUPT', `${what}: ${problem}`, { cause });
}

/**
 * The nodes of a tree blob, in stored order. `treeId` names the tree in errors (CORRUPT). Like restic, this does
 * not insist on sorted or unique names; see `isCanonicalTree` for that check.
 */
export function decodeTree(bytes: Uint8Array, treeId?: Id): Node[] {
  let document: ReturnType<typeof parseGoJson>;
  try {
    document = parseGoJson(bytes);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw corrupt(treeId, `invalid JSON: ${error.message}`, error);
    throw error;
  }
  if (document === null) return []; // Go leaves the tree empty for a JSON null
  if (!isJsonObject(document)) throw corrupt(treeId, 'not a JSON object');
  let items: ReturnType<typeof parseGoJson> = null;
  for (const [key, value] of document.entries)
    if (value !== null && key.toLowerCase() === 'nodes') items = value;
  if (items === null) return [];
  if (!Array.isArray(items)) throw corrupt(treeId, '"nodes" is not an array');
  return items.map((item, index) => {
    if (!isJsonObject(item)) throw corrupt(treeId, `node ${index} is not an object`);
    try {
      return decodeNodeObject(item);
    } catch (error) {
      if (error instanceof NodeDecodeError) throw corrupt(treeId, `node ${index}: ${error.message}`, error);
      throw error;
    }
  });
}

/** Whether the nodes are sorted by name with no duplicates and no empty names (as restic writes trees). */
export function isCanonicalTree(nodes: readonly Node[]): boolean {
  return nodes.every(
    (node, i) => node.name.length > 0 && (i === 0 || compareNodeNames(nodes[i - 1]!, node) < 0),
  );
}

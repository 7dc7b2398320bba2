/**
 * The printable-rune table checked against the real restic for every Unicode scalar value of planes 0–3 and
 * 14–16: files whose names contain those code points (except NUL and '/', which no name can hold) are backed up
 * by restic; for each stored name, our Go quoting of the raw name must equal what restic stored. A code point whose
 * printability we get wrong shows up as a mismatch. Planes 4–13 hold no character in any Unicode version up to
 * 17.0, so they are sampled (every 61st code point) to keep the test fast.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, resticOk } from '../../testing/restic-cli';
import { backup, snapshotTree } from '../testing/snapshot-trees';
import { decodeTree } from '../tree-codec';
import { isJsonObject, parseGoJson } from './json-decode';
import { goQuote, goUnquote } from './quote';

let work: string;
let repo: string;
const names: Buffer[] = [];

/** The scalar values to check, packed into names of at most 252 bytes. */
function codePointNames(): Buffer[] {
  const result: Buffer[] = [];
  let current = '';
  for (let cp = 1; cp <= 0x10ffff; cp++) {
    if (cp === 0x2f || (cp >= 0xd800 && cp <= 0xdfff)) continue;
    if (cp >= 0x40000 && cp < 0xe0000 && cp % 61 !== 0) continue;
    const char = String.fromCodePoint(cp);
    if (Buffer.byteLength(current + char) > 252) {
      result.push(Buffer.from(current));
      current = '';
    }
    current += char;
  }
  result.push(Buffer.from(current));
  return result;
}

beforeAll(async () => {
  work = await makeTempDir('quote-restic');
  repo = path.join(work, 'repo');
  const data = path.join(work, 'data');
  await mkdir(data);
  names.push(...codePointNames());
  for (const name of names) await writeFile(Buffer.concat([Buffer.from(`${data}/`), name]), '');
  await resticOk(['init'], { repo });
}, 120_000);

afterAll(() => (work ? removeTempDir(work) : undefined));

describe('Go quoting of every code point', () => {
  it('matches restic 0.14 (go1.19, Unicode 13.0) code point by code point', async () => {
    const snapshotId = await backup(repo, work, 'data', 'UTC');
    const root = decodeTree(
      (await resticOk(['cat', 'blob', await snapshotTree(repo, snapshotId)], { repo, binary: true }))
        .stdoutBytes,
    );
    const dataTree = root[0]?.subtree;
    if (dataTree == null) throw new Error('no data tree');
    const document = parseGoJson(
      (await resticOk(['cat', 'blob', dataTree], { repo, binary: true })).stdoutBytes,
    );
    const nodes = isJsonObject(document) ? document.entries.find(([k]) => k === 'nodes')?.[1] : undefined;
    if (!Array.isArray(nodes)) throw new Error('tree without nodes');

    const storedNames = nodes.map((node) => {
      const name = isJsonObject(node) ? node.entries.find(([k]) => k === 'name')?.[1] : undefined;
      if (typeof name !== 'string') throw new Error('node without name');
      return name;
    });
    expect(storedNames).toHaveLength(names.length);
    const mismatches: string[] = [];
    for (const stored of storedNames) {
      const raw = goUnquote(`"${stored}"`);
      const ours = goQuote(raw).slice(1, -1);
      if (ours !== stored) mismatches.push(`restic ${JSON.stringify(stored)} ours ${JSON.stringify(ours)}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    const rawNames = storedNames.map((s) => goUnquote(`"${s}"`)).sort(Buffer.compare);
    expect(rawNames).toEqual([...names].sort(Buffer.compare));
  }, 60_000);
});

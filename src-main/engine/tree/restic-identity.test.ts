/**
 * Byte identity with the real restic 0.14: restic backs up a fixture full of odd metadata and names; our node
 * builder and tree encoder, run on the same filesystem, must produce the very same tree bytes for every directory,
 * and therefore the same root tree ID. Done in UTC and in Europe/Berlin (restic's TZ env; our zone parameter —
 * no child process needed, the zone is an argument of the encoder).
 * Equal root IDs prove equal bytes for every directory (each tree contains its subtrees' IDs), so restic's trees
 * are fetched one by one (`restic cat blob`, ~0.7 s each for the key derivation) only to explain a mismatch, and
 * for the decoding test, which reads every tree of the Berlin snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, resticOk } from '../testing/restic-cli';
import { createOddFixture } from './testing/odd-fixture';
import { backup, encodeSnapshotTrees, fetchResticTrees, snapshotTree } from './testing/snapshot-trees';
import { loadNamedZone } from './time/local-zone';
import { TimeZone } from './time/zone';
import { decodeTree, encodeTree } from './tree-codec';
import { decodeTreeFast, tryDecodeTreeFast } from './tree-fast-decode';

let work: string;
let repo: string;
let closeSocket: () => Promise<void>;
const rootIds = new Map<string, string>();
/** Every tree of the Europe/Berlin snapshot as restic wrote it, by path. */
let berlinTrees: Map<string, Buffer>;

const zones: Array<[string, () => TimeZone]> = [
  ['UTC', () => TimeZone.utc()],
  [
    'Europe/Berlin',
    () => {
      const zone = loadNamedZone('Europe/Berlin');
      if (zone === undefined) throw new Error('Europe/Berlin is not installed (package tzdata)');
      return zone;
    },
  ],
];

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test needs root (mknod, chown)');
  work = await makeTempDir('restic-identity');
  repo = `${work}/repo`;
  closeSocket = await createOddFixture(work);
  await resticOk(['init'], { repo });
  for (const [tz] of zones) rootIds.set(tz, await snapshotTree(repo, await backup(repo, work, 'data', tz)));
  berlinTrees = await fetchResticTrees(repo, rootIds.get('Europe/Berlin') ?? '');
}, 120_000);

afterAll(async () => {
  await closeSocket?.();
  if (work) await removeTempDir(work);
});

describe.each(zones)('trees built from the filesystem, TZ=%s', (tz, zone) => {
  it('are byte-identical to restic for every directory, so the root tree ID is restic’s', async () => {
    const resticRoot = rootIds.get(tz);
    if (resticRoot === undefined) throw new Error('backup missing');
    const ours = await encodeSnapshotTrees(work, 'data', zone());

    expect(ours.warnings).toEqual([]);
    expect(ours.skipped).toEqual([expect.stringContaining('is a socket')]);
    expect(ours.trees.size).toBe(11);
    if (ours.rootId !== resticRoot) {
      // Show the deepest directory whose bytes differ (its parents differ only by its ID), as a readable diff.
      const theirs = tz === 'Europe/Berlin' ? berlinTrees : await fetchResticTrees(repo, resticRoot);
      expect([...ours.trees.keys()].sort()).toEqual([...theirs.keys()].sort());
      const depth = (key: string) => (key === '/' ? 0 : key.split('/').length);
      for (const key of [...theirs.keys()].sort((a, b) => depth(b) - depth(a))) {
        const expected = theirs.get(key)?.toString('utf8');
        expect(ours.trees.get(key)?.bytes.toString('utf8'), `tree of ${key}`).toBe(expected);
      }
    }
    expect(ours.rootId).toBe(resticRoot);
  });
});

/**
 * What Go itself produces when it decodes and re-encodes restic's JSON: identical bytes, except that a `\ufffd`
 * escape (restic 0.14 writes one for each byte of a link target, user/group or xattr name that is not UTF-8)
 * decodes to U+FFFD and is written back as the literal character. The original byte is lost in restic 0.14's
 * format (newer restic adds linktarget_raw), so no reader can reproduce the escape.
 */
function goReencoding(treeJson: string): string {
  return treeJson.replace(/(?<!\\)((?:\\\\)*)\\ufffd/g, '$1\ufffd');
}

describe('trees written by restic', () => {
  it('decode and re-encode to identical bytes (bar the lossy \\ufffd escapes, as in Go)', () => {
    const lossy: string[] = [];
    let identical = 0;
    let withOffsets = 0;
    for (const [key, bytes] of berlinTrees) {
      // The zone does not matter: decoded times keep the offset they were written with.
      const reencoded = encodeTree(decodeTree(bytes), TimeZone.fixed(12_345)).bytes.toString('utf8');
      const original = bytes.toString('utf8');
      if (/[+-]0[12]:00"/.test(original)) withOffsets++;
      expect(reencoded, key).toBe(goReencoding(original));
      if (reencoded === original) identical++;
      else lossy.push(key);
    }
    // Only the trees holding the link target and the xattr name with a byte 0xff are affected.
    expect(lossy.sort()).toEqual(['/data/links', '/data/xattrs']);
    expect(identical).toBe(9);
    expect(withOffsets).toBe(8); // all but the three empty directories' trees hold times with offsets
  });

  it('take the fast decoder’s path, with the exact decoder’s nodes', () => {
    let fast = 0;
    for (const [key, bytes] of berlinTrees) {
      expect(decodeTreeFast(bytes), key).toEqual(decodeTree(bytes));
      if (tryDecodeTreeFast(bytes) !== undefined) fast++;
    }
    expect(fast).toBe(berlinTrees.size);
  });

  it('carry the odd names back as the exact raw bytes', async () => {
    const { oddNames } = await import('./testing/odd-fixture');
    const names = berlinTrees.get('/data/names');
    if (names === undefined) throw new Error('names tree missing');
    expect(decodeTree(names).map((n) => n.name)).toEqual([...oddNames].sort(Buffer.compare));
  });
});

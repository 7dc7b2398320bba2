/**
 * Test-only: the rich source directory the restore tests back up with restic, and a comparison of a restored
 * directory with its source that looks at everything a restore must bring back: type, full st_mode (setuid,
 * setgid, sticky), owner, nanosecond mtime, size, content, symlink target bytes, xattrs, device numbers, and
 * hardlinks (names that share an inode in the source share one in the restore).
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPosixFsAddon } from '../../native/posix-fs-addon';
import { stringFromGoBytes } from '../../tree/go/utf8';
import { setTimes } from '../../tree/testing/fixture-tools';
import { createOddFixture } from '../../tree/testing/odd-fixture';

export const sparseFile = { name: 'sparse.img', size: 256 * 1024 * 1024, dataAt: [0, 100 * 1024 * 1024] };

/** A deterministic pseudo-random buffer (sha256 in counter mode; incompressible). */
export function pseudoRandom(length: number, seed: string): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let offset = 0, i = 0; offset < length; offset += 32, i++) {
    createHash('sha256').update(`${seed}:${i}`).digest().copy(out, offset);
  }
  return out;
}

/**
 * `<root>/data`: the odd fixture of the tree tests (every node type, modes, owners, xattrs, odd names and times)
 * plus `bulk/`: files of several sizes — empty, small, several chunks, more than 8 MiB (more than one max-size
 * chunk) — a 256 MiB sparse file with three small data regions, and nested directories. Needs root.
 * Returns a function that removes what must not outlive the test (a listening socket).
 */
export async function createRestoreSource(root: string): Promise<() => Promise<void>> {
  const bulk = path.join(root, 'data', 'bulk');
  await mkdir(path.join(bulk, 'nested', 'deeper', 'deepest'), { recursive: true });
  await writeFile(path.join(bulk, 'empty'), '');
  await writeFile(path.join(bulk, 'small.txt'), 'a small file\n');
  await writeFile(path.join(bulk, 'three-mib.bin'), pseudoRandom(3 * 1024 * 1024, 'three'));
  await writeFile(path.join(bulk, 'twelve-mib.bin'), pseudoRandom(12 * 1024 * 1024 + 123, 'twelve'));
  await writeFile(path.join(bulk, 'text.log'), 'log line with some repetition\n'.repeat(100_000));
  await writeFile(path.join(bulk, 'nested', 'deeper', 'deepest', 'leaf.txt'), 'deep leaf\n');
  await writeFile(path.join(bulk, 'nested', 'n.bin'), pseudoRandom(700 * 1024, 'nested'));
  const sparse = await open(path.join(bulk, sparseFile.name), 'w');
  try {
    for (const at of sparseFile.dataAt) await sparse.write(pseudoRandom(4096, `sparse${at}`), 0, 4096, at);
    await sparse.write(Buffer.from('tail'), 0, 4, sparseFile.size - 4);
  } finally {
    await sparse.close();
  }
  setTimes(path.join(bulk, 'twelve-mib.bin'), 1_234_567_890n, 987_654_321);
  for (const dir of ['nested/deeper/deepest', 'nested/deeper', 'nested', '.']) {
    setTimes(path.join(bulk, dir), 1_700_000_000n + BigInt(dir.length), 4242);
  }
  return createOddFixture(root);
}

/** What restic 0.14 records for bytes that are not UTF-8 (link targets, xattr names): each invalid byte → U+FFFD. */
function goString(bytes: Buffer): Buffer {
  return Buffer.from(stringFromGoBytes(bytes), 'utf8');
}

async function sha256Of(file: Buffer): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

function xattrsOf(file: Buffer): string[] {
  const addon = loadPosixFsAddon();
  return addon
    .llistxattr(file)
    .map((name) => `${goString(name).toString('hex')}=${addon.lgetxattr(file, name).toString('hex')}`)
    .sort();
}

export interface CompareOptions {
  /** Compare link counts (only meaningful when every name of each inode was restored). */
  linkCounts?: boolean;
  /** Compare the top directory's own metadata (false when its contents were restored into a target). */
  topMetadata?: boolean;
}

/**
 * Differences between `source` and `restored` (empty = equal), as readable lines. Sockets in the source are
 * expected to be absent (restic does not restore them). atime is not compared: restic records atime = mtime.
 */
export async function compareTrees(
  source: string,
  restored: string,
  options: CompareOptions = {},
): Promise<string[]> {
  const diffs: string[] = [];
  const inodes = new Map<bigint, bigint>(); // source inode → restored inode of its first name
  const walk = async (relative: Buffer, isTop: boolean): Promise<void> => {
    const s = Buffer.concat([Buffer.from(source), relative]);
    const r = Buffer.concat([Buffer.from(restored), relative]);
    const where = relative.length === 0 ? '.' : relative.subarray(1).toString('utf8');
    const si = await lstat(s, { bigint: true });
    let ri: Awaited<ReturnType<typeof lstat>>;
    try {
      ri = await lstat(r, { bigint: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (!si.isSocket()) diffs.push(`${where}: missing`);
      return;
    }
    if (si.isSocket()) return void diffs.push(`${where}: a socket was restored`);
    const check = (what: string, a: unknown, b: unknown) => {
      if (a !== b) diffs.push(`${where}: ${what} ${String(a)} → ${String(b)}`);
    };
    if (!isTop || options.topMetadata !== false) {
      check('mode', si.mode.toString(8), ri.mode.toString(8));
      check('uid', si.uid, ri.uid);
      check('gid', si.gid, ri.gid);
      check('mtime', si.mtimeNs, ri.mtimeNs);
      if (!si.isSymbolicLink()) check('xattrs', xattrsOf(s).join(','), xattrsOf(r).join(','));
    }
    if (si.isBlockDevice() || si.isCharacterDevice()) check('rdev', si.rdev, ri.rdev);
    if (si.isSymbolicLink()) {
      const expected = goString(await readlink(s, { encoding: 'buffer' })).toString('hex');
      check('link target', expected, (await readlink(r, { encoding: 'buffer' })).toString('hex'));
    }
    if (si.isFile()) {
      check('size', si.size, ri.size);
      if (options.linkCounts !== false) check('links', si.nlink, ri.nlink);
      const first = inodes.get(si.ino);
      if (first === undefined) {
        inodes.set(si.ino, ri.ino);
        check('content', await sha256Of(s), await sha256Of(r));
      } else check('hardlink (restored inode)', first, ri.ino);
    }
    if (si.isDirectory()) {
      const children = (await readdir(s, { encoding: 'buffer' })).sort(Buffer.compare);
      const restoredChildren = await readdir(r, { encoding: 'buffer' });
      for (const extra of restoredChildren.filter((name) => !children.some((c) => c.equals(name)))) {
        diffs.push(`${where}: unexpected entry ${extra.toString('utf8')}`);
      }
      for (const child of children) await walk(Buffer.concat([relative, Buffer.from('/'), child]), false);
    }
  };
  await walk(Buffer.alloc(0), true);
  return diffs;
}

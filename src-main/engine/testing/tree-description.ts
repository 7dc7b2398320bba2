/**
 * Tests only: a comparable description of a directory tree — every entry's type, mode, owner, size, mtime (ns),
 * content hash, link target, xattrs, device number, and which entries are hardlinks of each other — so "the
 * restore equals the source" is one deep equality with a readable diff.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { loadPosixFsAddon } from '../native/posix-fs-addon';

export interface EntryDescription {
  type: 'file' | 'dir' | 'symlink' | 'fifo' | 'chardev' | 'blockdev' | 'socket';
  mode?: string;
  uid: number;
  gid: number;
  size?: number;
  mtimeNs?: string;
  sha256?: string;
  linkTarget?: string;
  xattrs?: Record<string, string>;
  rdev?: string;
  /** For files with more than one link: the first path (in sorted order) of the same inode. */
  hardlinkOf?: string;
}

export interface DescribeOptions {
  /** Leave out directory mtimes (a restore that writes into a directory changes them only if buggy, but some
   *  tools compare only files). Default false: directories are compared too. */
  ignoreDirectoryTimes?: boolean;
  /** Paths (relative) to skip, e.g. sockets restic does not store. */
  skip?: (relative: string) => boolean;
}

/** Keys are paths relative to `root` as latin1 strings of the raw bytes ('' is the root itself). */
export async function describeTree(
  root: string,
  options: DescribeOptions = {},
): Promise<Record<string, EntryDescription>> {
  const addon = loadPosixFsAddon();
  const result: Record<string, EntryDescription> = {};
  const inodes = new Map<string, string>();
  const rootBytes = Buffer.from(root);

  const visit = async (absolute: Buffer, relative: string) => {
    if (relative !== '' && options.skip?.(relative)) return;
    const info = await lstat(absolute, { bigint: true });
    const type = info.isFile()
      ? 'file'
      : info.isDirectory()
        ? 'dir'
        : info.isSymbolicLink()
          ? 'symlink'
          : info.isFIFO()
            ? 'fifo'
            : info.isCharacterDevice()
              ? 'chardev'
              : info.isBlockDevice()
                ? 'blockdev'
                : 'socket';
    const entry: EntryDescription = {
      type,
      mode: (Number(info.mode) & 0o7777).toString(8),
      uid: Number(info.uid),
      gid: Number(info.gid),
    };
    if (type !== 'dir' || !options.ignoreDirectoryTimes) entry.mtimeNs = String(info.mtimeNs);
    if (type === 'symlink') {
      entry.linkTarget = (await readlink(absolute, { encoding: 'buffer' })).toString('latin1');
      delete entry.mode; // Linux symlink modes are always 0777 and cannot be set
    } else {
      const names = addon.llistxattr(absolute).sort(Buffer.compare);
      if (names.length > 0) {
        entry.xattrs = Object.fromEntries(
          names.map((name) => [name.toString('latin1'), addon.lgetxattr(absolute, name).toString('base64')]),
        );
      }
    }
    if (type === 'file') {
      entry.size = Number(info.size);
      entry.sha256 = createHash('sha256')
        .update(await readFile(absolute))
        .digest('hex');
      if (info.nlink > 1n) {
        const key = `${info.dev}:${info.ino}`;
        const first = inodes.get(key);
        if (first === undefined) inodes.set(key, relative);
        else entry.hardlinkOf = first;
      }
    }
    if (type === 'chardev' || type === 'blockdev') entry.rdev = String(info.rdev);
    result[relative] = entry;
    if (type === 'dir') {
      const names = (await readdir(absolute, { encoding: 'buffer' })).sort(Buffer.compare);
      for (const name of names) {
        const child = Buffer.concat([absolute, Buffer.from('/'), name]);
        await visit(
          child,
          relative === '' ? name.toString('latin1') : `${relative}/${name.toString('latin1')}`,
        );
      }
    }
  };
  await visit(rootBytes, '');
  return result;
}

/** The sparse-file check: blocks actually allocated, in bytes. */
export async function allocatedBytes(file: string): Promise<number> {
  return (await lstat(file)).blocks * 512;
}

export function relativeTo(root: string, absolute: string): string {
  return path.relative(root, absolute);
}

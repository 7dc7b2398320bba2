/**
 * Paths inside a restored system tree (the target root, e.g. /mnt/target). The tree comes from a backup and may be
 * another distribution, so its symlinks are its own: `/sbin -> usr/sbin` (usrmerge), unit links to
 * `/lib/systemd/system/…`, or a hostile `etc -> /`. They are resolved the way the target itself would see them —
 * as if chroot'ed (like openat2's RESOLVE_IN_ROOT): an absolute link starts again at the target root and `..`
 * stops at it — so nothing here ever reads or reports a host path outside the target.
 */
import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import { fromNodeError, SystemStateError } from '../errors';

/** Linux's own limit on symlinks followed in one lookup. */
const maxSymlinks = 40;

export interface ResolvedTargetPath {
  /** The path as the target sees it, symlinks resolved (`/usr/sbin/grub-install`). */
  inTarget: string;
  /** The same file on this machine (`/mnt/target/usr/sbin/grub-install`), always under the target root. */
  onHost: string;
  /** lstat of the resolved file (never a symlink). */
  kind: 'file' | 'directory' | 'other';
  /** Any execute bit set (a regular file the target could run). */
  executable: boolean;
}

export function assertTargetRoot(targetRoot: string): string {
  if (!path.isAbsolute(targetRoot))
    throw new SystemStateError('INVALID_ARGUMENT', `target root must be an absolute path: ${targetRoot}`);
  return path.resolve(targetRoot);
}

/**
 * Resolves `inTargetPath` (absolute or relative to the target root) inside `targetRoot`. null when a component
 * does not exist, a symlink loops, or a non-directory is used as a directory — i.e. "the target has no such file".
 */
export async function resolveInTarget(
  targetRoot: string,
  inTargetPath: string,
): Promise<ResolvedTargetPath | null> {
  const root = assertTargetRoot(targetRoot);
  const pending = components(inTargetPath);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift() as string;
    if (name === '.') continue;
    if (name === '..') {
      resolved.pop(); // at the root, `..` is the root (as in a chroot)
      continue;
    }
    const onHost = path.join(root, ...resolved, name);
    const stats = await lstatOrNull(onHost);
    if (stats === null) return null;
    if (stats.isSymbolicLink()) {
      links += 1;
      if (links > maxSymlinks) return null;
      const target = await readlink(onHost).catch((error: unknown) => {
        throw fromNodeError(error, `reading the link ${onHost}`);
      });
      if (target.startsWith('/')) resolved.length = 0;
      pending.unshift(...components(target));
      continue;
    }
    if (pending.length > 0 && !stats.isDirectory()) return null;
    resolved.push(name);
  }
  const onHost = path.join(root, ...resolved);
  const stats = await lstat(onHost).catch((error: unknown) => {
    throw fromNodeError(error, `reading ${onHost}`);
  });
  return {
    inTarget: `/${resolved.join('/')}`,
    onHost,
    kind: stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other',
    executable: stats.isFile() && (stats.mode & 0o111) !== 0,
  };
}

/** Like resolveInTarget, but says whether the last component itself is a symlink and where it points (unresolved). */
export async function readLinkInTarget(targetRoot: string, inTargetPath: string): Promise<string | null> {
  const parent = await resolveInTarget(targetRoot, path.posix.dirname(`/${inTargetPath}`));
  if (parent === null || parent.kind !== 'directory') return null;
  const onHost = path.join(parent.onHost, path.posix.basename(inTargetPath));
  const stats = await lstatOrNull(onHost);
  if (stats === null || !stats.isSymbolicLink()) return null;
  return readlink(onHost).catch((error: unknown) => {
    throw fromNodeError(error, `reading the link ${onHost}`);
  });
}

function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '');
}

async function lstatOrNull(onHost: string) {
  try {
    return await lstat(onHost);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return null;
    throw fromNodeError(error, `reading ${onHost}`);
  }
}

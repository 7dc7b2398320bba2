/**
 * What an apply to this system changes besides the files a rollback snapshot can put back: the entries it
 * *creates* (a restore never deletes, so a rollback must remove them itself) and the times of the directories above
 * what it restores (adding an entry to a directory changes its mtime, and the directories above the include paths
 * are not in the rollback snapshot when the include path did not exist before).
 *
 * The existing entries under the include paths are listed before the apply writes anything; the entries the
 * snapshot would add are recorded in the report at once (so a rollback works even after a crash in the middle);
 * after the post-restore steps the include paths are listed again, and everything new — including what the UUID
 * remap or the service enablement made — is recorded as created.
 *
 * Paths are live paths (`/etc/fstab`), kept as raw bytes while working; in the report a path that is not valid
 * UTF-8 is written as `b64:` + base64 of its bytes, so the rollback finds exactly that name again.
 */
import { lstat, readdir, realpath, rmdir, unlink } from 'node:fs/promises';
import { EngineError } from '../../engine/errors';
import type { Id } from '../../engine/ids';
import type { PosixFsBinding } from '../../engine/native/posix-fs-addon';
import { RestoreSelection } from '../../engine/restore/restore-selection';
import { type TreeLoader, walkTree } from '../../engine/restore/tree-walker';
import type { DirectoryState } from './restore-job-report';

const slash = 0x2f;

/** A live path for the report: as text when it is UTF-8, else `b64:…` of its bytes. */
export function encodePath(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : `b64:${bytes.toString('base64')}`;
}

export function decodePath(encoded: string): Buffer {
  return encoded.startsWith('b64:') ? Buffer.from(encoded.slice(4), 'base64') : Buffer.from(encoded, 'utf8');
}

/** `root` + live path, as bytes (`/` root: the live path itself). */
export function underRoot(root: string, live: Buffer): Buffer {
  const rootBytes = Buffer.from(root === '/' ? '' : root.replace(/\/+$/, ''));
  return Buffer.concat([rootBytes, live]);
}

/** The live directories above `live` (`/var/spool/cron` → `/`, `/var`, `/var/spool`). */
function ancestorsOf(live: string): string[] {
  const parts = live.split('/').filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i).join('/')}`);
}

async function exists(file: Buffer): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'ENOTDIR'
    )
      return false;
    throw error;
  }
}

/**
 * Every entry that exists under `root` at the include paths and below (never following a symlink), plus the
 * include paths' existing ancestors — keyed by their encoded live path.
 */
export async function listExisting(root: string, includePaths: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const visit = async (live: Buffer): Promise<void> => {
    const absolute = underRoot(root, live);
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw error;
    }
    found.add(encodePath(live));
    if (!info.isDirectory()) return;
    for (const name of await readdir(absolute, { encoding: 'buffer' }))
      await visit(Buffer.concat([live, Buffer.from('/'), name]));
  };
  for (const include of includePaths) {
    for (const ancestor of ancestorsOf(include))
      if (ancestor !== '/' && (await exists(underRoot(root, Buffer.from(ancestor))))) found.add(ancestor);
    await visit(Buffer.from(include));
  }
  return found;
}

/** The entries of the snapshot's selection that are not in `existing`: what restoring it will create. */
export async function entriesToCreate(
  loadTree: TreeLoader,
  tree: Id,
  includePaths: readonly string[],
  existing: ReadonlySet<string>,
  signal?: AbortSignal,
): Promise<string[]> {
  const created = new Set<string>();
  const problems: string[] = [];
  await walkTree(
    loadTree,
    tree,
    new RestoreSelection(includePaths),
    {
      async visit({ relativePath }) {
        const live = encodePath(Buffer.concat([Buffer.from('/'), relativePath]));
        if (!existing.has(live)) created.add(live);
        return true;
      },
      problem(where) {
        problems.push(where); // refused or unreadable: the restore reports it and creates nothing there
      },
    },
    { signal },
  );
  return [...created].sort();
}

/** Created = present now but not before; sorted. */
export function createdSince(before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  return [...after].filter((entry) => !before.has(entry)).sort();
}

/** The metadata of the existing directories above the include paths (the root included). */
export async function directoriesAbove(
  root: string,
  includePaths: readonly string[],
): Promise<DirectoryState[]> {
  const directories = new Map<string, DirectoryState>();
  for (const include of includePaths)
    for (const ancestor of ancestorsOf(include)) {
      if (directories.has(ancestor)) continue;
      let info: Awaited<ReturnType<typeof lstat>> & { atimeNs: bigint; mtimeNs: bigint };
      try {
        info = await lstat(underRoot(root, Buffer.from(ancestor)), { bigint: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      if (!info.isDirectory()) continue;
      directories.set(ancestor, {
        path: ancestor,
        mode: Number(info.mode & 0o7777n),
        uid: Number(info.uid),
        gid: Number(info.gid),
        atimeNs: String(info.atimeNs),
        mtimeNs: String(info.mtimeNs),
      });
    }
  return [...directories.values()];
}

/**
 * Whether the folders on the way to `absolute` are real folders, no symlink among them: the rollback removes
 * entries by path, and must not remove through a link something else than what the apply created.
 */
async function parentIsReal(absolute: Buffer): Promise<boolean> {
  const parent = absolute.subarray(0, Math.max(absolute.lastIndexOf(slash), 1));
  try {
    return (await realpath(parent, { encoding: 'buffer' })).equals(parent);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true; // gone: nothing to remove there
    throw error;
  }
}

export interface RemovalProblem {
  path: string;
  code: string;
  message: string;
}

/**
 * Removes the created entries under `root`: everything but directories first, then directories deepest first and
 * only when empty (something the user put there since stays, and is reported). Entries already gone are fine.
 */
export async function removeCreated(
  root: string,
  created: readonly string[],
  signal?: AbortSignal,
): Promise<{ removed: number; problems: RemovalProblem[] }> {
  const problems: RemovalProblem[] = [];
  const directories: Buffer[] = [];
  let removed = 0;
  for (const encoded of created) {
    if (signal?.aborted) throw new EngineError('CANCELLED', 'the rollback was cancelled');
    const live = decodePath(encoded);
    const absolute = underRoot(root, live);
    try {
      if (!(await parentIsReal(absolute))) {
        problems.push({
          path: encoded,
          code: 'PATH_ESCAPE',
          message: `${encoded}: a folder on its way is a symbolic link now; not removed`,
        });
        continue;
      }
      if ((await lstat(absolute)).isDirectory()) {
        directories.push(live);
        continue;
      }
      await unlink(absolute);
      removed++;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      problems.push({ path: encoded, code: 'IO_ERROR', message: `${encoded}: ${(error as Error).message}` });
    }
  }
  const depth = (bytes: Buffer) => bytes.filter((byte) => byte === slash).length;
  directories.sort((a, b) => depth(b) - depth(a) || Buffer.compare(b, a));
  for (const live of directories) {
    try {
      await rmdir(underRoot(root, live));
      removed++;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      const encoded = encodePath(live);
      problems.push(
        code === 'ENOTEMPTY' || code === 'EEXIST'
          ? {
              path: encoded,
              code: 'NOT_EMPTY',
              message: `${encoded}: created by the apply, but it holds entries the apply did not make; left in place`,
            }
          : { path: encoded, code: 'IO_ERROR', message: `${encoded}: ${(error as Error).message}` },
      );
    }
  }
  return { removed, problems };
}

/** Puts the recorded owner, mode and times back on each directory still there (deepest first). */
export async function restoreDirectoryStates(
  root: string,
  directories: readonly DirectoryState[],
  addon: PosixFsBinding,
  chown: (path: Buffer, uid: number, gid: number) => void,
  chmod: (path: Buffer, mode: number) => void,
): Promise<RemovalProblem[]> {
  const problems: RemovalProblem[] = [];
  const sorted = [...directories].sort((a, b) => b.path.length - a.path.length);
  for (const directory of sorted) {
    const absolute = underRoot(root, decodePath(directory.path));
    try {
      // Recorded as a directory: anything else there now (a symlink) is not followed.
      if (!(await lstat(absolute)).isDirectory()) {
        problems.push({
          path: directory.path,
          code: 'IO_ERROR',
          message: `${directory.path}: no longer a folder; its owner, mode and times are not put back`,
        });
        continue;
      }
      chown(absolute, directory.uid, directory.gid);
      chmod(absolute, directory.mode);
      const atime = BigInt(directory.atimeNs);
      const mtime = BigInt(directory.mtimeNs);
      addon.lutimes(
        absolute,
        atime / 1_000_000_000n,
        Number(atime % 1_000_000_000n),
        mtime / 1_000_000_000n,
        Number(mtime % 1_000_000_000n),
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      problems.push({
        path: directory.path,
        code: 'IO_ERROR',
        message: `${directory.path}: owner, mode or times could not be put back: ${(error as Error).message}`,
      });
    }
  }
  return problems;
}

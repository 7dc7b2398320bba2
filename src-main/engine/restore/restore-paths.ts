/**
 * Keeps a restore inside its target directory, whatever the repository's trees say. A repository can be damaged
 * or hostile: names like `..`, `/`, names with a separator or NUL inside, duplicate names that swap a directory
 * for a symlink, or a symlink (created earlier by the same restore, or already in the target) on the path to a
 * later entry. Every such entry is refused with PATH_ESCAPE before anything is written for it.
 *
 * Paths are raw bytes (Buffers): names in a repository are arbitrary bytes, not UTF-8 strings.
 */
import { lstat, mkdir } from 'node:fs/promises';
import { EngineError } from '../errors';

const slash = 0x2f;

/** Throws PATH_ESCAPE unless `name` is a single, ordinary path component. */
export function assertSafeName(name: Uint8Array, where: string): void {
  const reason =
    name.length === 0
      ? 'an empty name'
      : name.length === 1 && name[0] === 0x2e
        ? 'the name "."'
        : name.length === 2 && name[0] === 0x2e && name[1] === 0x2e
          ? 'the name ".."'
          : name.includes(slash)
            ? 'a name containing "/"'
            : name.includes(0)
              ? 'a name containing a NUL byte'
              : null;
  if (reason !== null) {
    throw new EngineError(
      'PATH_ESCAPE',
      `refused ${reason} in ${where}: it would not stay inside the restore target`,
    );
  }
}

/** `parent/name` as raw bytes; `name` must have passed assertSafeName. */
export function childPath(parent: Buffer, name: Uint8Array): Buffer {
  const needsSlash = parent.length > 0 && parent[parent.length - 1] !== slash;
  return Buffer.concat([parent, needsSlash ? Buffer.from('/') : Buffer.alloc(0), name]);
}

/** Printable form of a raw path for messages (invalid UTF-8 shown as U+FFFD). */
export function displayPath(path: Uint8Array): string {
  return Buffer.from(path).toString('utf8');
}

/**
 * Creates and vouches for directories under the target. A directory is used only once it is known to be a real
 * directory (created by us, or existing and not a symlink); the verdict is cached, so each directory is checked
 * once. Restorers create symlinks only after all files and directories, so a verified path cannot be redirected
 * later by this restore.
 */
export class DirectoryGuard {
  private readonly verified = new Set<string>();

  constructor(private readonly root: Buffer) {}

  /** Ensures `dir` (the root or a path made of safe names under it) exists as a real directory. */
  async ensureDirectory(dir: Buffer, mode = 0o700): Promise<void> {
    const key = dir.toString('latin1');
    if (this.verified.has(key)) return;
    try {
      await mkdir(dir, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await lstat(dir);
      const isRoot = dir.equals(this.root);
      // The target itself may be reached through a symlink the user chose; nothing below it may be.
      if (!isRoot && !info.isDirectory()) {
        throw new EngineError(
          'PATH_ESCAPE',
          `refused to restore into ${displayPath(dir)}: it exists and is ${info.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}`,
        );
      }
    }
    this.verified.add(key);
  }

  isVerified(dir: Buffer): boolean {
    return this.verified.has(dir.toString('latin1'));
  }
}

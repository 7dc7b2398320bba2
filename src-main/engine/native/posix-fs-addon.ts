/**
 * Loads our POSIX filesystem addon (src-main/engine/native/posix-fs: extended attributes, mknod, nanosecond
 * lutimes), built by `npm install`/`npm ci` through the package.json "install" script. Node has none of these
 * calls, and silently losing xattrs (ACLs, SELinux labels, capabilities), devices or exact times would make a
 * system-state backup or restore subtly wrong — so a missing or broken addon is an error with the list of places
 * searched, never a quiet fallback.
 *
 * Where it is looked for: see native-addon-loader.ts (`$BACKUP_MANAGER_POSIX_FS_ADDON`, the packaged app's
 * resources, the checkout's build).
 */
import {
  type AddonSearchContext,
  type AddonSpec,
  addonCandidates,
  cachedAddonLoader,
  loadAddonFrom,
  missingFunctions,
} from './native-addon-loader';

/** The addon's functions. All take raw-byte paths and throw fs-style errors (`code`, `errno`, `syscall`). */
export interface PosixFsBinding {
  /** Attribute names of `path` itself (symlinks are not followed), in the kernel's order. */
  llistxattr(path: Buffer): Buffer[];
  /** The value of one attribute; throws ENODATA when it does not exist. */
  lgetxattr(path: Buffer, name: Buffer): Buffer;
  /** Sets an attribute; `flags`: 0, or XATTR_CREATE (1) / XATTR_REPLACE (2). */
  lsetxattr(path: Buffer, name: Buffer, value: Buffer, flags?: number): void;
  lremovexattr(path: Buffer, name: Buffer): void;
  /** mknod(2): `mode` = file type (S_IFIFO, S_IFCHR, S_IFBLK) | permissions (umask applies); `device` = st_rdev. */
  mknod(path: Buffer, mode: number, device: number | bigint): void;
  /** utimensat(2) with AT_SYMLINK_NOFOLLOW: exact atime and mtime of the path itself. */
  lutimes(
    path: Buffer,
    atimeSec: number | bigint,
    atimeNsec: number,
    mtimeSec: number | bigint,
    mtimeNsec: number,
  ): void;
  /**
   * A directory's entries, sorted by raw name, each with its lstat, symlink target and (withXattrs) extended
   * attributes, packed into one Buffer (layout in posix-fs/directory-scan.c; read by tree/fs/directory-scan.ts).
   * Throws when the directory itself cannot be opened or listed; per-entry failures are recorded in the entry.
   */
  scanDirectory(dir: Buffer, withXattrs: boolean): Buffer;
  /** malloc_trim(0) on glibc: returns free heap memory to the system; true when some was released. */
  releaseFreeMemory(): boolean;
  /**
   * Fixes glibc's M_MMAP_THRESHOLD and M_TRIM_THRESHOLD (bytes); true when taken, false where there is no glibc.
   * Absent from builds older than this function (see parallel/garbage-collector.ts, its only caller).
   */
  configureAllocator?(mmapThreshold: number, trimThreshold: number): boolean;
  /**
   * madvise(MADV_DONTNEED) on the whole pages inside `view`: no longer resident, zeros if read again; returns the
   * bytes released. Only for memory nothing will read again (see parallel/garbage-collector.ts). Absent from
   * builds older than this function.
   */
  discardPages?(view: Uint8Array): number;
}

/** The extended-attribute part, for code that only reads or writes xattrs (and tests that fake them). */
export type XattrBinding = Pick<PosixFsBinding, 'llistxattr' | 'lgetxattr' | 'lsetxattr' | 'lremovexattr'>;

export const posixFsAddonEnvVariable = 'BACKUP_MANAGER_POSIX_FS_ADDON';

const posixFsAddon: AddonSpec<PosixFsBinding> = {
  dir: 'posix-fs',
  file: 'posix_fs.node',
  envVariable: posixFsAddonEnvVariable,
  name: 'POSIX filesystem',
  purpose: 'xattrs, mknod, exact times',
  problemWith(exports) {
    const missing = missingFunctions(exports, [
      'llistxattr',
      'lgetxattr',
      'lsetxattr',
      'lremovexattr',
      'mknod',
      'lutimes',
      'scanDirectory',
    ]);
    return missing.length > 0
      ? `not the posix-fs addon (missing ${missing.join(', ')}; an outdated build?)`
      : undefined;
  },
};

/** The files tried, in order. */
export function posixFsAddonCandidates(context: AddonSearchContext): string[] {
  return addonCandidates(posixFsAddon, context);
}

/** Loads the first candidate that is the addon; throws EngineError('IO_ERROR') naming every place searched. */
export function loadPosixFsAddonFrom(candidates: readonly string[]): PosixFsBinding {
  return loadAddonFrom(posixFsAddon, candidates);
}

/** The addon for this process (or worker thread), loaded once; a failure is remembered and thrown again. */
export const loadPosixFsAddon: () => PosixFsBinding = cachedAddonLoader(posixFsAddon);

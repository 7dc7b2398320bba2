/**
 * Loads our POSIX filesystem addon (src-main/engine/native/posix-fs: extended attributes, mknod, nanosecond
 * lutimes), built by `npm install`/`npm ci` through the package.json "install" script. Node has none of these
 * calls, and silently losing xattrs (ACLs, SELinux labels, capabilities), devices or exact times would make a
 * system-state backup or restore subtly wrong — so a missing or broken addon is an error with the list of places
 * searched, never a quiet fallback.
 *
 * Where the addon is looked for, in order:
 * 1. `$BACKUP_MANAGER_POSIX_FS_ADDON`, if set: that file only (for unusual layouts and for tests).
 * 2. Packaged Electron app: `<process.resourcesPath>/native/posix_fs.node`, copied there (outside app.asar, since a
 *    shared object cannot be loaded from inside an archive) by electron-builder.yml's `extraResources`.
 * 3. A checkout: `<root>/src-main/engine/native/posix-fs/build/Release/posix_fs.node`, where `<root>` is an
 *    ancestor of this module's directory — src-main/engine/native when run from source (vitest), out/main or
 *    out/main/chunks when run from the electron-vite build (`npm start`, the console mode, the CLI).
 * The addon uses only Node-API, so the one binary built against Node's headers also loads in Electron.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../errors';

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
}

/** The extended-attribute part, for code that only reads or writes xattrs (and tests that fake them). */
export type XattrBinding = Pick<PosixFsBinding, 'llistxattr' | 'lgetxattr' | 'lsetxattr' | 'lremovexattr'>;

export const posixFsAddonEnvVariable = 'BACKUP_MANAGER_POSIX_FS_ADDON';
const addonFile = 'posix_fs.node';
const builtAddon = path.join('src-main', 'engine', 'native', 'posix-fs', 'build', 'Release', addonFile);
const bindingFunctions: readonly (keyof PosixFsBinding)[] = [
  'llistxattr',
  'lgetxattr',
  'lsetxattr',
  'lremovexattr',
  'mknod',
  'lutimes',
];

export interface AddonSearchContext {
  /** Directory of the running module (source file or bundle chunk). */
  moduleDir: string;
  /** Electron's `process.resourcesPath` (undefined under plain Node). */
  resourcesPath: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** The files tried, in order (see the module comment). */
export function posixFsAddonCandidates(context: AddonSearchContext): string[] {
  const explicit = context.env[posixFsAddonEnvVariable];
  if (explicit !== undefined && explicit !== '') return [path.resolve(explicit)];
  const candidates: string[] = [];
  if (context.resourcesPath !== undefined)
    candidates.push(path.join(context.resourcesPath, 'native', addonFile));
  let dir = path.resolve(context.moduleDir);
  for (let level = 0; level < 6; level++) {
    candidates.push(path.join(dir, builtAddon));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return candidates;
}

function isBinding(value: unknown): value is PosixFsBinding {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return bindingFunctions.every((f) => typeof record[f] === 'function');
}

/** Loads the first candidate that exists; throws EngineError('IO_ERROR') naming every place searched. */
export function loadPosixFsAddonFrom(candidates: readonly string[]): PosixFsBinding {
  const requireNative = createRequire(path.join(currentModuleDir(), 'posix-fs-loader.cjs'));
  const problems: string[] = [];
  for (const file of candidates) {
    if (!existsSync(file)) {
      problems.push(`${file}: not found`);
      continue;
    }
    let loaded: unknown;
    try {
      loaded = requireNative(file);
    } catch (error) {
      problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (isBinding(loaded)) return loaded;
    problems.push(`${file}: not the posix-fs addon (functions missing; an outdated build?)`);
  }
  throw new EngineError(
    'IO_ERROR',
    `the POSIX filesystem addon (xattrs, mknod, exact times) could not be loaded (build it with ` +
      `\`npx node-gyp rebuild --directory src-main/engine/native/posix-fs\`); tried: ${problems.join('; ')}`,
  );
}

function currentModuleDir(): string {
  // CommonJS bundles (electron-vite output) and vitest define __dirname; native ES modules have import.meta.
  return typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
}

let cached: { binding: PosixFsBinding } | { error: EngineError } | undefined;

/** The addon for this process (or worker thread), loaded once; a failure is remembered and thrown again. */
export function loadPosixFsAddon(): PosixFsBinding {
  if (cached === undefined) {
    const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
    const candidates = posixFsAddonCandidates({
      moduleDir: currentModuleDir(),
      resourcesPath,
      env: process.env,
    });
    try {
      cached = { binding: loadPosixFsAddonFrom(candidates) };
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      cached = { error };
    }
  }
  if ('error' in cached) throw cached.error;
  return cached.binding;
}

/**
 * Loads our extended-attribute addon (src-main/engine/native/xattr, built by `npm install`/`npm ci` through the
 * package.json "install" script). Node has no xattr API, and silently losing xattrs (ACLs, SELinux labels,
 * capabilities) would make a system-state restore subtly wrong — so a missing or broken addon is an error with
 * the list of places searched, never an empty result.
 *
 * Where the addon is looked for, in order:
 * 1. `$BACKUP_MANAGER_XATTR_ADDON`, if set: that file only (for unusual layouts and for tests).
 * 2. Packaged Electron app: `<process.resourcesPath>/native/xattr.node`. electron-builder must copy it there
 *    (outside app.asar, since a shared object cannot be loaded from inside an archive) with
 *    `extraResources: [{ from: src-main/engine/native/xattr/build/Release/xattr.node, to: native/xattr.node }]`.
 * 3. A checkout: `<root>/src-main/engine/native/xattr/build/Release/xattr.node`, where `<root>` is an ancestor of
 *    this module's directory — src-main/engine/tree when run from source (vitest), out/main or out/main/chunks
 *    when run from the electron-vite build (`npm start`, the console mode).
 * The addon uses only Node-API, so the one binary built against Node's headers also loads in Electron.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../errors';

/** The addon's functions. All take raw bytes and throw fs-style errors (`code`, `errno`, `syscall`). */
export interface XattrBinding {
  /** Attribute names of `path` itself (symlinks are not followed), in the kernel's order. */
  llistxattr(path: Buffer): Buffer[];
  /** The value of one attribute; throws ENODATA when it does not exist. */
  lgetxattr(path: Buffer, name: Buffer): Buffer;
  /** Sets an attribute; `flags`: 0, or XATTR_CREATE (1) / XATTR_REPLACE (2). */
  lsetxattr(path: Buffer, name: Buffer, value: Buffer, flags?: number): void;
  lremovexattr(path: Buffer, name: Buffer): void;
}

export const xattrAddonEnvVariable = 'BACKUP_MANAGER_XATTR_ADDON';
const builtAddon = path.join('src-main', 'engine', 'native', 'xattr', 'build', 'Release', 'xattr.node');

export interface AddonSearchContext {
  /** Directory of the running module (source file or bundle chunk). */
  moduleDir: string;
  /** Electron's `process.resourcesPath` (undefined under plain Node). */
  resourcesPath: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** The files tried, in order (see the module comment). */
export function xattrAddonCandidates(context: AddonSearchContext): string[] {
  const explicit = context.env[xattrAddonEnvVariable];
  if (explicit !== undefined && explicit !== '') return [path.resolve(explicit)];
  const candidates: string[] = [];
  if (context.resourcesPath !== undefined)
    candidates.push(path.join(context.resourcesPath, 'native', 'xattr.node'));
  let dir = path.resolve(context.moduleDir);
  for (let level = 0; level < 6; level++) {
    candidates.push(path.join(dir, builtAddon));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return candidates;
}

function isBinding(value: unknown): value is XattrBinding {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['llistxattr', 'lgetxattr', 'lsetxattr', 'lremovexattr'].every(
    (f) => typeof record[f] === 'function',
  );
}

/** Loads the first candidate that exists; throws EngineError('IO_ERROR') naming every place searched. */
export function loadXattrAddonFrom(candidates: readonly string[]): XattrBinding {
  const requireNative = createRequire(path.join(currentModuleDir(), 'xattr-loader.cjs'));
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
    problems.push(`${file}: not the xattr addon (functions missing)`);
  }
  throw new EngineError(
    'IO_ERROR',
    `the extended-attribute addon could not be loaded (build it with \`npx node-gyp rebuild --directory ` +
      `src-main/engine/native/xattr\`); tried: ${problems.join('; ')}`,
  );
}

function currentModuleDir(): string {
  // CommonJS bundles (electron-vite output) and vitest define __dirname; native ES modules have import.meta.
  return typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
}

let cached: { binding: XattrBinding } | { error: EngineError } | undefined;

/** The addon for this process, loaded once; a failure is remembered and thrown again on every call. */
export function loadXattrAddon(): XattrBinding {
  if (cached === undefined) {
    const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
    const candidates = xattrAddonCandidates({
      moduleDir: currentModuleDir(),
      resourcesPath,
      env: process.env,
    });
    try {
      cached = { binding: loadXattrAddonFrom(candidates) };
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      cached = { error };
    }
  }
  if ('error' in cached) throw cached.error;
  return cached.binding;
}

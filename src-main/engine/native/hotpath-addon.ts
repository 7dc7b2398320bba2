/**
 * Loads our hot-path addon (src-main/engine/native/hotpath: Poly1305 and the chunker's byte loop in C), built by
 * `npm install`/`npm ci` through the package.json "install" script. These two loops were most of a backup's CPU
 * time in JavaScript. There is deliberately no fallback to the JS code: a missing or broken addon would then only
 * show as a backup several times slower, so it is an error naming every place searched.
 *
 * Where the addon is looked for, in order (the same scheme as the posix-fs addon):
 * 1. `$BACKUP_MANAGER_HOTPATH_ADDON`, if set: that file only (for unusual layouts and for tests).
 * 2. Packaged Electron app: `<process.resourcesPath>/native/hotpath.node`, copied there (outside app.asar, since a
 *    shared object cannot be loaded from inside an archive) by electron-builder.yml's `extraResources`.
 * 3. A checkout: `<root>/src-main/engine/native/hotpath/build/Release/hotpath.node`, where `<root>` is an ancestor
 *    of this module's directory — src-main/engine/native when run from source (vitest), out/main or
 *    out/main/chunks when run from the electron-vite build (`npm start`, the console mode, the CLI, the engine
 *    worker threads).
 * The addon uses only Node-API, so the one binary built against Node's headers also loads in Electron. It is
 * context-aware and keeps no global state, so every worker thread loads it (through this module) for itself.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../errors';

/** The addon's exports. Functions throw TypeError/RangeError for arguments of the wrong type or size. */
export interface HotpathBinding {
  /** Version of this interface; a build whose version differs is refused (a stale build output). */
  readonly abiVersion: number;
  /** RFC 8439 Poly1305: the 16-byte tag of `message` under the 32-byte one-time key `r ‖ s`. Reads `message`
   * in place (no copy). */
  poly1305(key: Uint8Array, message: Uint8Array): Buffer;
  /** The same computed by the plain C99 code path (26-bit limbs), which compilers without a 128-bit integer type
   * use for `poly1305`. For tests only. */
  poly1305Portable(key: Uint8Array, message: Uint8Array): Buffer;
  /** Bytes of the chunker state a caller allocates (a Uint8Array of exactly this length). */
  readonly chunkerStateSize: number;
  /** The chunk size limits compiled into the addon (checked against the TypeScript ones by the tests). */
  readonly chunkerMinSize: number;
  readonly chunkerMaxSize: number;
  /** Resets `state` for the first chunk of a new input. */
  chunkerStart(state: Uint8Array): void;
  /**
   * Feeds `data` through the chunker whose state is `state`; returns the cuts found in it as offsets within
   * `data` (each just after a chunk's last byte), ascending. `tables`: out[0..255] then mod[0..255] of the
   * polynomial (rabin-tables.ts).
   */
  chunkerPush(state: Uint8Array, tables: BigUint64Array, data: Uint8Array): number[];
}

/** The interface version this code expects (HOTPATH_ABI_VERSION in hotpath.c). */
export const expectedHotpathAbiVersion = 1;
export const hotpathAddonEnvVariable = 'BACKUP_MANAGER_HOTPATH_ADDON';
const addonFile = 'hotpath.node';
const builtAddon = path.join('src-main', 'engine', 'native', 'hotpath', 'build', 'Release', addonFile);
const bindingFunctions = ['poly1305', 'poly1305Portable', 'chunkerStart', 'chunkerPush'] as const;

export interface AddonSearchContext {
  /** Directory of the running module (source file or bundle chunk). */
  moduleDir: string;
  /** Electron's `process.resourcesPath` (undefined under plain Node). */
  resourcesPath: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** The files tried, in order (see the module comment). */
export function hotpathAddonCandidates(context: AddonSearchContext): string[] {
  const explicit = context.env[hotpathAddonEnvVariable];
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

/** Why `value` is not a usable hotpath binding, or undefined when it is one. */
function bindingProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not the hotpath addon (no exports object)';
  const record = value as Record<string, unknown>;
  const missing = bindingFunctions.filter((name) => typeof record[name] !== 'function');
  if (missing.length > 0) return `not the hotpath addon (missing ${missing.join(', ')}; an outdated build?)`;
  if (record.abiVersion !== expectedHotpathAbiVersion) {
    return (
      `hotpath addon interface version ${String(record.abiVersion)}, expected ` +
      `${expectedHotpathAbiVersion} (an outdated build?)`
    );
  }
  return undefined;
}

/** Loads the first candidate that exists; throws EngineError('IO_ERROR') naming every place searched. */
export function loadHotpathAddonFrom(candidates: readonly string[]): HotpathBinding {
  const requireNative = createRequire(path.join(currentModuleDir(), 'hotpath-loader.cjs'));
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
    const problem = bindingProblem(loaded);
    if (problem === undefined) return loaded as HotpathBinding;
    problems.push(`${file}: ${problem}`);
  }
  throw new EngineError(
    'IO_ERROR',
    `the hot-path addon (native Poly1305 and chunker) could not be loaded (build it with ` +
      `\`npx node-gyp rebuild --directory src-main/engine/native/hotpath\`); tried: ${problems.join('; ')}`,
  );
}

function currentModuleDir(): string {
  // CommonJS bundles (electron-vite output) and vitest define __dirname; native ES modules have import.meta.
  return typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
}

let cached: { binding: HotpathBinding } | { error: EngineError } | undefined;

/** The addon for this process (or worker thread), loaded once; a failure is remembered and thrown again. */
export function loadHotpathAddon(): HotpathBinding {
  if (cached === undefined) {
    const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
    const candidates = hotpathAddonCandidates({
      moduleDir: currentModuleDir(),
      resourcesPath,
      env: process.env,
    });
    try {
      cached = { binding: loadHotpathAddonFrom(candidates) };
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      cached = { error };
    }
  }
  if ('error' in cached) throw cached.error;
  return cached.binding;
}

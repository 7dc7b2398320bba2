/**
 * Finding and loading our Node-API addons (posix-fs, hotpath) — one scheme for all of them, so a packaging or
 * layout change is made once. Each addon is built by the package.json "install" script into
 * `src-main/engine/native/<dir>/build/Release/<file>` and looked for, in order:
 * 1. `$<envVariable>`, if set: that file only (for unusual layouts and for tests);
 * 2. a packaged Electron app: `<process.resourcesPath>/native/<file>`, copied there (outside app.asar — a shared
 *    object cannot be loaded from inside an archive) by electron-builder.yml's `extraResources`;
 * 3. a checkout: the build output under an ancestor of the running module's directory — src-main/engine/native
 *    from sources (vitest), out/main or out/main/chunks from the electron-vite build (app, console, CLI, workers).
 * Node-API binaries built against Node's headers also load in Electron. A missing or broken addon is an
 * EngineError naming every place searched; there is no silent fallback.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../errors';

export interface AddonSpec<T> {
  /** Folder under src-main/engine/native/ holding binding.gyp (or under `sourceDir`). */
  dir: string;
  /**
   * Where that folder lies, relative to the project root (default `src-main/engine/native`): the helper's own
   * addon lives under src-main/helper/native and is found the same way.
   */
  sourceDir?: string;
  /** The built file's name, e.g. `posix_fs.node`. */
  file: string;
  envVariable: string;
  /** For messages: the addon's name and what it provides. */
  name: string;
  purpose: string;
  /** Why the loaded exports are not this addon (an outdated build, a wrong file), or undefined when they are. */
  problemWith(exports: unknown): string | undefined;
  /** Type witness only. */
  readonly binding?: T;
}

export interface AddonSearchContext {
  /** Directory of the running module (source file or bundle chunk). */
  moduleDir: string;
  /** Electron's `process.resourcesPath` (undefined under plain Node). */
  resourcesPath: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** The files tried, in order (see the module comment). */
export function addonCandidates(spec: AddonSpec<unknown>, context: AddonSearchContext): string[] {
  const explicit = context.env[spec.envVariable];
  if (explicit !== undefined && explicit !== '') return [path.resolve(explicit)];
  const built = path.join(sourceDirOf(spec), spec.dir, 'build', 'Release', spec.file);
  const candidates: string[] = [];
  if (context.resourcesPath !== undefined)
    candidates.push(path.join(context.resourcesPath, 'native', spec.file));
  let dir = path.resolve(context.moduleDir);
  for (let level = 0; level < 6; level++) {
    candidates.push(path.join(dir, built));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return candidates;
}

/** Loads the first candidate that is the addon; throws EngineError('IO_ERROR') naming every place searched. */
export function loadAddonFrom<T>(spec: AddonSpec<T>, candidates: readonly string[]): T {
  const requireNative = createRequire(path.join(currentModuleDir(), `${spec.dir}-loader.cjs`));
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
    const problem = spec.problemWith(loaded);
    if (problem === undefined) return loaded as T;
    problems.push(`${file}: ${problem}`);
  }
  throw new EngineError(
    'IO_ERROR',
    `the ${spec.name} addon (${spec.purpose}) could not be loaded (build it with ` +
      `\`npx node-gyp rebuild --directory ${sourceDirOf(spec)}/${spec.dir}\`); tried: ${problems.join('; ')}`,
  );
}

/** Loads an addon once per thread; a failure is remembered and thrown again on every later call. */
export function cachedAddonLoader<T>(spec: AddonSpec<T>): () => T {
  let cached: { binding: T } | { error: EngineError } | undefined;
  return () => {
    if (cached === undefined) {
      const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
      const candidates = addonCandidates(spec, {
        moduleDir: currentModuleDir(),
        resourcesPath,
        env: process.env,
      });
      try {
        cached = { binding: loadAddonFrom(spec, candidates) };
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        cached = { error };
      }
    }
    if ('error' in cached) throw cached.error;
    return cached.binding;
  };
}

function sourceDirOf(spec: AddonSpec<unknown>): string {
  return spec.sourceDir ?? 'src-main/engine/native';
}

/** Names of functions the exports lack, for `problemWith`. */
export function missingFunctions(exports: unknown, names: readonly string[]): string[] {
  if (typeof exports !== 'object' || exports === null) return [...names];
  const record = exports as Record<string, unknown>;
  return names.filter((name) => typeof record[name] !== 'function');
}

function currentModuleDir(): string {
  // CommonJS bundles (electron-vite output) and vitest define __dirname; native ES modules have import.meta.
  return typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
}

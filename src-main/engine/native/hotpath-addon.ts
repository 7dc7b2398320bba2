/**
 * Loads our hot-path addon (src-main/engine/native/hotpath: Poly1305 and the chunker's byte loop in C), built by
 * `npm install`/`npm ci` through the package.json "install" script. These two loops were most of a backup's CPU
 * time in JavaScript; it also decrypts in place through the process's OpenSSL (see hotpath/aes-ctr.c). There is deliberately no fallback to the JS code: a missing or broken addon would then only
 * show as a backup several times slower, so it is an error naming every place searched.
 * Where it is looked for: see native-addon-loader.ts (`$BACKUP_MANAGER_HOTPATH_ADDON`, the packaged app's
 * resources, the checkout's build). It is context-aware and keeps no global state, so every worker thread loads
 * it (through this module) for itself.
 */
import {
  type AddonSearchContext,
  type AddonSpec,
  addonCandidates,
  cachedAddonLoader,
  loadAddonFrom,
  missingFunctions,
} from './native-addon-loader';

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
  /** Whether aes256CtrInPlace can work here: the process exports OpenSSL's EVP functions (Node does; Electron's
   * BoringSSL may not). */
  readonly aesCtrInPlaceAvailable: boolean;
  /**
   * XORs `data` in place with the AES-256-CTR key stream of `key` from counter block `iv` (encrypts or decrypts,
   * exactly as node:crypto's 'aes-256-ctr'). Returns false, with `data` untouched, where not available.
   */
  aes256CtrInPlace(key: Uint8Array, iv: Uint8Array, data: Uint8Array): boolean;
}

/** The interface version this code expects (HOTPATH_ABI_VERSION in hotpath.c). */
export const expectedHotpathAbiVersion = 2;
export const hotpathAddonEnvVariable = 'BACKUP_MANAGER_HOTPATH_ADDON';

const hotpathAddon: AddonSpec<HotpathBinding> = {
  dir: 'hotpath',
  file: 'hotpath.node',
  envVariable: hotpathAddonEnvVariable,
  name: 'hot-path',
  purpose: 'native Poly1305 and chunker',
  problemWith(exports) {
    if (typeof exports !== 'object' || exports === null) return 'not the hotpath addon (no exports object)';
    const missing = missingFunctions(exports, [
      'poly1305',
      'poly1305Portable',
      'chunkerStart',
      'chunkerPush',
      'aes256CtrInPlace',
    ]);
    if (missing.length > 0)
      return `not the hotpath addon (missing ${missing.join(', ')}; an outdated build?)`;
    const version = (exports as { abiVersion?: unknown }).abiVersion;
    if (version !== expectedHotpathAbiVersion) {
      return `hotpath addon interface version ${String(version)}, expected ${expectedHotpathAbiVersion} (an outdated build?)`;
    }
    return undefined;
  },
};

/** The files tried, in order. */
export function hotpathAddonCandidates(context: AddonSearchContext): string[] {
  return addonCandidates(hotpathAddon, context);
}

/** Loads the first candidate that is the addon; throws EngineError('IO_ERROR') naming every place searched. */
export function loadHotpathAddonFrom(candidates: readonly string[]): HotpathBinding {
  return loadAddonFrom(hotpathAddon, candidates);
}

/** The addon for this process (or worker thread), loaded once; a failure is remembered and thrown again. */
export const loadHotpathAddon: () => HotpathBinding = cachedAddonLoader(hotpathAddon);

/**
 * Who is on the other end of an accepted Unix-socket connection: the pid, uid and gid the kernel recorded when the
 * peer connected (SO_PEERCRED, through our peer-credentials addon — Node.js cannot read them), and the peer's
 * supplementary groups from /proc. The helper runs as root, so this is what decides who may command it.
 *
 * The addon is built by the package.json "install" script into
 * `src-main/helper/native/peer-credentials/build/Release/peer_credentials.node` and looked for, in order (the same
 * scheme as the engine's addons, engine/native/native-addon-loader.ts, whose paths are the engine's own):
 * 1. `$BACKUP_MANAGER_PEER_CREDENTIALS_ADDON`, if set: that file only;
 * 2. a packaged Electron app: `<process.resourcesPath>/native/peer_credentials.node`;
 * 3. a checkout: the build output under an ancestor of this module's directory — src-main/helper/server from
 *    sources (vitest), out/main or out/main/chunks from the electron-vite build.
 * A missing addon is an error naming every place searched: without it no peer can be authorized.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelperServerError } from './helper-server-error';

export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

interface PeerCredentialsBinding {
  peerCredentials(fd: number): PeerCredentials;
}

export const peerCredentialsAddonEnvVariable = 'BACKUP_MANAGER_PEER_CREDENTIALS_ADDON';
const addonFile = 'peer_credentials.node';

/** The files tried, in order (see the module comment). */
export function peerCredentialsAddonCandidates(context: {
  moduleDir: string;
  resourcesPath: string | undefined;
  env: NodeJS.ProcessEnv;
}): string[] {
  const explicit = context.env[peerCredentialsAddonEnvVariable];
  if (explicit !== undefined && explicit !== '') return [path.resolve(explicit)];
  const built = path.join('src-main', 'helper', 'native', 'peer-credentials', 'build', 'Release', addonFile);
  const candidates: string[] = [];
  if (context.resourcesPath !== undefined)
    candidates.push(path.join(context.resourcesPath, 'native', addonFile));
  let dir = path.resolve(context.moduleDir);
  for (let level = 0; level < 6; level++) {
    candidates.push(path.join(dir, built));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return candidates;
}

/** Loads the first candidate that is the addon; throws PEER_CREDENTIALS_UNAVAILABLE naming every place searched. */
export function loadPeerCredentialsAddonFrom(candidates: readonly string[]): PeerCredentialsBinding {
  const requireNative = createRequire(path.join(currentModuleDir(), 'peer-credentials-loader.cjs'));
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
    problems.push(`${file}: not the peer-credentials addon (no peerCredentials function)`);
  }
  throw new HelperServerError(
    'PEER_CREDENTIALS_UNAVAILABLE',
    'the peer-credentials addon could not be loaded (build it with ' +
      '`npx node-gyp rebuild --directory src-main/helper/native/peer-credentials`); tried: ' +
      problems.join('; '),
  );
}

let cached: { binding: PeerCredentialsBinding } | { error: HelperServerError } | undefined;

/** The addon for this process, loaded once; a failure is remembered and thrown again. */
export function loadPeerCredentialsAddon(): PeerCredentialsBinding {
  if (cached === undefined) {
    const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
    const candidates = peerCredentialsAddonCandidates({
      moduleDir: currentModuleDir(),
      resourcesPath,
      env: process.env,
    });
    try {
      cached = { binding: loadPeerCredentialsAddonFrom(candidates) };
    } catch (error) {
      if (!(error instanceof HelperServerError)) throw error;
      cached = { error };
    }
  }
  if ('error' in cached) throw cached.error;
  return cached.binding;
}

/** What a net.Socket keeps of its libuv handle; `fd` is undocumented but stable on Unix (pipe_wrap, tcp_wrap). */
interface SocketWithHandle {
  _handle?: { fd?: unknown } | null;
}

/** The credentials of the process connected to `socket` (an accepted Unix-socket connection). */
export function peerOf(socket: net.Socket): PeerCredentials {
  const fd = (socket as unknown as SocketWithHandle)._handle?.fd;
  if (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0) {
    throw new HelperServerError(
      'PEER_CREDENTIALS_UNAVAILABLE',
      'the connection has no file descriptor (already closed, or not a Unix socket)',
    );
  }
  try {
    return loadPeerCredentialsAddon().peerCredentials(fd);
  } catch (error) {
    if (error instanceof HelperServerError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new HelperServerError('PEER_CREDENTIALS_UNAVAILABLE', `reading the peer's credentials: ${reason}`, {
      cause: error,
    });
  }
}

/**
 * The supplementary groups of process `pid` (the `Groups:` line of /proc/<pid>/status). The kernel gives the pid
 * with the credentials, but the process may have exited and its pid been reused since it connected; so the real
 * and effective uid in the same file must be `expectedUid` (the uid SO_PEERCRED reported), otherwise this throws
 * rather than report another process's groups.
 */
export async function supplementaryGroupsOf(
  pid: number,
  expectedUid: number,
  procRoot = '/proc',
): Promise<number[]> {
  const file = path.join(procRoot, String(pid), 'status');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HelperServerError('PEER_CREDENTIALS_UNAVAILABLE', `reading ${file}: ${reason}`, {
      cause: error,
    });
  }
  const fields = parseStatusFields(text);
  const uids = fields.get('Uid')?.split(/\s+/).filter(Boolean).map(Number) ?? [];
  if (uids.length < 2 || uids[0] !== expectedUid || uids[1] !== expectedUid) {
    throw new HelperServerError(
      'PEER_CREDENTIALS_UNAVAILABLE',
      `${file} belongs to uid ${uids.join('/') || '?'}, not the peer's uid ${expectedUid} (the peer exited?)`,
    );
  }
  const groups = fields.get('Groups');
  if (groups === undefined) {
    throw new HelperServerError('PEER_CREDENTIALS_UNAVAILABLE', `${file} has no Groups: line`);
  }
  return groups
    .split(/\s+/)
    .filter(Boolean)
    .map((group) => Number.parseInt(group, 10))
    .filter((group) => Number.isInteger(group) && group >= 0);
}

function parseStatusFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

function isBinding(value: unknown): value is PeerCredentialsBinding {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).peerCredentials === 'function'
  );
}

function currentModuleDir(): string {
  // CommonJS bundles (electron-vite output) and vitest define __dirname; native ES modules have import.meta.
  return typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
}

/**
 * Who is on the other end of an accepted Unix-socket connection: the pid, uid and gid the kernel recorded when the
 * peer connected (SO_PEERCRED, through our peer-credentials addon — Node.js cannot read them), and the peer's
 * supplementary groups from /proc. The helper runs as root, so this is what decides who may command it.
 *
 * The addon is built by the package.json "install" script into
 * `src-main/helper/native/peer-credentials/build/Release/peer_credentials.node` and found by the engine's addon
 * loader (engine/native/native-addon-loader.ts), in order:
 * 1. `$BACKUP_MANAGER_PEER_CREDENTIALS_ADDON`, if set: that file only;
 * 2. a packaged Electron app: `<process.resourcesPath>/native/peer_credentials.node`;
 * 3. a checkout: the build output under an ancestor of this module's directory — src-main/helper/server from
 *    sources (vitest), out/main or out/main/chunks from the electron-vite build.
 * A missing addon is an error naming every place searched: without it no peer can be authorized.
 */
import { readFile } from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import { isEngineError } from '../../engine/errors';
import {
  type AddonSpec,
  cachedAddonLoader,
  loadAddonFrom,
  missingFunctions,
} from '../../engine/native/native-addon-loader';
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

const addonSpec: AddonSpec<PeerCredentialsBinding> = {
  dir: 'peer-credentials',
  sourceDir: 'src-main/helper/native',
  file: 'peer_credentials.node',
  envVariable: peerCredentialsAddonEnvVariable,
  name: 'peer-credentials',
  purpose: 'who connects to the helper socket',
  problemWith: (exports) =>
    missingFunctions(exports, ['peerCredentials']).length > 0
      ? 'not the peer-credentials addon (no peerCredentials function)'
      : undefined,
};

/** The helper's code for a missing addon: without it no peer can be authorized. */
function unavailable(error: unknown): never {
  if (!isEngineError(error)) throw error;
  throw new HelperServerError('PEER_CREDENTIALS_UNAVAILABLE', error.message, { cause: error });
}

/** Loads the first candidate that is the addon; throws PEER_CREDENTIALS_UNAVAILABLE naming every place searched. */
export function loadPeerCredentialsAddonFrom(candidates: readonly string[]): PeerCredentialsBinding {
  try {
    return loadAddonFrom(addonSpec, candidates);
  } catch (error) {
    return unavailable(error);
  }
}

const loadCached = cachedAddonLoader(addonSpec);

/** The addon for this process, loaded once (the engine's loader: same search order as its own addons). */
export function loadPeerCredentialsAddon(): PeerCredentialsBinding {
  try {
    return loadCached();
  } catch (error) {
    return unavailable(error);
  }
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

/**
 * Opens the helper's listening socket: a Unix socket owned by root, group `backup-manager`, mode 0660 (clients
 * check the owner before trusting it; the helper checks each peer's credentials, peer-authorization.ts).
 *
 * A socket file left behind by a helper that died is replaced, but only once connecting to it is refused: if a
 * live helper answers, this one fails with HELPER_ALREADY_RUNNING instead of stealing its socket. Anything at the
 * path that is not a socket is never deleted (a wrong path in a configuration must not cost someone a file).
 *
 * Windows: the path is a named pipe (`\\.\pipe\…`), which has no file mode or owner. Restricting who may open it
 * needs a security descriptor set at creation (CreateNamedPipe's SECURITY_ATTRIBUTES), i.e. a native addon that
 * cannot be built or tested here; until it exists the pipe gets the default ACL and this says so in the log.
 */
import { chmod, chown, lstat, mkdir, unlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { HelperServerError, type HelperServerLog } from './helper-server-error';

export interface SocketListenerOptions {
  path: string;
  /** Group that may connect (the `backup-manager` gid); null: root only. Ignored in test mode. */
  groupId: number | null;
  /** The helper runs as the developer's own user: the socket stays theirs (mode 0660 all the same). */
  testMode: boolean;
  log: HelperServerLog;
}

const socketMode = 0o660;
const parentMode = 0o755;

export function isNamedPipePath(socketPath: string): boolean {
  return /^\\\\[.?]\\pipe\\/i.test(socketPath);
}

export async function listenOnSocket(options: SocketListenerOptions): Promise<net.Server> {
  if (isNamedPipePath(options.path)) {
    options.log.warn(
      `listening on named pipe ${options.path} with the default ACL: restricting it to the helper group ` +
        'needs a native addon that is not built yet',
    );
    return listen(options.path);
  }
  await mkdir(path.dirname(options.path), { recursive: true, mode: parentMode }).catch((error: unknown) => {
    throw setupFailure(`creating ${path.dirname(options.path)}`, error);
  });
  await removeStaleSocket(options.path, options.log);
  // Between listen and chmod the socket has the umask's mode; the peer check on every connection is the gate
  // that holds in that moment, the mode narrows it right after.
  const server = await listen(options.path);
  try {
    if (!options.testMode) await chown(options.path, 0, options.groupId ?? 0);
    await chmod(options.path, socketMode);
  } catch (error) {
    await closeServer(server);
    throw setupFailure(`securing ${options.path}`, error);
  }
  if (!options.testMode && options.groupId === null) {
    options.log.warn(`the helper group does not exist: only root can use ${options.path}`);
  }
  return server;
}

/** Removes a dead helper's socket at `socketPath`; throws when a live helper or a non-socket is there. */
async function removeStaleSocket(socketPath: string, log: HelperServerLog): Promise<void> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(socketPath);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw setupFailure(`inspecting ${socketPath}`, error);
  }
  if (!stats.isSocket()) {
    throw new HelperServerError(
      'SOCKET_PATH_OCCUPIED',
      `${socketPath} exists and is not a socket; it is left alone (remove it, or configure another path)`,
    );
  }
  const answer = await probe(socketPath);
  if (answer === 'answered') {
    throw new HelperServerError(
      'HELPER_ALREADY_RUNNING',
      `another helper is already listening on ${socketPath}`,
    );
  }
  if (answer !== 'ECONNREFUSED') {
    throw setupFailure(`probing ${socketPath}`, new Error(`connect failed with ${answer}`));
  }
  log.info(`removing the stale socket ${socketPath} (nobody answers on it)`);
  await unlink(socketPath).catch((error: unknown) => {
    // Gone already (another starting helper removed it first): fine, listen decides who wins.
    if (errorCode(error) !== 'ENOENT') throw setupFailure(`removing ${socketPath}`, error);
  });
}

/** Connects once: 'answered', or the connect error's code (ECONNREFUSED for a dead helper's socket). */
function probe(socketPath: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve('answered');
    });
    socket.once('error', (error) => resolve(errorCode(error) ?? error.message));
  });
}

function listen(socketPath: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    const onError = (error: Error) => {
      const code = errorCode(error) === 'EADDRINUSE' ? 'HELPER_ALREADY_RUNNING' : 'SOCKET_SETUP_FAILED';
      reject(new HelperServerError(code, `listening on ${socketPath}: ${error.message}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(socketPath, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function setupFailure(what: string, error: unknown): HelperServerError {
  const reason = error instanceof Error ? error.message : String(error);
  return new HelperServerError('SOCKET_SETUP_FAILED', `${what}: ${reason}`, { cause: error });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

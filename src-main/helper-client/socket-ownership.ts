/**
 * Before the app trusts what it talks to (it hands the helper repository passwords), it checks that the socket is
 * the one the real helper created: a socket, owned by root, not writable by everyone, in a directory only root can
 * change (so nobody can swap the socket between this check and the connect). As Mullvad's verifyOwnership does.
 *
 * Test mode (development and tests, where the helper runs as the developer's own user) documents itself: the
 * owner must then be the current user instead of root; nothing else is relaxed.
 *
 * Windows named pipes (`\\.\pipe\…`) have no owner to read without a native call (GetSecurityInfo on the pipe
 * handle, or GetNamedPipeServerProcessId plus the process token); that check is not built yet, so pipe paths are
 * not verified here — the caller states this where it connects.
 */
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { HelperClientError } from './helper-client-errors';

export interface OwnershipOptions {
  /** The helper runs as the current user: expect that owner instead of root. */
  testMode?: boolean;
}

export function isNamedPipePath(socketPath: string): boolean {
  return /^\\\\[.?]\\pipe\\/i.test(socketPath);
}

export async function verifySocketOwnership(
  socketPath: string,
  options: OwnershipOptions = {},
): Promise<void> {
  if (isNamedPipePath(socketPath)) return;
  const expectedOwner = options.testMode ? (process.getuid?.() ?? 0) : 0;
  const ownerName = options.testMode ? `the current user (uid ${expectedOwner})` : 'root';
  const socket = await lstatOrThrow(socketPath);
  if (!socket.isSocket()) {
    throw untrusted(`${socketPath} is not a socket${socket.isSymbolicLink() ? ' (a symbolic link)' : ''}`);
  }
  if (socket.uid !== expectedOwner) {
    throw untrusted(`${socketPath} is owned by uid ${socket.uid}, not ${ownerName}`);
  }
  if ((socket.mode & 0o002) !== 0) throw untrusted(`${socketPath} is writable by everyone`);
  const dir = path.dirname(socketPath);
  const parent = await lstatOrThrow(dir);
  const stickyBit = 0o1000;
  if (!parent.isDirectory() || (parent.uid !== 0 && parent.uid !== expectedOwner)) {
    throw untrusted(`${dir} is not a directory owned by ${ownerName}`);
  }
  if ((parent.mode & 0o022) !== 0 && (parent.mode & stickyBit) === 0) {
    throw untrusted(`${dir} is writable by others, who could replace the socket`);
  }
}

async function lstatOrThrow(file: string): Promise<Stats> {
  try {
    return await lstat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new HelperClientError('HELPER_NOT_INSTALLED', `no helper socket at ${file}`, { cause: error });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new HelperClientError('HELPER_UNREACHABLE', `cannot inspect ${file}: ${reason}`, { cause: error });
  }
}

function untrusted(message: string): HelperClientError {
  return new HelperClientError('HELPER_UNTRUSTED', `${message}; refusing to trust it`);
}

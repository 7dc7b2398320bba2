/**
 * A full snapshot location does not always say so: Node's recursive mkdir reports ENOSPC as ENOENT (it retries
 * the parent and loses the first error), and OS tools writing exports just fail. So when creating the snapshot or
 * writing the exports fails and the location is (nearly) full, the failure is INSUFFICIENT_SPACE — the code that
 * names the free-space check, the one that helps — with the original error kept as its cause.
 */
import { statfs } from 'node:fs/promises';
import { isEngineError } from '../../engine/errors';
import { formatBytes } from '../../system-state/format-bytes';
import { SessionError } from './session-failure';

/** Below this much free space, a failure to write at the location is put down to the full filesystem. */
export const nearlyFullBytes = 1024 * 1024;

export async function explainByFreeSpace(error: unknown, location: string, what: string): Promise<unknown> {
  if (error instanceof SessionError || isEngineError(error, 'CANCELLED')) return error;
  if ((error as { name?: unknown } | null)?.name === 'AbortError') return error; // cancelled, not full
  if ((error as { code?: unknown } | null)?.code === 'INSUFFICIENT_SPACE') return error;
  let free: number;
  try {
    const space = await statfs(location);
    free = space.bavail * space.bsize;
  } catch {
    // The location cannot even be asked: nothing to add, the original error says what failed.
    return error;
  }
  if (free >= nearlyFullBytes) return error;
  return new SessionError(
    'INSUFFICIENT_SPACE',
    `${what}: the snapshot location ${location} is full (${formatBytes(free)} free): ${
      error instanceof Error ? error.message : String(error)
    }`,
    { retryable: false, cause: error },
  );
}

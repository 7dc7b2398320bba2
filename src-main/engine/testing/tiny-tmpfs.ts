/**
 * A real full filesystem for NO_SPACE tests: a 1 MiB tmpfs mounted for the enclosing describe block (needs root;
 * without it the tests that use it skip, and say why once).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { makeTempDir, removeTempDir } from './restic-cli';

export interface TinyTmpfs {
  /** Where it is mounted (valid inside the tests). */
  readonly mountPoint: string;
  /** False when it could not be mounted: call ctx.skip(). */
  readonly mounted: boolean;
}

export function useTinyTmpfs(prefix: string): TinyTmpfs {
  const state = { mountPoint: '', mounted: false };
  beforeAll(async () => {
    state.mountPoint = await makeTempDir(prefix);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', state.mountPoint], { stdio: 'pipe' });
      state.mounted = true;
    } catch (error) {
      console.warn(`tmpfs not available (${(error as Error).message.split('\n')[0]}); ENOSPC test skipped`);
    }
  });
  afterAll(async () => {
    if (state.mounted) execFileSync('umount', [state.mountPoint]);
    await removeTempDir(state.mountPoint);
  });
  return state;
}

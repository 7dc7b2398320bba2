/**
 * Helpers of the backend tests (the Backend contract, drafts, and what prune leaves behind): the error code a
 * promise settles with, every file under a repository directory, and fresh local repositories removed after the
 * test file.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll } from 'vitest';
import { LocalBackend } from '../backend/local-backend';
import { type EngineErrorCode, isEngineError } from '../errors';
import { makeTempDir, removeTempDir } from './restic-cli';

/** The engine error code `promise` rejects with; 'resolved' when it does not, 'other' for another error. */
export async function codeOf(promise: Promise<unknown>): Promise<EngineErrorCode | 'resolved' | 'other'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isEngineError(error) ? error.code : 'other';
  }
}

/** Every file below `root`, relative to it, sorted (to see what an operation left behind). */
export async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** Makes LocalBackends on fresh temporary directories, all removed after the test file. */
export function localBackendFactory(prefix: string): () => Promise<LocalBackend> {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await removeTempDir(dir);
  });
  return async () => {
    const dir = await makeTempDir(prefix);
    dirs.push(dir);
    return new LocalBackend(path.join(dir, 'repo'));
  };
}

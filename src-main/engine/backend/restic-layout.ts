/**
 * restic's repository layout, shared by every backend: where each file lives relative to the repository's root,
 * which directories a new repository has, how temporary files are marked, and how a read range resolves against
 * a file's size. Paths are POSIX-style ('/'); a local backend on another OS joins them its own way.
 */
import { EngineError, isEngineError } from '../errors';
import { isId } from '../ids';
import type { FileHandle, FileInfo, FileType } from './backend';

export const typeDirs: Record<Exclude<FileType, 'config'>, string> = {
  key: 'keys',
  data: 'data',
  index: 'index',
  snapshot: 'snapshots',
  lock: 'locks',
};

/**
 * The config's info, or null when there is none: `exists` and `list('config')` of a remote backend, whose `stat`
 * fails NOT_FOUND for an absent file (one request for both questions).
 */
export async function statConfig(stat: (file: FileHandle) => Promise<FileInfo>): Promise<FileInfo | null> {
  try {
    return await stat({ type: 'config', name: '' });
  } catch (error) {
    if (isEngineError(error, 'NOT_FOUND')) return null;
    throw error;
  }
}

/** Marks a temporary file of a write in progress (restic's own are named alike). */
export const tempMarker = '-tmp-';

/** The file's path components below the repository root; INVALID_ARGUMENT for a name that is not an ID. */
export function filePathParts(file: FileHandle): string[] {
  if (file.type === 'config') return ['config'];
  if (!isId(file.name)) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `not a valid ${file.type} file name: ${JSON.stringify(file.name)}`,
    );
  }
  const dir = typeDirs[file.type];
  return file.type === 'data' ? [dir, file.name.slice(0, 2), file.name] : [dir, file.name];
}

/** Every directory of a new repository, below the root, parents first (data/ has 256 sub-directories). */
export function repositoryDirs(): string[][] {
  const dirs = Object.values(typeDirs).map((dir) => [dir]);
  for (let i = 0; i < 256; i++) dirs.push(['data', i.toString(16).padStart(2, '0')]);
  return dirs;
}

/** A read range against a file of `size` bytes (see Backend.read); CORRUPT when the file is too short. */
export function resolveRange(
  what: string,
  size: number,
  range: { offset: number; length?: number } | undefined,
): { start: number; length: number } {
  if (range === undefined) return { start: 0, length: size };
  const { offset, length } = range;
  if (
    !Number.isSafeInteger(offset) ||
    (length !== undefined && (!Number.isSafeInteger(length) || length < 0))
  ) {
    throw new EngineError('INVALID_ARGUMENT', `${what}: invalid range ${JSON.stringify(range)}`);
  }
  const start = offset < 0 ? size + offset : offset;
  const count = length ?? (offset < 0 ? -offset : size - offset);
  if (start < 0 || start + count > size) {
    throw new EngineError(
      'CORRUPT',
      `${what}: has ${size} bytes, cannot read ${count} bytes at offset ${offset} (truncated?)`,
    );
  }
  return { start, length: count };
}

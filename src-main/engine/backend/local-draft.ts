/**
 * The local backend's files that are written piece by piece before their name is known (Backend.startFile), and
 * the durability steps its writes share: a temporary file (its name marked as temporary, so listings skip it and
 * removeTemporaryFiles finds it after a crash), fsync, close, rename into place, fsync of the directory. Until the
 * rename nothing under a repository name exists, so readers (and restic) never see a partial file.
 */
import type { FileHandle as FsFileHandle } from 'node:fs/promises';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { EngineError, fromNodeError } from '../errors';
import type { FileDraft, FileHandle } from './backend';
import { writeAll } from './write-all';

export class LocalFileDraft implements FileDraft {
  /** Set once committed or aborted: the handle is closed and the draft cannot be used again. */
  private done = false;

  constructor(
    private readonly handle: FsFileHandle,
    private readonly tempPath: string,
    /** The path a committed file gets (validates the name), and how to create its directory when missing. */
    private readonly place: { pathOf(file: FileHandle): string; ensureDirectory(dir: string): Promise<void> },
  ) {}

  async append(data: readonly Uint8Array[]): Promise<void> {
    this.assertOpen();
    try {
      await writeAll(this.handle, data);
    } catch (error) {
      throw fromNodeError(error, this.tempPath);
    }
  }

  async commit(file: FileHandle): Promise<void> {
    this.assertOpen();
    const finalPath = this.place.pathOf(file); // a name that is not one throws here; the draft stays usable
    const dir = path.dirname(finalPath);
    this.done = true;
    let handle: FsFileHandle | undefined = this.handle;
    try {
      await handle.sync();
      const written = handle;
      handle = undefined; // closed below, whether or not close() succeeds
      await written.close();
      try {
        await rename(this.tempPath, finalPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await this.place.ensureDirectory(dir); // a repository made without data/xx directories
        await rename(this.tempPath, finalPath);
      }
    } catch (error) {
      throw await discardTempFile(handle, this.tempPath, fromNodeError(error, finalPath));
    }
    await syncDirectory(dir);
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.handle.close().catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
  }

  private assertOpen(): void {
    if (this.done) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `${this.tempPath}: the draft was already committed or aborted`,
      );
    }
  }
}

/**
 * After a failed write: closes and deletes the temp file so a full disk leaves nothing behind. Returns the error to
 * throw — the original one, with a note when the temp file could not be removed either.
 */
export async function discardTempFile(
  handle: FsFileHandle | undefined,
  tempPath: string,
  original: EngineError,
): Promise<EngineError> {
  const problems: string[] = [];
  if (handle !== undefined) {
    try {
      await handle.close();
    } catch (error) {
      problems.push(`closing it failed: ${(error as Error).message}`);
    }
  }
  try {
    await unlink(tempPath);
  } catch (error) {
    // ENOENT: the temp file was never created (open failed) — nothing to clean up.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      problems.push(`removing it failed: ${(error as Error).message}`);
    }
  }
  if (problems.length === 0) return original;
  return new EngineError(
    original.code,
    `${original.message}; temp file ${tempPath}: ${problems.join('; ')}`,
    {
      cause: original.cause,
    },
  );
}

/** Makes a rename durable. Windows cannot open directories for fsync; NTFS journals the rename itself. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: FsFileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    throw fromNodeError(error, dir);
  } finally {
    await handle?.close();
  }
}

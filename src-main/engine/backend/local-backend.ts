/**
 * A repository in a local directory, in restic's layout (see backend.ts). Writes are atomic and durable: a temp
 * file next to the final name, fsync, close, rename, fsync of the directory — so a concurrent reader (or restic)
 * never sees a partial file and a crash never leaves a half-written file under a real name.
 */
import { randomBytes } from 'node:crypto';
import type { FileHandle as FsFileHandle } from 'node:fs/promises';
import { chmod, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { EngineError, fromNodeError, isEngineError } from '../errors';
import { isId } from '../ids';
import type { Backend, FileDraft, FileHandle, FileInfo, FileType, ReadRange, WriteData } from './backend';
import { discardTempFile, LocalFileDraft, syncDirectory } from './local-draft';
import { ReadHandleCache } from './read-handle-cache';
import { filePathParts, repositoryDirs, resolveRange, tempMarker, typeDirs } from './restic-layout';
import { writeAll } from './write-all';

const dirMode = 0o700;
/** Repository files are write-once; restic makes them read-only. */
const fileMode = 0o400;

export class LocalBackend implements Backend {
  readonly location: string;

  private readonly readHandles = new ReadHandleCache();

  constructor(readonly root: string) {
    this.location = path.resolve(root);
  }

  async create(): Promise<void> {
    if (await this.exists()) {
      throw new EngineError('ALREADY_EXISTS', `${this.location}: a repository already exists here`);
    }
    const dirs = [this.location, ...repositoryDirs().map((parts) => path.join(this.location, ...parts))];
    for (const dir of dirs) {
      try {
        await mkdir(dir, { recursive: true, mode: dirMode });
      } catch (error) {
        throw fromNodeError(error, dir);
      }
    }
  }

  async exists(): Promise<boolean> {
    try {
      await stat(this.filePath({ type: 'config', name: '' }));
      return true;
    } catch (error) {
      const mapped = fromNodeError(error, `${this.location}/config`);
      if (mapped.code === 'NOT_FOUND') return false;
      throw mapped;
    }
  }

  async *list(type: FileType): AsyncIterable<FileInfo> {
    if (type === 'config') {
      if (await this.exists()) yield await this.stat({ type, name: '' });
      return;
    }
    const dir = path.join(this.location, typeDirs[type]);
    // data/ is split into 256 sub-directories by the first two hex digits of the ID.
    const dirs =
      type === 'data'
        ? (await this.readDir(dir)).filter((d) => /^[0-9a-f]{2}$/.test(d)).map((d) => path.join(dir, d))
        : [dir];
    for (const d of dirs) {
      for (const name of await this.readDir(d)) {
        // Skip temp files of writes in progress (and anything else that is not a repository file).
        if (!isId(name)) continue;
        try {
          const info = await stat(path.join(d, name));
          yield { type, name, size: info.size };
        } catch (error) {
          const mapped = fromNodeError(error, path.join(d, name));
          // Removed between readdir and stat (e.g. by a concurrent prune): not part of the listing any more.
          if (mapped.code !== 'NOT_FOUND') throw mapped;
        }
      }
    }
  }

  async stat(file: FileHandle): Promise<FileInfo> {
    const p = this.filePath(file);
    try {
      const info = await stat(p);
      return { type: file.type, name: file.name, size: info.size };
    } catch (error) {
      throw fromNodeError(error, p);
    }
  }

  async read(file: FileHandle, range?: ReadRange): Promise<Buffer> {
    const p = this.filePath(file);
    try {
      return await this.readHandles.with(p, async (handle) => {
        // With an explicit, valid, non-negative range the file size is not needed: a short read proves truncation.
        const explicit =
          range?.length !== undefined &&
          Number.isSafeInteger(range.offset) &&
          Number.isSafeInteger(range.length) &&
          range.offset >= 0 &&
          range.length >= 0;
        const size = explicit ? null : (await handle.stat()).size;
        const { start, length } =
          size === null
            ? { start: range?.offset ?? 0, length: range?.length ?? 0 }
            : resolveRange(p, size, range);
        const into = range?.into;
        const buffer =
          into !== undefined && into.length >= length
            ? Buffer.from(into.buffer, into.byteOffset, length)
            : Buffer.allocUnsafe(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(buffer, done, length - done, start + done);
          if (bytesRead === 0) {
            throw new EngineError(
              'CORRUPT',
              `${p}: file ended after ${start + done} bytes, ${start + length} expected (truncated?)`,
            );
          }
          done += bytesRead;
        }
        return buffer;
      });
    } catch (error) {
      throw isEngineError(error) ? error : fromNodeError(error, p);
    }
  }

  async write(file: FileHandle, data: WriteData): Promise<void> {
    const finalPath = this.filePath(file);
    const dir = path.dirname(finalPath);
    const tempPath = `${finalPath}${tempMarker}${randomBytes(6).toString('hex')}`;
    let handle: FsFileHandle | undefined;
    try {
      handle = await this.openNewFile(tempPath, dir);
      await writeAll(handle, data instanceof Uint8Array ? [data] : data);
      await handle.sync();
      const written = handle;
      handle = undefined; // closed below, whether or not close() succeeds
      await written.close();
      await rename(tempPath, finalPath);
    } catch (error) {
      throw await discardTempFile(handle, tempPath, fromNodeError(error, finalPath));
    }
    await syncDirectory(dir);
  }

  /**
   * A draft is a temporary file in a directory of its type (for packs, one of data/'s 256, chosen at random so
   * drafts spread like packs do), renamed into place by commit.
   */
  async startFile(type: FileType): Promise<FileDraft> {
    if (type === 'config') throw new EngineError('INVALID_ARGUMENT', 'the config is not written as a draft');
    const base = path.join(this.location, typeDirs[type]);
    const dir = type === 'data' ? path.join(base, randomBytes(1).toString('hex')) : base;
    const tempPath = path.join(dir, `draft${tempMarker}${randomBytes(12).toString('hex')}`);
    let handle: FsFileHandle;
    try {
      handle = await this.openNewFile(tempPath, dir);
    } catch (error) {
      throw fromNodeError(error, tempPath);
    }
    return new LocalFileDraft(handle, tempPath, {
      pathOf: (file) => {
        if (file.type !== type) {
          throw new EngineError(
            'INVALID_ARGUMENT',
            `a ${type} draft cannot be committed as a ${file.type} file`,
          );
        }
        return this.filePath(file);
      },
      ensureDirectory: async (target) => {
        await mkdir(target, { recursive: true, mode: dirMode });
      },
    });
  }

  async remove(file: FileHandle): Promise<void> {
    const p = this.filePath(file);
    try {
      // Read-only files cannot be deleted on Windows; restic makes them writable first, and so do we.
      await chmod(p, 0o600);
      await unlink(p);
    } catch (error) {
      const mapped = fromNodeError(error, p);
      if (mapped.code !== 'NOT_FOUND') throw mapped;
      return;
    }
    // Durable before the next step: prune deletes an index file before the packs it names, and after a power
    // loss that order must still hold (a surviving index naming a deleted pack is damage; the reverse is not).
    await syncDirectory(path.dirname(p));
  }

  async removeTemporaryFiles(): Promise<{ files: number; bytes: number }> {
    const removed = { files: 0, bytes: 0 };
    const dataDir = path.join(this.location, typeDirs.data);
    const dirs = [
      ...(await this.readDir(dataDir))
        .filter((d) => /^[0-9a-f]{2}$/.test(d))
        .map((d) => path.join(dataDir, d)),
      ...(['key', 'index', 'snapshot', 'lock'] as const).map((type) =>
        path.join(this.location, typeDirs[type]),
      ),
      this.location, // the config's
    ];
    for (const dir of dirs) {
      for (const name of await this.readDir(dir)) {
        if (!name.includes(tempMarker)) continue;
        const file = path.join(dir, name);
        try {
          const { size } = await stat(file);
          await chmod(file, 0o600);
          await unlink(file);
          removed.files++;
          removed.bytes += size;
        } catch (error) {
          const mapped = fromNodeError(error, file);
          if (mapped.code !== 'NOT_FOUND') throw mapped;
        }
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    await this.readHandles.closeAll();
  }

  /** The path of a file; rejects names that are not IDs so no caller can reach outside the repository. */
  filePath(file: FileHandle): string {
    return path.join(this.location, ...filePathParts(file));
  }

  /** Creates the temp file; creates its directory first when missing (a repository made without data/xx dirs). */
  private async openNewFile(tempPath: string, dir: string): Promise<FsFileHandle> {
    try {
      return await open(tempPath, 'wx', fileMode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dir, { recursive: true, mode: dirMode });
      return await open(tempPath, 'wx', fileMode);
    }
  }

  private async readDir(dir: string): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (error) {
      const mapped = fromNodeError(error, dir);
      if (mapped.code === 'NOT_FOUND') return [];
      throw mapped;
    }
  }
}

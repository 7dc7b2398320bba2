/**
 * A Backend that passes everything through and remembers the files written through it. The repack writes its
 * packs and their index file through the blob saver, which does not say what it wrote; prune needs the index files'
 * names (the new complete index supersedes them, and they are deleted with the old ones) and the bytes written.
 */
import type {
  Backend,
  FileDraft,
  FileHandle,
  FileInfo,
  FileType,
  ReadRange,
  WriteData,
} from '../backend/backend';
import { writeDataLength } from '../backend/backend';

export class WriteRecordingBackend implements Backend {
  readonly written: FileInfo[] = [];

  constructor(private readonly inner: Backend) {
    const startFile = inner.startFile?.bind(inner);
    if (startFile !== undefined) {
      this.startFile = async (type) => {
        const draft = await startFile(type);
        let size = 0;
        return {
          append: async (data) => {
            await draft.append(data);
            size += writeDataLength(data);
          },
          commit: async (file) => {
            await draft.commit(file);
            this.written.push({ type: file.type, name: file.name, size });
          },
          abort: () => draft.abort(),
        };
      };
    }
  }

  get location(): string {
    return this.inner.location;
  }

  /** The inner backend's: a repack writes its packs as a backup does. */
  get parallelWrites(): number | undefined {
    return this.inner.parallelWrites;
  }

  /** The files of one type written so far. */
  writtenOf(type: FileType): FileInfo[] {
    return this.written.filter((file) => file.type === type);
  }

  create(): Promise<void> {
    return this.inner.create();
  }

  exists(): Promise<boolean> {
    return this.inner.exists();
  }

  list(type: FileType): AsyncIterable<FileInfo> {
    return this.inner.list(type);
  }

  stat(file: FileHandle): Promise<FileInfo> {
    return this.inner.stat(file);
  }

  read(file: FileHandle, range?: ReadRange): Promise<Buffer> {
    return this.inner.read(file, range);
  }

  async write(file: FileHandle, data: WriteData): Promise<void> {
    await this.inner.write(file, data);
    this.written.push({ type: file.type, name: file.name, size: writeDataLength(data) });
  }

  /** Drafts when the inner backend has them (see the constructor); recorded when committed. */
  readonly startFile?: (type: FileType) => Promise<FileDraft>;

  remove(file: FileHandle): Promise<void> {
    return this.inner.remove(file);
  }

  async close(): Promise<void> {
    // The inner backend belongs to the repository: closing it is its owner's business.
  }
}

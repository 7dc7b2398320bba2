/**
 * A Backend held in memory: for tests of the layers above (packs, index, repository) without touching a disk,
 * and as the reference behaviour the other backends are compared with.
 */
import { EngineError } from '../errors';
import { isId } from '../ids';
import type { Backend, FileDraft, FileHandle, FileInfo, FileType, ReadRange, WriteData } from './backend';

export class MemoryBackend implements Backend {
  readonly location: string;
  private readonly files = new Map<string, Buffer>();
  private created = false;

  constructor(location = 'memory:') {
    this.location = location;
  }

  async create(): Promise<void> {
    if (await this.exists())
      throw new EngineError('ALREADY_EXISTS', `${this.location}: a repository already exists`);
    this.created = true;
  }

  async exists(): Promise<boolean> {
    return this.files.has(keyOf({ type: 'config', name: '' }));
  }

  async *list(type: FileType): AsyncIterable<FileInfo> {
    for (const [key, data] of [...this.files]) {
      const [fileType, name] = key.split('/') as [FileType, string];
      if (fileType === type) yield { type, name, size: data.length };
    }
  }

  async stat(file: FileHandle): Promise<FileInfo> {
    return { type: file.type, name: file.name, size: this.get(file).length };
  }

  async read(file: FileHandle, range?: ReadRange): Promise<Buffer> {
    const data = this.get(file);
    if (range === undefined) return Buffer.from(data);
    const start = range.offset < 0 ? data.length + range.offset : range.offset;
    const length = range.length ?? (range.offset < 0 ? -range.offset : data.length - range.offset);
    if (start < 0 || length < 0 || start + length > data.length) {
      throw new EngineError(
        'CORRUPT',
        `${this.describe(file)}: has ${data.length} bytes, cannot read ${length} at offset ${range.offset}`,
      );
    }
    return Buffer.from(data.subarray(start, start + length));
  }

  async write(file: FileHandle, data: WriteData): Promise<void> {
    this.validate(file);
    if (!this.created) {
      throw new EngineError('NOT_FOUND', `${this.location}: no repository (create() first)`);
    }
    this.files.set(keyOf(file), data instanceof Uint8Array ? Buffer.from(data) : Buffer.concat(data));
  }

  /** A draft's parts are kept aside (invisible to list and read) until committed; aborting drops them. */
  async startFile(type: FileType): Promise<FileDraft> {
    if (!this.created) {
      throw new EngineError('NOT_FOUND', `${this.location}: no repository (create() first)`);
    }
    const parts: Buffer[] = [];
    let done = false;
    const assertOpen = () => {
      if (done)
        throw new EngineError(
          'INVALID_ARGUMENT',
          `${this.location}: the draft was already committed or aborted`,
        );
    };
    return {
      append: async (data) => {
        assertOpen();
        for (const part of data) parts.push(Buffer.from(part));
      },
      commit: async (file) => {
        assertOpen();
        this.validate(file);
        if (file.type !== type) {
          throw new EngineError(
            'INVALID_ARGUMENT',
            `a ${type} draft cannot be committed as a ${file.type} file`,
          );
        }
        done = true;
        this.files.set(keyOf(file), Buffer.concat(parts));
      },
      abort: async () => {
        done = true;
        parts.length = 0;
      },
    };
  }

  async remove(file: FileHandle): Promise<void> {
    this.files.delete(keyOf(file));
  }

  async close(): Promise<void> {
    // nothing to release
  }

  /** Test hook: replaces a file's bytes (to simulate damage). */
  replace(file: FileHandle, data: Uint8Array): void {
    this.get(file);
    this.files.set(keyOf(file), Buffer.from(data));
  }

  private get(file: FileHandle): Buffer {
    this.validate(file);
    const data = this.files.get(keyOf(file));
    if (data === undefined) throw new EngineError('NOT_FOUND', `${this.describe(file)}: not found`);
    return data;
  }

  private validate(file: FileHandle): void {
    if (file.type !== 'config' && !isId(file.name)) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `not a valid ${file.type} file name: ${JSON.stringify(file.name)}`,
      );
    }
  }

  private describe(file: FileHandle): string {
    return `${this.location}${file.type === 'config' ? 'config' : `${file.type}/${file.name}`}`;
  }
}

function keyOf(file: FileHandle): string {
  return `${file.type}/${file.name}`;
}

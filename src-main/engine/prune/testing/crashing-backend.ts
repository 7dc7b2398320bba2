/**
 * Test-only: a Backend that "dies" at the n-th change to the repository's packs or index files — that change and
 * everything after it fails, as if the process had been killed just before it. Lock files keep working, so the
 * prune releases its lock like a process whose death restic would not notice, and restic can judge the state
 * right away. With `crashAt: Infinity` it only records the changes (a calibration run), and can call a hook before
 * each one (to cancel a prune at a precise moment).
 */
import type { Backend, FileHandle, FileInfo, FileType, WriteData } from '../../backend/backend';

export class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash');
    this.name = 'SimulatedCrash';
  }
}

export interface RepositoryChange {
  op: 'write' | 'remove';
  type: FileType;
  name: string;
}

export class CrashingBackend implements Backend {
  readonly changes: RepositoryChange[] = [];
  private dead = false;

  constructor(
    private readonly inner: Backend,
    /** 1-based number of the change that does not happen. */
    private readonly crashAt: number,
    /** Called before each change that happens (with its 1-based number), e.g. to cancel at that moment. */
    private readonly beforeChange?: (change: RepositoryChange, count: number) => void,
  ) {}

  get location(): string {
    return this.inner.location;
  }

  create(): Promise<void> {
    return this.inner.create();
  }

  exists(): Promise<boolean> {
    return this.inner.exists();
  }

  async *list(type: FileType): AsyncIterable<FileInfo> {
    this.throwIfDead(type);
    yield* this.inner.list(type);
  }

  stat(file: FileHandle): Promise<FileInfo> {
    this.throwIfDead(file.type);
    return this.inner.stat(file);
  }

  read(file: FileHandle, range?: { offset: number; length?: number }): Promise<Buffer> {
    this.throwIfDead(file.type);
    return this.inner.read(file, range);
  }

  async write(file: FileHandle, data: WriteData): Promise<void> {
    this.change('write', file);
    await this.inner.write(file, data);
  }

  async remove(file: FileHandle): Promise<void> {
    this.change('remove', file);
    await this.inner.remove(file);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private change(op: RepositoryChange['op'], file: FileHandle): void {
    this.throwIfDead(file.type);
    if (file.type !== 'data' && file.type !== 'index') return;
    if (this.changes.length + 1 >= this.crashAt) {
      this.dead = true;
      throw new SimulatedCrash();
    }
    const change = { op, type: file.type, name: file.name };
    this.changes.push(change);
    this.beforeChange?.(change, this.changes.length);
  }

  private throwIfDead(type: FileType): void {
    if (this.dead && type !== 'lock') throw new SimulatedCrash();
  }
}

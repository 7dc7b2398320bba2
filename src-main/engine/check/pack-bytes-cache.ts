/**
 * Whole tree packs kept in memory while trees are walked. A walk loads thousands of small tree blobs, most of them
 * from the same few packs (restic writes trees to packs of their own, in the order it walked the directories);
 * reading each pack once and cutting the blobs out of it replaces thousands of small reads by a few large ones.
 * Packs larger than `maxPackBytes` are not cached (their blobs are read one by one); at most `budgetBytes` are
 * kept, the least recently used pack dropped first.
 */
import type { Backend } from '../backend/backend';
import type { Id } from '../ids';

export class PackBytesCache {
  private readonly packs = new Map<Id, Promise<Buffer>>();
  private readonly sizes = new Map<Id, number>();
  private bytes = 0;

  constructor(
    private readonly backend: Backend,
    private readonly maxPackBytes = 32 * 1024 * 1024,
    private readonly budgetBytes = 96 * 1024 * 1024,
  ) {}

  /** Whether a pack of this size is served from the cache. */
  takes(size: number): boolean {
    return size <= this.maxPackBytes;
  }

  /** The pack's bytes (`size` is its size as listed); a failed read is not kept. */
  get(id: Id, size: number): Promise<Buffer> {
    const cached = this.packs.get(id);
    if (cached !== undefined) {
      // Map order is the LRU order: move to the end.
      this.packs.delete(id);
      this.packs.set(id, cached);
      return cached;
    }
    const reading = this.backend.read({ type: 'data', name: id }, { offset: 0, length: size });
    this.packs.set(id, reading);
    this.sizes.set(id, size);
    this.bytes += size;
    reading.catch(() => this.drop(id));
    this.evict();
    return reading;
  }

  private evict(): void {
    for (const id of this.packs.keys()) {
      if (this.bytes <= this.budgetBytes || this.packs.size <= 1) return;
      this.drop(id);
    }
  }

  private drop(id: Id): void {
    if (!this.packs.delete(id)) return;
    this.bytes -= this.sizes.get(id) ?? 0;
    this.sizes.delete(id);
  }
}

/**
 * Open file handles for reading, kept between reads. A backup reads the parent's trees and a restore reads
 * thousands of ranges from the same packs; opening, stat-ing and closing the pack for every range was most of
 * the cost of a small read. Repository files are write-once (never modified in place), so a handle stays valid;
 * a file deleted meanwhile (prune) keeps reading its old, identical content until the handle is evicted.
 * At most `capacity` handles are open; an evicted handle is closed once no read uses it any more.
 */
import { type FileHandle, open } from 'node:fs/promises';

interface Entry {
  handle: Promise<FileHandle>;
  users: number;
  evicted: boolean;
}

export class ReadHandleCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 64) {}

  /** Runs `use` with an open handle for `path` (opened on first use; open errors propagate). */
  async with<T>(path: string, use: (handle: FileHandle) => Promise<T>): Promise<T> {
    let entry = this.entries.get(path);
    if (entry === undefined) {
      entry = { handle: open(path, 'r'), users: 0, evicted: false };
      this.entries.set(path, entry);
      entry.handle.catch(() => this.entries.delete(path)); // a failed open is not cached; the caller sees the error
      this.evictBeyondCapacity();
    } else {
      // Map order is the LRU order: move to the end.
      this.entries.delete(path);
      this.entries.set(path, entry);
    }
    entry.users++;
    try {
      return await use(await entry.handle);
    } finally {
      entry.users--;
      if (entry.evicted && entry.users === 0) await closeQuietly(entry);
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const entry of all) entry.evicted = true;
    await Promise.all(all.filter((e) => e.users === 0).map(closeQuietly));
  }

  private evictBeyondCapacity(): void {
    for (const [path, entry] of this.entries) {
      if (this.entries.size <= this.capacity) return;
      this.entries.delete(path);
      entry.evicted = true;
      if (entry.users === 0) void closeQuietly(entry);
    }
  }
}

async function closeQuietly(entry: Entry): Promise<void> {
  // A handle that failed to open has nothing to close; closing a read-only handle cannot lose data.
  const handle = await entry.handle.catch(() => null);
  await handle?.close().catch(() => undefined);
}

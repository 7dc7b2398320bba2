/**
 * Directory scans made ahead of the walk, handed over to it. Counting the totals reads every directory before the
 * walk gets there (and mostly while the repository is still being opened); keeping those scans, bounded in bytes,
 * saves the walk a second pass of the same syscalls. Each scan is taken once. A scan is at most as old as the
 * lead of the count over the walk — the same kind of gap as between restic's scanner and archiver; content is
 * always read (and checked for changes) by the walk itself.
 */
export class ScanCache {
  private readonly scans = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  /** Keeps the scan of `dir` if there is room; returns whether it was kept. */
  offer(dir: Buffer, scan: Buffer): boolean {
    if (this.bytes + scan.length > this.maxBytes) return false;
    const key = dir.toString('latin1');
    const previous = this.scans.get(key);
    if (previous !== undefined) this.bytes -= previous.length;
    this.scans.set(key, scan);
    this.bytes += scan.length;
    return true;
  }

  /** The kept scan of `dir`, removed from the cache; undefined when there is none. */
  take(dir: Buffer): Buffer | undefined {
    const key = dir.toString('latin1');
    const scan = this.scans.get(key);
    if (scan === undefined) return undefined;
    this.scans.delete(key);
    this.bytes -= scan.length;
    return scan;
  }

  /** Drops every kept scan (the walk is over or failed). */
  clear(): void {
    this.scans.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.scans.size;
  }
}

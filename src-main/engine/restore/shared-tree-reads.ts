/**
 * Tree blobs read once for the restore's two walks. The totals walk (restore-totals.ts) runs ahead of the restore
 * walk over the same trees in the same order; it leaves each tree's plaintext here, and the restore walk takes it
 * instead of reading, decrypting and verifying the blob a second time. Bounded: when the totals walk is too far
 * ahead, trees are not kept and the restore walk reads them itself.
 */
import type { Id } from '../ids';
import type { Repository } from '../repository/repository';

export class SharedTreeReads {
  private readonly kept = new Map<Id, Buffer>();
  private keptBytes = 0;

  constructor(
    private readonly repository: Repository,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  /** For the walk that reads first: the tree's plaintext, kept for the other walk while there is room. */
  async readAndKeep(id: Id): Promise<Buffer> {
    const kept = this.kept.get(id);
    if (kept !== undefined) return kept;
    const plaintext = await this.repository.readBlob('tree', id);
    if (this.keptBytes + plaintext.length <= this.maxBytes) {
      this.kept.set(id, plaintext);
      this.keptBytes += plaintext.length;
    }
    return plaintext;
  }

  /** For the walk that reads second: the kept plaintext (no longer kept), or a fresh read. */
  async take(id: Id): Promise<Buffer> {
    const kept = this.kept.get(id);
    if (kept === undefined) return this.repository.readBlob('tree', id);
    this.kept.delete(id);
    this.keptBytes -= kept.length;
    return kept;
  }
}

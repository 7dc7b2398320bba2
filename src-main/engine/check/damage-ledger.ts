/**
 * What the check found unusable, at the level a restore cares about: blob copies that cannot be read where the
 * index says they are, blobs no index knows, trees that cannot be loaded, and invalid nodes. From it follows which
 * blobs are really damaged — a blob with several copies (restic allows duplicates) is lost only when every copy
 * is bad — and so which files and directories of which snapshots are affected (affected-paths.ts).
 */
import type { Id } from '../ids';
import type { BlobType } from '../repository/blob';
import type { MasterIndex } from '../repository/master-index';

export function blobKey(type: BlobType, id: Id): string {
  return `${type}:${id}`;
}

export class DamageLedger {
  /** Packs none of whose blobs can be read (missing from data/). */
  private readonly lostPacks = new Set<Id>();
  /** Single bad copies: `pack/type:id`. */
  private readonly badCopies = new Set<string>();
  /** Blobs some copy of which is bad (candidates for `isDamaged`). */
  private readonly suspects = new Set<string>();
  /** Blobs referenced by a tree but in no index. */
  private readonly missing = new Set<string>();
  /** Trees that are indexed but could not be loaded (every copy failed). */
  private readonly unloadableTrees = new Set<Id>();
  /** Trees holding nodes restic's checker refuses (the affected-paths walk finds those nodes again). */
  private readonly treesWithInvalidNodes = new Set<Id>();
  private damaged: Set<string> | null = null;

  packLost(packId: Id): void {
    this.lostPacks.add(packId);
    this.damaged = null;
  }

  copyBad(packId: Id, type: BlobType, id: Id): void {
    const key = blobKey(type, id);
    this.badCopies.add(`${packId}/${key}`);
    this.suspects.add(key);
    this.damaged = null;
  }

  blobMissing(type: BlobType, id: Id): void {
    this.missing.add(blobKey(type, id));
    this.damaged = null;
  }

  treeUnloadable(id: Id): void {
    this.unloadableTrees.add(id);
    this.damaged = null;
  }

  nodeInvalid(treeId: Id): void {
    this.treesWithInvalidNodes.add(treeId);
  }

  isCopyBad(packId: Id, type: BlobType, id: Id): boolean {
    return this.lostPacks.has(packId) || this.badCopies.has(`${packId}/${blobKey(type, id)}`);
  }

  isPackLost(packId: Id): boolean {
    return this.lostPacks.has(packId);
  }

  /** True when nothing was found that could affect a snapshot's content. */
  get empty(): boolean {
    return (
      this.lostPacks.size === 0 &&
      this.suspects.size === 0 &&
      this.missing.size === 0 &&
      this.unloadableTrees.size === 0 &&
      this.treesWithInvalidNodes.size === 0
    );
  }

  /**
   * Computes the blobs that cannot be read from any copy. Call after the last report (the result is cached until
   * the ledger changes).
   */
  resolve(index: MasterIndex): void {
    const damaged = new Set<string>(this.missing);
    for (const id of this.unloadableTrees) damaged.add(blobKey('tree', id));
    const candidates = new Set(this.suspects);
    if (this.lostPacks.size > 0) {
      for (const pack of index.packs()) {
        if (!this.lostPacks.has(pack.id)) continue;
        for (const blob of pack.blobs) candidates.add(blobKey(blob.type, blob.id));
      }
    }
    for (const key of candidates) {
      const [type, id] = key.split(':') as [BlobType, Id];
      const copies = index.lookup(type, id);
      if (copies.every((copy) => this.isCopyBad(copy.packId, type, id))) damaged.add(key);
    }
    this.damaged = damaged;
  }

  /** Whether a blob is lost: missing from the index, or every indexed copy is bad. Needs `resolve` first. */
  isDamaged(type: BlobType, id: Id): boolean {
    if (this.damaged === null) throw new Error('DamageLedger.resolve() must run before isDamaged()');
    return this.damaged.has(blobKey(type, id));
  }
}

/**
 * How much of each indexed pack is still needed — restic 0.14's packInfoFromIndex. A used blob stored in several
 * packs (a duplicate) needs one copy only; which copy counts as used follows restic's rule: a copy in a pack that
 * already holds other used blobs, or else the last copy met, so that packs holding nothing but duplicates can go.
 *
 * A used blob that no index names stops the prune: the snapshots reference data that is missing already, and
 * pruning would only make the damage harder to repair (restic: "index is not complete").
 */
import { EngineError } from '../errors';
import type { Id } from '../ids';
import type { BlobType } from '../repository/blob';
import type { MasterIndex } from '../repository/master-index';
import { encryptedHeaderLength, headerLengthFieldSize } from '../repository/pack-header';
import type { PruneStats } from './prune-types';
import { blobKey } from './used-blobs';

export interface PackUsage {
  usedBlobs: number;
  unusedBlobs: number;
  /** Bytes of used blobs, plus the pack header as computed from the index. */
  usedSize: number;
  unusedSize: number;
  /** The pack's blob type, or 'mixed' when it holds both (restic's InvalidBlob). */
  type: BlobType | 'mixed';
}

export interface PackUsageResult {
  packs: Map<Id, PackUsage>;
  /** Every used blob (one copy each). */
  keepBlobs: Set<string>;
}

/** Fills the blob and size counters of `stats`; the pack counters are the planner's. */
export function packUsageFromIndex(
  index: MasterIndex,
  usedBlobs: ReadonlySet<string>,
  stats: PruneStats,
): PackUsageResult {
  const keepBlobs = new Set<string>();
  /** Copies of a used blob beyond the first: how many are still to be assigned (restic saturates at 255). */
  const duplicates = new Map<string, number>();

  for (const pack of index.packs()) {
    for (const blob of pack.blobs) {
      const key = blobKey(blob.type, blob.id);
      if (keepBlobs.has(key)) {
        duplicates.set(key, Math.min((duplicates.get(key) ?? 1) + 1, 255));
        stats.bytes.duplicate += blob.length;
        stats.blobs.duplicate++;
      } else if (usedBlobs.has(key)) {
        keepBlobs.add(key);
        stats.bytes.used += blob.length;
        stats.blobs.used++;
      } else {
        stats.bytes.unused += blob.length;
        stats.blobs.unused++;
      }
    }
  }
  const missing = [...usedBlobs].filter((key) => !keepBlobs.has(key));
  if (missing.length > 0) {
    const shown = missing
      .slice(0, 5)
      .map((key) => `${key[0] === 't' ? 'tree' : 'data'} blob ${key.slice(1)}`);
    throw new EngineError(
      'NOT_FOUND',
      `prune refused to run, nothing was changed: ${missing.length} blobs the snapshots use are in no index ` +
        `(${shown.join(', ')}${missing.length > 5 ? ', …' : ''}); run check to see which snapshots are affected`,
    );
  }

  const packs = new Map<Id, PackUsage>();
  for (const pack of index.packs()) {
    // restic starts usedSize at the header size computed from the index entries.
    const usage: PackUsage = {
      usedBlobs: 0,
      unusedBlobs: 0,
      usedSize: encryptedHeaderLength(pack.blobs) + headerLengthFieldSize,
      unusedSize: 0,
      type: pack.blobs[0]?.type ?? 'data',
    };
    for (const blob of pack.blobs) {
      if (blob.type !== usage.type) usage.type = 'mixed';
      const key = blobKey(blob.type, blob.id);
      if (duplicates.has(key)) continue; // assigned below
      if (keepBlobs.has(key)) {
        usage.usedSize += blob.length;
        usage.usedBlobs++;
      } else {
        usage.unusedSize += blob.length;
        usage.unusedBlobs++;
      }
    }
    packs.set(pack.id, usage);
  }

  if (duplicates.size > 0) {
    for (const pack of index.packs()) {
      const usage = packs.get(pack.id) as PackUsage;
      for (const blob of pack.blobs) {
        const key = blobKey(blob.type, blob.id);
        const count = duplicates.get(key);
        if (count === undefined) continue;
        if (count !== 0 && (usage.usedBlobs > 0 || count === 1)) {
          // Other used blobs here, or the last copy: this one is kept, every other copy becomes unused.
          usage.usedSize += blob.length;
          usage.usedBlobs++;
          duplicates.set(key, 0);
        } else {
          usage.unusedSize += blob.length;
          usage.unusedBlobs++;
          if (count !== 0) duplicates.set(key, count - 1);
        }
      }
    }
  }
  return { packs, keepBlobs };
}

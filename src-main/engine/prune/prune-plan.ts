/**
 * Deciding what happens to each pack — restic 0.14's decidePackAction, rule for rule:
 *
 * - a pack in data/ that no index names is deleted (prune holds the exclusive lock, so no backup is writing it);
 * - a pack without used blobs is deleted; one with only used blobs of one type is kept (small ones are repacked
 *   only when there are at least 10 of them, so a single small pack is not repacked forever);
 * - everything else (partly used, mixed tree/data) is a repack candidate. Tree and mixed packs, and packs below
 *   1/25 of the target size, go first, then by the share of unused bytes. Candidates are repacked until the
 *   unused bytes left drop below --max-unused — except tree/mixed packs, which are always repacked;
 * - an indexed pack missing from data/ is dropped from the index when nothing in it is needed, and stops the
 *   prune when something is; a needed pack whose size differs from what its index entries imply stops it too.
 *
 * One rule of restic is left out on purpose: in v2 repositories restic also repacks every tree pack holding an
 * uncompressed tree, to compress it. Our repack copies blobs as stored (it does not re-encode them), and our
 * writer leaves a tiny tree uncompressed when zstd does not shrink it, so that rule would repack such packs on
 * every prune without ever changing them.
 */
import { EngineError } from '../errors';
import type { Id } from '../ids';
import type { IndexPack } from '../repository/index-file';
import { type MaxUnusedLimit, maxUnusedBytes } from './max-unused';
import type { PackUsage } from './pack-usage';
import type { PruneStats } from './prune-types';
import { blobKey } from './used-blobs';

export interface PrunePlan {
  /** Packs in data/ that no index names. */
  unreferencedPacks: Set<Id>;
  /** Packs without used blobs. */
  removePacks: Set<Id>;
  /** Packs whose used blobs are copied into new packs before they are deleted. */
  repackPacks: Set<Id>;
  /** Indexed packs missing from data/ that nothing needs: left out of the new index. */
  ignorePacks: Set<Id>;
}

export interface PlanInput {
  packs: ReadonlyMap<Id, PackUsage>;
  /** Every pack in data/ with its size. */
  packSizes: ReadonlyMap<Id, number>;
  maxUnused: MaxUnusedLimit;
  packTargetSize: number;
}

interface Candidate extends PackUsage {
  id: Id;
}

/** restic's uint64 arithmetic: its "unused left" wraps to a huge number when duplicates make it negative. */
const uint64Max = 2 ** 64;

export function emptyPruneStats(): PruneStats {
  return {
    blobs: { used: 0, duplicate: 0, unused: 0, remove: 0, repack: 0, repackRemove: 0 },
    bytes: { used: 0, duplicate: 0, unused: 0, remove: 0, repack: 0, repackRemove: 0, unreferenced: 0 },
    packs: { used: 0, unused: 0, partlyUsed: 0, unreferenced: 0, keep: 0, repack: 0, remove: 0 },
  };
}

/** Decides every pack's fate; fills the pack counters and the remove/repack sums of `stats`. */
export function decidePackActions(input: PlanInput, stats: PruneStats): PrunePlan {
  const plan: PrunePlan = {
    unreferencedPacks: new Set(),
    removePacks: new Set(),
    repackPacks: new Set(),
    ignorePacks: new Set(),
  };
  // Only very small packs count as too small by default (restic: pack size / 25).
  const smallPackSize = Math.floor(input.packTargetSize / 25);
  const candidates: Candidate[] = [];
  const smallCandidates: Candidate[] = [];
  const sizeMismatches: string[] = [];

  for (const [id, size] of input.packSizes) {
    const p = input.packs.get(id);
    if (p === undefined) {
      plan.unreferencedPacks.add(id);
      stats.bytes.unreferenced += size;
      continue;
    }
    if (p.usedSize + p.unusedSize !== size && p.usedBlobs !== 0) {
      sizeMismatches.push(
        `pack ${id}: the index implies ${p.usedSize + p.unusedSize} bytes, the file has ${size}`,
      );
      continue;
    }
    if (p.usedBlobs === 0) stats.packs.unused++;
    else if (p.unusedBlobs === 0) stats.packs.used++;
    else stats.packs.partlyUsed++;

    if (p.usedBlobs === 0) {
      plan.removePacks.add(id);
      stats.blobs.remove += p.unusedBlobs;
      stats.bytes.remove += p.unusedSize;
    } else if (p.unusedBlobs === 0 && p.type !== 'mixed') {
      if (size >= smallPackSize) stats.packs.keep++;
      else smallCandidates.push({ id, ...p });
    } else {
      candidates.push({ id, ...p });
    }
  }
  if (sizeMismatches.length > 0) {
    throw new EngineError(
      'CORRUPT',
      `prune refused to run, nothing was changed: ${sizeMismatches.length} needed packs do not match the ` +
        `index (${sizeMismatches.slice(0, 3).join('; ')})`,
    );
  }

  const missingNeeded: Id[] = [];
  for (const [id, p] of input.packs) {
    if (input.packSizes.has(id)) continue;
    if (p.usedBlobs !== 0) {
      missingNeeded.push(id);
      continue;
    }
    plan.ignorePacks.add(id);
    stats.blobs.remove += p.unusedBlobs;
    stats.bytes.remove += p.unusedSize;
  }
  if (missingNeeded.length > 0) {
    throw new EngineError(
      'NOT_FOUND',
      `prune refused to run, nothing was changed: the index names ${missingNeeded.length} needed packs that ` +
        `are missing from data/ (${missingNeeded.slice(0, 3).join(', ')}${missingNeeded.length > 3 ? ', …' : ''})`,
    );
  }

  // Too few small packs are not worth the trouble (and one small pack would otherwise be repacked forever).
  if (smallCandidates.length < 10) stats.packs.keep += smallCandidates.length;
  else candidates.push(...smallCandidates);

  const total = (p: PackUsage) => p.usedSize + p.unusedSize;
  candidates.sort((a, b) => {
    if (a.type !== 'data' && b.type === 'data') return -1;
    if (b.type !== 'data' && a.type === 'data') return 1;
    if (total(a) < smallPackSize && total(b) >= smallPackSize) return -1;
    if (total(b) < smallPackSize && total(a) >= smallPackSize) return 1;
    // Highest share of unused bytes first (cross-multiplied, as restic).
    return b.unusedSize * a.usedSize - a.unusedSize * b.usedSize;
  });

  const maxUnusedAfter = maxUnusedBytes(input.maxUnused, stats.bytes.used);
  for (const p of candidates) {
    let unusedLeft = stats.bytes.unused - stats.bytes.remove - stats.bytes.repackRemove;
    if (unusedLeft < 0) unusedLeft += uint64Max;
    const reachedUnusedSizeAfter = unusedLeft < maxUnusedAfter;
    const packIsLargeEnough = total(p) >= smallPackSize;
    if (p.type === 'data' && reachedUnusedSizeAfter && packIsLargeEnough) {
      stats.packs.keep++;
      continue;
    }
    plan.repackPacks.add(p.id);
    stats.blobs.repack += p.unusedBlobs + p.usedBlobs;
    stats.bytes.repack += p.unusedSize + p.usedSize;
    stats.blobs.repackRemove += p.unusedBlobs;
    stats.bytes.repackRemove += p.unusedSize;
  }

  stats.packs.unreferenced = plan.unreferencedPacks.size;
  stats.packs.repack = plan.repackPacks.size;
  stats.packs.remove = plan.removePacks.size;
  return plan;
}

/**
 * The blobs the repack must copy: the used ones whose only kept copies are in packs that go. A used blob that
 * also sits in a pack staying (kept, or missing but ignored — restic forgets that case) is not copied again.
 * Two passes over the index — the used blobs in packs that go, then minus those in packs that stay — so only the
 * few candidates are ever copied into a set, not every used blob of the repository.
 */
export function blobsToRepack(
  keepBlobs: ReadonlySet<string>,
  index: { packs(): Iterable<IndexPack> },
  plan: PrunePlan,
): Set<string> {
  const toCopy = new Set<string>();
  if (plan.repackPacks.size === 0) return toCopy;
  const goes = (id: Id) => plan.removePacks.has(id) || plan.repackPacks.has(id) || plan.ignorePacks.has(id);
  for (const pack of index.packs()) {
    if (!goes(pack.id)) continue;
    for (const blob of pack.blobs) {
      const key = blobKey(blob.type, blob.id);
      if (keepBlobs.has(key)) toCopy.add(key);
    }
  }
  for (const pack of index.packs()) {
    if (goes(pack.id)) continue;
    for (const blob of pack.blobs) toCopy.delete(blobKey(blob.type, blob.id));
  }
  return toCopy;
}

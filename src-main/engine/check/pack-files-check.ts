/**
 * Step 2 of a check: the packs the index names against the files in data/. Every indexed pack must exist with
 * the size its index entries imply, its entries must tile it without gaps or overlaps, and its header (length
 * field, MAC, entries) must list exactly what the index lists. A pack in data/ that no index names is a warning,
 * as in restic ("not referenced in any index"): typically left over by an interrupted backup; so is a pack mixing
 * tree and data blobs.
 *
 * The header is read here only for packs the data check will not read: those get it checked from the same single
 * read that verifies their blobs.
 */
import { isEngineError } from '../errors';
import type { Id } from '../ids';
import type { PackedBlob } from '../repository/blob';
import type { MasterIndex } from '../repository/master-index';
import type { Repository } from '../repository/repository';
import { forEachConcurrently } from './concurrency';
import type { DamageLedger } from './damage-ledger';
import {
  byOffset,
  decodePackHeader,
  eagerTailLength,
  headerIndexDifferences,
  headerLocation,
  impliedPackSize,
  layoutProblem,
} from './pack-layout';
import type { ProblemLog } from './problem-log';

const parallelHeaderReads = 8;

export interface PackFilesContext {
  repository: Repository;
  index: MasterIndex;
  /** data/ as listed: pack ID → file size. */
  files: ReadonlyMap<Id, number>;
  /** Packs the data check reads completely (their header is checked there). */
  toRead: ReadonlySet<Id>;
  log: ProblemLog;
  ledger: DamageLedger;
  signal?: AbortSignal;
  onPackDone: () => void;
}

export async function checkPackFiles(context: PackFilesContext): Promise<void> {
  const { index, files, log } = context;
  const indexed = new Set<Id>();
  // Pulled lazily by the header readers, so only the packs being read are held as objects, not the whole index.
  function* packsNeedingHeader(): Generator<{ id: Id; size: number; blobs: PackedBlob[] }> {
    for (const pack of index.packs()) {
      indexed.add(pack.id);
      const size = files.get(pack.id);
      const blobs = byOffset(pack.blobs);
      if (
        checkPackFile(context, pack.id, blobs, size) &&
        !context.toRead.has(pack.id) &&
        size !== undefined
      ) {
        yield { id: pack.id, size, blobs };
      } else {
        context.onPackDone();
      }
    }
  }
  await forEachConcurrently(packsNeedingHeader(), parallelHeaderReads, context.signal, async (pack) => {
    await checkPackHeader(context.repository, context.log, pack.id, pack.size, pack.blobs);
    context.onPackDone();
  });
  for (const id of [...files.keys()].sort()) {
    if (indexed.has(id)) continue;
    log.warning({ kind: 'pack-unreferenced', message: `pack ${id}: not referenced in any index`, pack: id });
  }
}

/** Existence, size and layout; true when the header is worth reading. */
function checkPackFile(
  context: PackFilesContext,
  id: Id,
  blobs: PackedBlob[],
  size: number | undefined,
): boolean {
  const { log, ledger } = context;
  if (blobs.length > 0 && blobs.some((blob) => blob.type !== blobs[0]?.type)) {
    log.warning({
      kind: 'pack-mixed',
      message: `pack ${id} contains a mix of tree and data blobs`,
      pack: id,
    });
  }
  if (size === undefined) {
    log.error({ kind: 'pack-missing', code: 'NOT_FOUND', message: `pack ${id}: does not exist`, pack: id });
    ledger.packLost(id);
    return false;
  }
  let sound = true;
  const implied = impliedPackSize(blobs);
  if (implied !== size) {
    log.error({
      kind: 'pack-size',
      code: 'CORRUPT',
      message: `pack ${id}: unexpected file size: got ${size}, expected ${implied}`,
      pack: id,
    });
    // What lies beyond the end of the file is certainly lost; what is inside may still be intact.
    for (const blob of blobs) if (blob.offset + blob.length > size) ledger.copyBad(id, blob.type, blob.id);
    sound = false;
  }
  const layout = layoutProblem(blobs);
  if (layout !== null) {
    log.error({ kind: 'pack-layout', code: 'CORRUPT', message: `pack ${id}: ${layout}`, pack: id });
    sound = false;
  }
  return sound;
}

/** Reads a pack's header from its end (as restic: one eager read, a second one for a big header) and checks it. */
export async function checkPackHeader(
  repository: Repository,
  log: ProblemLog,
  id: Id,
  size: number,
  blobs: readonly PackedBlob[],
): Promise<void> {
  const what = `pack ${id}`;
  const file = { type: 'data' as const, name: id };
  try {
    const tail = await repository.backend.read(file, { offset: -Math.min(size, eagerTailLength) });
    const location = headerLocation(tail.readUInt32LE(tail.length - 4), size, what);
    const tailStart = size - tail.length;
    const encrypted =
      location.offset >= tailStart
        ? tail.subarray(location.offset - tailStart, location.offset - tailStart + location.length)
        : await repository.backend.read(file, location);
    const header = decodePackHeader(repository.key, encrypted, size, what);
    for (const difference of headerIndexDifferences(header, blobs)) {
      log.error({ kind: 'pack-header', code: 'CORRUPT', message: `${what}: ${difference}`, pack: id });
    }
  } catch (error) {
    if (!isEngineError(error) || error.code === 'CANCELLED') throw error;
    log.error({
      kind: error.code === 'CORRUPT' ? 'pack-header' : 'pack-unreadable',
      code: error.code,
      message: error.message.includes(what) ? error.message : `${what}: ${error.message}`,
      pack: id,
    });
  }
}

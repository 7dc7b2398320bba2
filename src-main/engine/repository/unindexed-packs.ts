/**
 * Adopting packs that no index file names, so a backup resumed after a crash does not upload their blobs again.
 *
 * Why such packs exist: packs are written (durably) before the index naming them (blob-saver.ts), and index files
 * are written only at checkpoints and at the end. A process killed in between leaves complete packs in `data/`
 * that no index names; restic calls them "not referenced in any index" and leaves them alone until `prune`.
 *
 * What adoption does: list `data/`, take the packs the loaded index does not name, read each one's header from
 * the tail of the file (pack-reader.ts: the MAC is verified and the header must describe exactly the file's
 * size), write index files naming them, and only then add their blobs to the in-memory index, so this backup
 * deduplicates against them. The index file goes first because a snapshot may reference these blobs only once an
 * index on storage says where they are.
 *
 * Why that is safe:
 * - A pack that is visible is complete: Backend.write makes files visible atomically (temp file + rename, the
 *   way restic writes them too), so a pack cannot be caught half-written. Temp files are not in listings.
 * - Damaged or truncated packs (bit rot, a copy cut short, another repository's key) fail the header check. They
 *   are skipped with a warning and never deleted here: deleting data is prune's job, under an exclusive lock.
 *   The blobs themselves are not read (that would mean reading whole packs): as for every indexed pack, their
 *   integrity is what `check --read-data` verifies.
 * - Backups run under non-exclusive locks, so another backup may be writing into the same repository right now:
 *   a pack it has written but not indexed yet is adopted here too, and its own index names it a moment later.
 *   That only leaves the same pack (with identical entries) in two index files, which restic accepts (check
 *   reports "pack … contained in several indexes" as non-critical; its merged index drops exact duplicates).
 * - Packs left by an interrupted prune (unreferenced, not yet deleted) become indexed again; prune, which needs
 *   an exclusive lock and so never runs during a backup, finds their blobs unused and removes them next time.
 */
import { type EngineError, isEngineError } from '../errors';
import { type Id, shortId } from '../ids';
import type { PackedBlob } from './blob';
import { encodeIndexFile, type IndexPack, maxBlobsPerIndexFile } from './index-file';
import { readPackHeader } from './pack-reader';
import type { Repository } from './repository';

export interface AdoptionOptions {
  /** A pack that is not adopted (unreadable header), or an index file that could not be written. */
  onWarning?: (message: string) => void;
  /** Pack headers read at once (each read is one small request; remote backends benefit from overlap). */
  concurrency?: number;
  /** The packs to adopt, when the caller has just listed them (listUnindexedPacks); default: listed here. */
  unindexed?: readonly ListedPack[];
  /** Blobs per index file written (default: restic's limit). */
  maxBlobsPerIndexFile?: number;
}

export interface AdoptionResult {
  /** Packs found in `data/` that the loaded index did not name. */
  unindexedPacks: number;
  /** Of those, the packs now named by an index file and in the in-memory index. */
  adoptedPacks: number;
  adoptedBlobs: number;
  /** Stored bytes of the adopted packs: what the backup does not have to upload again. */
  adoptedBytes: number;
  /** Unindexed packs left as they are (their header did not verify, or the index write failed). */
  skippedPacks: number;
  indexFiles: Id[];
}

const defaultConcurrency = 4;

/**
 * Finds packs in `data/` that `repository.index` does not name, and indexes those whose header verifies. Call it
 * after `repository.loadIndex()`, under the repository lock, before any blob is saved.
 */
export async function adoptUnindexedPacks(
  repository: Repository,
  options: AdoptionOptions = {},
): Promise<AdoptionResult> {
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, 'UnindexedPacks'));
  const unindexed = options.unindexed ?? (await listUnindexedPacks(repository));
  const result: AdoptionResult = {
    unindexedPacks: unindexed.length,
    adoptedPacks: 0,
    adoptedBlobs: 0,
    adoptedBytes: 0,
    skippedPacks: 0,
    indexFiles: [],
  };
  if (unindexed.length === 0) return result;

  const batch = new IndexBatch(repository, options.maxBlobsPerIndexFile ?? maxBlobsPerIndexFile);
  const headers = readHeaders(repository, unindexed, options.concurrency ?? defaultConcurrency);
  for await (const outcome of headers) {
    if ('error' in outcome) {
      result.skippedPacks++;
      warn(
        `pack ${outcome.pack.name} is in data/ but in no index, and its header cannot be read ` +
          `(${outcome.error.message}); it is left in place and its data will be uploaded again if needed`,
      );
      continue;
    }
    batch.add({ id: outcome.pack.name, blobs: outcome.blobs }, outcome.pack.size);
    if (batch.full) await batch.write(result, warn);
  }
  await batch.write(result, warn);
  return result;
}

/** A pack file in `data/` with its size. */
export interface ListedPack {
  name: Id;
  size: number;
}

/** The packs in `data/` that the in-memory index does not name. */
/** The packs in `data/` that the loaded index does not name. */
export async function listUnindexedPacks(repository: Repository): Promise<ListedPack[]> {
  const listed: ListedPack[] = [];
  for await (const file of repository.backend.list('data')) listed.push({ name: file.name, size: file.size });
  return listed.filter((pack) => !repository.index.hasPack(pack.name));
}

type HeaderOutcome = { pack: ListedPack; blobs: PackedBlob[] } | { pack: ListedPack; error: EngineError };

/** Reads the headers of `packs`, `concurrency` at a time, yielding each outcome in the order given. */
async function* readHeaders(
  repository: Repository,
  packs: readonly ListedPack[],
  concurrency: number,
): AsyncGenerator<HeaderOutcome> {
  const read = (pack: ListedPack): Promise<HeaderOutcome> => {
    const outcome = readPackHeader(repository.backend, repository.key, pack.name, pack.size).then(
      (blobs) => ({ pack, blobs }),
      (error: unknown) => {
        // Only the engine's own failures (corrupt, missing, I/O) mean "skip this pack"; anything else is a bug.
        if (!isEngineError(error)) throw error;
        return { pack, error };
      },
    );
    // A bug's rejection reaches the caller through the await below; reads still in the window when the caller
    // stops must not count as unhandled meanwhile.
    outcome.catch(() => undefined);
    return outcome;
  };
  const window: Promise<HeaderOutcome>[] = [];
  let next = 0;
  while (next < packs.length || window.length > 0) {
    while (window.length < Math.max(1, concurrency) && next < packs.length) {
      const pack = packs[next++];
      if (pack !== undefined) window.push(read(pack));
    }
    const first = window.shift();
    if (first !== undefined) yield await first;
  }
}

/** Adopted packs waiting for their index file; bounded so memory and file size stay at restic's limits. */
class IndexBatch {
  private packs: IndexPack[] = [];
  private bytes = 0;
  private blobs = 0;

  constructor(
    private readonly repository: Repository,
    private readonly maxBlobs: number,
  ) {}

  get full(): boolean {
    return this.blobs >= this.maxBlobs;
  }

  add(pack: IndexPack, size: number): void {
    this.packs.push(pack);
    this.blobs += pack.blobs.length;
    this.bytes += size;
  }

  /**
   * Writes one index file naming the batch, then adds the packs to the in-memory index. When the write fails the
   * packs stay unindexed (a warning says so): the backup goes on and uploads what it needs; storage that cannot
   * take a small index file will fail the backup's own writes with the real cause.
   */
  async write(result: AdoptionResult, warn: (message: string) => void): Promise<void> {
    if (this.packs.length === 0) return;
    const { packs, blobs, bytes } = this;
    this.packs = [];
    this.blobs = 0;
    this.bytes = 0;
    let indexId: Id;
    try {
      indexId = await this.repository.saveUnpacked('index', encodeIndexFile({ supersedes: [], packs }));
    } catch (error) {
      if (!isEngineError(error)) throw error;
      result.skippedPacks += packs.length;
      warn(
        `${packs.length} packs in data/ are in no index, and the index file naming them could not be written ` +
          `(${error.message}); their data will be uploaded again (first pack: ${shortId(packs[0]?.id ?? '')})`,
      );
      return;
    }
    for (const pack of packs) this.repository.index.addPack(pack.id, pack.blobs);
    result.indexFiles.push(indexId);
    result.adoptedPacks += packs.length;
    result.adoptedBlobs += blobs;
    result.adoptedBytes += bytes;
  }
}

/**
 * Test-only: the packs of a repository as our engine sees them — which ones an index names, and what their
 * headers say they hold — to compare restic's view ("not referenced in any index") and to account for every
 * byte a resumed backup did or did not upload again.
 */
import { LocalBackend } from '../../backend/local-backend';
import type { Id } from '../../ids';
import { readPackHeader } from '../../repository/pack-reader';
import { Repository } from '../../repository/repository';

export interface PackCensus {
  packs: number;
  /** Packs in `data/` that no index file names. */
  unindexed: Id[];
  /** Stored bytes of the data blobs in all packs (what a backup summary counts as `bytes_added`). */
  dataBlobBytes: number;
  treeBlobBytes: number;
  /** Data blobs stored in more than one pack (uploaded again): 0 when nothing was uploaded twice. */
  duplicateDataBlobs: number;
}

export async function censusPacks(location: string, password: string): Promise<PackCensus> {
  const backend = new LocalBackend(location);
  try {
    const repository = await Repository.open(backend, password);
    await repository.loadIndex();
    const indexed = new Set<Id>();
    for (const pack of repository.index.packs()) indexed.add(pack.id);
    const census: PackCensus = {
      packs: 0,
      unindexed: [],
      dataBlobBytes: 0,
      treeBlobBytes: 0,
      duplicateDataBlobs: 0,
    };
    const seen = new Set<Id>();
    for await (const file of backend.list('data')) {
      census.packs++;
      if (!indexed.has(file.name)) census.unindexed.push(file.name);
      for (const blob of await readPackHeader(backend, repository.key, file.name, file.size)) {
        if (blob.type === 'data') {
          census.dataBlobBytes += blob.length;
          if (seen.has(blob.id)) census.duplicateDataBlobs++;
          seen.add(blob.id);
        } else census.treeBlobBytes += blob.length;
      }
    }
    return census;
  } finally {
    await backend.close();
  }
}

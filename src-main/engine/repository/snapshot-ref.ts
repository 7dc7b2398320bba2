/**
 * Resolving what a user types for a snapshot: `latest` (optionally of one host), a full ID, or a unique ID
 * prefix (as restic's CLI accepts).
 */
import { EngineError } from '../errors';
import type { Id } from '../ids';
import type { Repository } from './repository';
import type { Snapshot } from './snapshot';

export interface SnapshotFilter {
  hostname?: string;
}

export async function resolveSnapshot(
  repository: Repository,
  ref: string,
  filter: SnapshotFilter = {},
): Promise<{ id: Id; snapshot: Snapshot }> {
  if (ref === 'latest') {
    const all = (await repository.listSnapshots()).filter(
      ({ snapshot }) => filter.hostname === undefined || snapshot.hostname === filter.hostname,
    );
    const latest = all.at(-1);
    if (!latest) {
      throw new EngineError(
        'NOT_FOUND',
        `no snapshot${filter.hostname ? ` of host ${filter.hostname}` : ''} in the repository`,
      );
    }
    return latest;
  }
  if (!/^[0-9a-f]{1,64}$/.test(ref)) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `${JSON.stringify(ref)} is not a snapshot ID (hex) or "latest"`,
    );
  }
  const matches: Id[] = [];
  for await (const file of repository.backend.list('snapshot')) {
    if (file.name.startsWith(ref)) matches.push(file.name);
  }
  if (matches.length === 0) throw new EngineError('NOT_FOUND', `no snapshot ${ref} in the repository`);
  if (matches.length > 1) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `snapshot ID prefix ${ref} is ambiguous (${matches.length} snapshots match)`,
    );
  }
  const id = matches[0] as Id;
  return { id, snapshot: await repository.loadSnapshot(id) };
}

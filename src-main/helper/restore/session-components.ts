/**
 * The components of one System state session: what its components record (components.json, written by every
 * session since the restore wizard exists) says, or — for a session without one, or with one that cannot be read —
 * what derived-components.ts derives from its recorded paths and exports.
 */
import path from 'node:path';
import { type EngineErrorCode, isEngineError } from '../../engine/errors';
import type { Id } from '../../engine/ids';
import type { Repository } from '../../engine/repository/repository';
import type { Snapshot } from '../../engine/repository/snapshot';
import { listSnapshotEntries } from '../../engine/restore/snapshot-file-reader';
import type { TreeLoader } from '../../engine/restore/tree-walker';
import type { RestoreComponent } from '../../helper-protocol/restore-model';
import { componentsRecordSchema } from '../../system-state/manifest/components-record';
import { deriveComponents } from './derived-components';
import { readRecordedJson } from './recorded-files';
import { recordedStaging } from './restore-staging-paths';
import { cachingTreeLoader } from './snapshot-trees';

export interface SessionComponents {
  components: RestoreComponent[];
  source: 'record' | 'derived';
  /** Why the components were derived although a record exists (it is damaged or invalid); null otherwise. */
  note: string | null;
}

/** Components per snapshot ID, per opened repository: a snapshot never changes. */
const componentsCache = new WeakMap<Repository, Map<Id, Promise<SessionComponents>>>();

export function readSessionComponents(
  repository: Repository,
  session: { id: Id; snapshot: Snapshot },
  options: { loadTree?: TreeLoader } = {},
): Promise<SessionComponents> {
  let cache = componentsCache.get(repository);
  if (cache === undefined) {
    cache = new Map();
    componentsCache.set(repository, cache);
  }
  const known = cache.get(session.id);
  if (known !== undefined) return known;
  const reading = readUncached(
    repository,
    session.snapshot,
    options.loadTree ?? cachingTreeLoader(repository),
  );
  reading.catch(() => cache.delete(session.id));
  cache.set(session.id, reading);
  return reading;
}

async function readUncached(
  repository: Repository,
  snapshot: Snapshot,
  loadTree: TreeLoader,
): Promise<SessionComponents> {
  const record = await readRecordedJson(
    repository,
    snapshot,
    recordedStaging.components,
    componentsRecordSchema,
    {
      loadTree,
    },
  );
  if (record.kind === 'found')
    return {
      components: record.value.components.map((c) => ({ id: c.id, title: c.title, paths: [...c.paths] })),
      source: 'record',
      note: null,
    };
  const components = await deriveComponents({
    recordedPaths: snapshot.paths,
    exists: (p) => existsInSnapshot(repository, snapshot, p, loadTree),
  });
  return {
    components,
    source: 'derived',
    note:
      record.kind === 'absent'
        ? null
        : `The session's components record cannot be used (${record.reason}); its components were derived from its paths.`,
  };
}

const absentWhen: readonly EngineErrorCode[] = ['INVALID_ARGUMENT', 'CORRUPT', 'NOT_FOUND', 'PATH_ESCAPE'];

/** Whether anything (file, directory, …) is at the absolute path `recordedPath` in the snapshot. */
export async function existsInSnapshot(
  repository: Repository,
  snapshot: { tree: Id },
  recordedPath: string,
  loadTree: TreeLoader,
): Promise<boolean> {
  const normalized = path.posix.resolve('/', recordedPath);
  if (normalized === '/') return true;
  const parent = path.posix.dirname(normalized);
  const entries = await listSnapshotEntries(repository, snapshot, parent, { loadTree }).catch(
    (error: unknown) => {
      // A file where a directory was expected: nothing can be below it. A damaged or ambiguous folder does not
      // fail the listing of a machine's sessions; what is in it counts as absent (the restore reports the damage).
      if (isEngineError(error) && absentWhen.includes(error.code)) return [];
      throw error;
    },
  );
  return entries.some((entry) => entry.path === normalized);
}

/**
 * The verify phase: the snapshot just written is read back from storage — the snapshot file reloads, every tree it
 * references loads and decodes (each blob verified against its ID), and every data blob a file references is
 * named by an index file as stored now (not by what this process believes it wrote). Data is not re-read: that is
 * the repository check's job (`check --read-data`), far too slow for every session.
 *
 * Then the retention of the settings (forget, not prune) for this host and data source, under an exclusive lock;
 * a failure there is a warning — the backup itself is good.
 */
import { hostname } from 'node:os';
import { checkTreeLoader } from '../../engine/check/tree-loader';
import { isEngineError } from '../../engine/errors';
import { loadSnapshotsForForget } from '../../engine/forget/load-snapshots';
import { removeSnapshots } from '../../engine/forget/remove-snapshots';
import { applyPolicy, type RetentionPolicy } from '../../engine/forget/retention-policy';
import type { Id } from '../../engine/ids';
import { withLock } from '../../engine/lock/repository-lock';
import { decodeIndexFile } from '../../engine/repository/index-file';
import { MasterIndex } from '../../engine/repository/master-index';
import type { Repository } from '../../engine/repository/repository';
import { parseJson } from '../../engine/repository/unpacked-file';
import type { Retention } from '../../helper-protocol/session-model';
import type { AttemptContext } from './session-context';
import { reportProblem } from './session-context';
import { SessionError } from './session-failure';

const parallelTreeLoads = 8;
/** Problems named in the failure message; the rest are counted. */
const namedProblems = 5;

export interface VerifyResult {
  trees: number;
  dataBlobs: number;
}

/** The index as stored now, read from the index files. */
async function storedIndex(repository: Repository): Promise<MasterIndex> {
  const index = new MasterIndex();
  for await (const file of repository.backend.list('index')) {
    const what = `index file ${file.name}`;
    index.addIndexFile(
      decodeIndexFile(parseJson(await repository.loadUnpacked('index', file.name), what), what),
    );
  }
  index.compact();
  return index;
}

/** VERIFY_FAILED naming what is wrong; CANCELLED through `signal`. */
export async function verifySnapshot(
  repository: Repository,
  snapshotId: Id,
  signal: AbortSignal,
): Promise<VerifyResult> {
  const problems: string[] = [];
  try {
    const snapshot = await repository.loadSnapshot(snapshotId);
    const index = await storedIndex(repository);
    const packSizes = new Map<Id, number>();
    for await (const file of repository.backend.list('data')) packSizes.set(file.name, file.size);
    const loadTree = checkTreeLoader(repository, index, packSizes);
    const visited = new Set<Id>([snapshot.tree]);
    const pending: Id[] = [snapshot.tree];
    const dataBlobs = new Set<Id>();
    while (pending.length > 0) {
      if (signal.aborted) throw new SessionError('CANCELLED', 'verification cancelled');
      const batch = pending.splice(0, parallelTreeLoads);
      const trees = await Promise.all(batch.map((id) => loadTree(id).then((nodes) => ({ id, nodes }))));
      for (const { id, nodes } of trees)
        for (const node of nodes) {
          const name = node.name.toString('utf8');
          if (node.type === 'dir') {
            if (node.subtree === null)
              problems.push(`tree ${id.slice(0, 8)}: directory ${name} has no subtree`);
            else if (!visited.has(node.subtree)) {
              visited.add(node.subtree);
              pending.push(node.subtree);
            }
          } else if (node.type === 'file') {
            if (node.content === null)
              problems.push(`tree ${id.slice(0, 8)}: file ${name} has no content list`);
            for (const blob of node.content ?? []) {
              if (dataBlobs.has(blob)) continue;
              dataBlobs.add(blob);
              if (!index.has('data', blob))
                problems.push(
                  `tree ${id.slice(0, 8)}: file ${name} needs data blob ${blob}, which no index names`,
                );
            }
          }
        }
    }
    if (problems.length === 0) return { trees: visited.size, dataBlobs: dataBlobs.size };
  } catch (error) {
    if (error instanceof SessionError || isEngineError(error, 'CANCELLED')) throw error;
    // The storage went away or refused us while reading back: no evidence against the snapshot. The code is kept
    // (REPO_UNREACHABLE is retried: the next attempt backs up again, cheaply, and reads back again).
    if (
      isEngineError(error, 'REPO_UNREACHABLE') ||
      isEngineError(error, 'AUTH_FAILED') ||
      isEngineError(error, 'HOST_KEY_MISMATCH')
    )
      throw error;
    if (!isEngineError(error)) throw error;
    throw new SessionError(
      'VERIFY_FAILED',
      `snapshot ${snapshotId.slice(0, 8)} does not read back: ${error.message}`,
      {
        retryable: false,
        cause: error,
      },
    );
  }
  const more = problems.length > namedProblems ? ` (and ${problems.length - namedProblems} more)` : '';
  throw new SessionError(
    'VERIFY_FAILED',
    `snapshot ${snapshotId.slice(0, 8)} does not read back: ${problems.slice(0, namedProblems).join('; ')}${more}`,
    { retryable: false },
  );
}

export function retentionPolicyOf(retention: Retention, tag: string, host: string): RetentionPolicy {
  return {
    keep: {
      last: retention.keepLast,
      daily: retention.keepDaily,
      weekly: retention.keepWeekly,
      monthly: retention.keepMonthly,
    },
    filter: { hosts: [host], tags: [[tag]] },
  };
}

/** Applies the settings' retention for this host and tag; problems are warnings of the session. */
export async function applyRetention(context: AttemptContext, tag: string): Promise<void> {
  const { repository, log } = context;
  const retention = context.settings.retention;
  if (retention === null || repository === null) return;
  const policy = retentionPolicyOf(retention, tag, hostname());
  try {
    const removed = await withLock(
      repository,
      { exclusive: true, signal: context.signal, onWarning: (m) => log.warning(m) },
      async () => {
        const snapshots = await loadSnapshotsForForget(repository, (id, message) =>
          log.warning(`Retention: snapshot ${id.slice(0, 8)} skipped: ${message}`),
        );
        const groups = applyPolicy(snapshots, policy, context.deps.now());
        const ids = groups.flatMap((group) => group.remove.map(({ id }) => id));
        await removeSnapshots(repository, ids, { signal: context.signal });
        return ids;
      },
    );
    log.info(
      removed.length === 0
        ? 'Retention: no snapshot to remove'
        : `Retention: removed ${removed.length} snapshots (${removed.map((id) => id.slice(0, 8)).join(', ')}); their data stays until a prune`,
    );
  } catch (error) {
    if (isEngineError(error, 'CANCELLED')) throw error;
    reportProblem(context, `Retention was not applied: ${(error as Error).message}`);
  }
}

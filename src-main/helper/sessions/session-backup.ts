/**
 * The backup phase: the engine reads the snapshot (and the staging folder) and records everything under its live
 * path, under a non-exclusive repository lock as restic's backup takes, with the session's cancel signal, its
 * progress thinned for the UI, and a watchdog on the snapshot. A snapshot that vanished makes the attempt fail
 * SNAPSHOT_UNAVAILABLE, and a repository snapshot written from it is removed again: it would record a system
 * state that never existed.
 */
import { type BackupSummary, backup } from '../../engine/archiver/archiver';
import { removeSnapshots } from '../../engine/forget/remove-snapshots';
import { acquireLock, type RepositoryLock } from '../../engine/lock/repository-lock';
import type { ProgressSnapshot } from '../../engine/progress/progress-meter';
import type { AttemptContext } from './session-context';
import { SessionError } from './session-failure';
import { pathInSnapshot, type SourceMapping, systemStateExportPath, toRecordedPath } from './session-paths';
import { removeLocksOfDeadLocalProcesses } from './session-stale-locks';
import { type SnapshotWatchdog, startSnapshotWatchdog } from './snapshot-watchdog';

/** Beyond this many, warnings are counted but not logged one by one (a log of millions of lines helps nobody). */
export const maxLoggedWarnings = 1000;

export const systemStateTag = 'system-state';
export const filesTag = 'files';

function snapshotLost(evidence: readonly string[], cause?: unknown): SessionError {
  return new SessionError(
    'SNAPSHOT_UNAVAILABLE',
    `the snapshot vanished during the backup (${evidence.join('; ')})`,
    { retryable: true, cause },
  );
}

/** The target paths and where the engine reads each of them. */
function backupSources(context: AttemptContext): { paths: string[]; sourceMap: SourceMapping[] } {
  const paths = [...context.paths];
  const handle = context.snapshot?.handle;
  const sourceMap = handle ? paths.map((p) => ({ path: p, readFrom: pathInSnapshot(handle, p) })) : [];
  if (context.stagingDir !== null) {
    paths.push(systemStateExportPath);
    sourceMap.push({ path: systemStateExportPath, readFrom: context.stagingDir });
  }
  return { paths, sourceMap };
}

export async function runSessionBackup(context: AttemptContext): Promise<BackupSummary> {
  const { deps, log, session } = context;
  const repository = context.repository;
  if (repository === null)
    throw new SessionError('INTERNAL_ERROR', 'backup phase without an open repository');
  const { paths, sourceMap } = backupSources(context);
  const watchdog = startSnapshotWatchdog(context.snapshot, deps.watchdogIntervalMs, (evidence) =>
    log.error(`The snapshot is gone: ${evidence.join('; ')}`),
  );
  const signal = AbortSignal.any([context.signal, watchdog.signal]);
  let locking: Promise<RepositoryLock> | null = null;
  let logged = 0;
  const onProgress = (p: ProgressSnapshot) =>
    context.progress.push({
      sessionId: session.id,
      attempt: context.attempt,
      phase: 'backup',
      filesDone: p.filesDone,
      filesTotal: p.totalsFinal ? p.filesTotal : null,
      bytesDone: p.bytesDone,
      bytesTotal: p.totalsFinal ? p.bytesTotal : null,
      currentItem: p.currentItem === null ? null : toRecordedPath(sourceMap, p.currentItem),
    });
  log.info(`Backing up ${paths.join(', ')}${sourceMap.length > 0 ? ' (read from the snapshot)' : ''}`);
  try {
    if (!(await watchdog.checkNow())) throw snapshotLost(watchdog.lostEvidence ?? []);
    await removeLocksOfDeadLocalProcesses(repository, log);
    locking = acquireLock(repository, { exclusive: false, signal, onWarning: (m) => log.warning(m) });
    // Awaited in `finally`; a failure to lock reaches the backup (and us) through `ready`.
    locking.catch(() => undefined);
    const summary = await backup(repository, {
      ready: locking,
      paths,
      sourceMap,
      // Checked when the session was started (exclude-check.ts); System state has none.
      excludes: session.source === 'files' ? session.excludes : [],
      tags: [session.source === 'system-state' ? systemStateTag : filesTag],
      workers: deps.workers,
      signal,
      onProgress,
      onWarning: (warning) => {
        context.problems++;
        if (++logged <= maxLoggedWarnings) log.warning(`${warning.path}: ${warning.message}`);
      },
    });
    context.progress.flush();
    if (logged > maxLoggedWarnings)
      log.warning(`${logged - maxLoggedWarnings} more warnings were not logged`);
    if (!(await watchdog.checkNow())) {
      await removeUntrustworthy(context, summary.snapshotId);
      throw snapshotLost(watchdog.lostEvidence ?? []);
    }
    log.info(
      `Snapshot ${summary.snapshotId.slice(0, 8)} saved: ${summary.filesNew} new, ${summary.filesChanged} changed, ` +
        `${summary.filesUnmodified} unmodified files; ${summary.bytesAdded} bytes added` +
        `${summary.snapshot.parent ? ` (parent ${summary.snapshot.parent.slice(0, 8)})` : ' (no parent)'}`,
    );
    if (summary.entriesLeftOut > 0)
      log.warning(`${summary.entriesLeftOut} entries could not be read and are not in the snapshot`);
    return summary;
  } catch (error) {
    if (error instanceof SessionError) throw error;
    if (watchdog.lostEvidence !== null) throw snapshotLost(watchdog.lostEvidence, error);
    // The backup failed for another reason while the snapshot may be gone already (reading it failed): say so.
    if (!context.signal.aborted && context.snapshot !== null && !(await stillAvailable(watchdog)))
      throw snapshotLost(watchdog.lostEvidence ?? [], error);
    throw error;
  } finally {
    watchdog.stop();
    // Its error, if any, is the backup's error (through `ready`), already on its way.
    const held = await locking?.catch(() => undefined);
    // A lock left behind only delays exclusive operations until it turns stale: a warning, not a failure.
    await held
      ?.release()
      .catch((error: unknown) => log.warning(`Releasing the lock failed: ${(error as Error).message}`));
  }
}

/** Removed under our lock, before anyone can take it as a parent or restore from it. */
async function removeUntrustworthy(context: AttemptContext, snapshotId: string): Promise<void> {
  const repository = context.repository;
  if (repository === null) return;
  try {
    await removeSnapshots(repository, [snapshotId]);
    context.log.error(
      `Repository snapshot ${snapshotId.slice(0, 8)} removed: it was read from a vanished snapshot`,
    );
  } catch (error) {
    context.log.error(
      `Repository snapshot ${snapshotId.slice(0, 8)} was read from a vanished snapshot and could not be removed ` +
        `(${(error as Error).message}): do not restore from it; remove it (restic forget ${snapshotId.slice(0, 8)}).`,
    );
  }
}

/** After a failed backup: whether the snapshot is still there. A check that fails itself proves nothing. */
async function stillAvailable(watchdog: SnapshotWatchdog): Promise<boolean> {
  try {
    return await watchdog.checkNow();
  } catch {
    // The backup's own error is the one to report; an unanswerable availability check must not replace it.
    return true;
  }
}

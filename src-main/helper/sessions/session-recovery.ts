/**
 * Helper start-up: what the previous helper run left unfinished is put right before anything new starts.
 * - A session still running in the journal was cut short by a crash (same boot id) or a reboot (new boot id):
 *   its snapshots and staging folders are deleted, and it is interrupted (HELPER_CRASHED / MACHINE_RESTARTED,
 *   both retryable) and restarted later, or ends Failed when its attempts are used up.
 * - A session waiting for its automatic restart gets its timer back.
 * - The orphan sweep deletes every snapshot and staging folder of ours at the snapshot location whose session is
 *   not running (a crash between creating a snapshot and journaling it leaves one the journal does not know).
 * Restart timers are armed only after the sweep, so a restarted session's new snapshot can never be swept.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SessionErrorCode, SessionFailure, SessionSummary } from '../../helper-protocol/session-model';
import { stagingFolder } from '../../system-state/exports/run-exports';
import type { SnapshotProvider } from '../../system-state/snapshots/snapshot-provider';
import { sweepOrphans } from '../../system-state/snapshots/snapshot-provider';
import { decideAfterFailure } from './restart-policy';
import { messageOf } from './session-attempt';
import { removeStagingFolder } from './session-cleanup';
import type { ResolvedDeps } from './session-context';
import { sessionLogger } from './session-context';
import { troubleshootingCheckOf } from './session-failure';
import type { UnfinishedSession } from './session-journal-types';
import { parseSnapshotRef, providerFor } from './session-snapshot';

export interface RecoveryHost {
  deps: ResolvedDeps;
  isRunning(sessionId: string): boolean;
  /** Arms the timer of an interrupted session (the journal already says when). */
  restartAt(sessionId: string, attempt: number, at: Date): void;
  changed(summary: SessionSummary): SessionSummary;
}

export interface RecoverySummary {
  previousBootId: string | null;
  /** Sessions that run again: interrupted now, or waiting already. */
  restarting: { id: string; attempt: number; at: string; code: SessionErrorCode | null }[];
  /** Sessions ended Failed because their attempts were used up. */
  failed: { id: string; code: SessionErrorCode }[];
  deletedSnapshots: string[];
  removedStagingDirs: string[];
  /** What could not be deleted (it is tried again at the next start). */
  errors: string[];
}

export async function recoverSessions(host: RecoveryHost, bootId: string): Promise<RecoverySummary> {
  const { deps } = host;
  const now = deps.now();
  const { previousBootId } = deps.journal.recordHelperStart(bootId, process.pid, now);
  const summary: RecoverySummary = {
    previousBootId,
    restarting: [],
    failed: [],
    deletedSnapshots: [],
    removedStagingDirs: [],
    errors: [],
  };
  const rebooted = previousBootId !== null && previousBootId !== bootId;
  const restarts: { id: string; attempt: number; at: Date }[] = [];
  for (const unfinished of deps.journal.unfinishedSessions()) {
    const { session } = unfinished;
    if (host.isRunning(session.id)) continue;
    const log = sessionLogger(deps, session.id);
    await deleteLeftovers(deps, unfinished, summary);
    if (session.status === 'interrupted' || session.attempt === 0) {
      // Waiting for its restart, or created but never begun: it runs when it was due (now, if that has passed).
      const at = session.nextAttemptAt ? new Date(session.nextAttemptAt) : now;
      restarts.push({ id: session.id, attempt: session.attempt + 1, at });
      summary.restarting.push({
        id: session.id,
        attempt: session.attempt + 1,
        at: at.toISOString(),
        code: null,
      });
      log.info(`Helper started: attempt ${session.attempt + 1} is scheduled for ${at.toISOString()}`);
      continue;
    }
    const failure = cutShortFailure(rebooted ? 'MACHINE_RESTARTED' : 'HELPER_CRASHED', session.attempt);
    const decision = decideAfterFailure(failure, true, session.attempt, deps.restartPolicy, now);
    if (decision.kind === 'restart') {
      log.warning(`Interrupted (${failure.code}): ${failure.message}`);
      host.changed(deps.journal.interruptAttempt(session.id, failure, decision.at, now));
      restarts.push({ id: session.id, attempt: session.attempt + 1, at: decision.at });
      summary.restarting.push({
        id: session.id,
        attempt: session.attempt + 1,
        at: decision.at.toISOString(),
        code: failure.code,
      });
    } else {
      log.error(
        `Failed (${failure.code}): ${failure.message} No attempts are left (${session.maxAttempts}).`,
      );
      host.changed(
        deps.journal.finishSession(session.id, {
          status: 'failed',
          failure,
          snapshotId: null,
          stats: null,
          at: now,
        }),
      );
      summary.failed.push({ id: session.id, code: failure.code });
    }
  }
  await sweep(host, summary);
  for (const restart of restarts) host.restartAt(restart.id, restart.attempt, restart.at);
  return summary;
}

function cutShortFailure(code: 'MACHINE_RESTARTED' | 'HELPER_CRASHED', attempt: number): SessionFailure {
  return {
    code,
    message:
      code === 'MACHINE_RESTARTED'
        ? `The machine restarted during attempt ${attempt}; its snapshot and staging folder were deleted.`
        : `The helper stopped unexpectedly during attempt ${attempt}; its snapshot and staging folder were deleted.`,
    check: troubleshootingCheckOf(code),
  };
}

/** Deletes the snapshots and staging folders the journal recorded for the session's unfinished attempts. */
async function deleteLeftovers(
  deps: ResolvedDeps,
  unfinished: UnfinishedSession,
  summary: RecoverySummary,
): Promise<void> {
  const { session } = unfinished;
  const log = sessionLogger(deps, session.id);
  let snapshotsLeft = 0;
  for (const ref of unfinished.snapshotRefs) {
    try {
      const handle = parseSnapshotRef(ref);
      await providerFor(deps.providers, handle).delete(handle);
      summary.deletedSnapshots.push(handle.id);
      log.info(
        `Helper started: deleted the snapshot ${handle.id} (${handle.provider}) the interrupted attempt left`,
      );
    } catch (error) {
      snapshotsLeft++;
      summary.errors.push(`session ${session.id}: ${messageOf(error)}`);
      log.error(
        `Helper started: the snapshot the interrupted attempt left cannot be deleted: ${messageOf(error)}`,
      );
    }
  }
  // Cleared on the current attempt (the one a crash cuts short); earlier attempts cleaned up before they ended.
  if (unfinished.snapshotRefs.length > 0 && snapshotsLeft === 0)
    deps.journal.setSnapshotRef(session.id, null);
  for (const dir of unfinished.stagingDirs) {
    try {
      await removeStagingFolder(deps.journal, session.id, dir);
      summary.removedStagingDirs.push(dir);
      log.info(`Helper started: removed the staging folder ${dir} the interrupted attempt left`);
    } catch (error) {
      summary.errors.push(`session ${session.id}: ${messageOf(error)}`);
      log.error(`Helper started: the staging folder ${dir} cannot be removed: ${messageOf(error)}`);
    }
  }
}

/** The orphan sweep at the current snapshot location, for the providers usable on this machine. */
async function sweep(host: RecoveryHost, summary: RecoverySummary): Promise<void> {
  const { deps } = host;
  const logFor = (sessionId: string, message: string) => {
    if (deps.journal.getSummary(sessionId) !== null) sessionLogger(deps, sessionId).info(message);
  };
  let location: string;
  const sweeps: { provider: SnapshotProvider; at: string }[] = [];
  try {
    const machine = await deps.systemState.machine();
    location =
      (await deps.settings()).snapshotLocation ?? (await deps.systemState.location(machine)).location;
    sweeps.push({ provider: deps.providers['temp-copy'], at: location });
    const kind = machine.choice.kind;
    // btrfs snapshots live on the snapshotted filesystem itself; LVM and VSS list theirs machine-wide.
    if (kind === 'btrfs')
      sweeps.push({ provider: deps.providers.btrfs, at: machine.systemDrive?.mountPoint ?? '/' });
    else if (kind !== 'temp-copy') sweeps.push({ provider: deps.providers[kind], at: location });
  } catch (error) {
    summary.errors.push(`orphan sweep: the snapshot location is unknown: ${messageOf(error)}`);
    return;
  }
  for (const { provider, at } of sweeps) {
    try {
      const result = await sweepOrphans(provider, at, (sessionId) => host.isRunning(sessionId));
      for (const handle of result.deleted) {
        summary.deletedSnapshots.push(handle.id);
        logFor(handle.sessionId, `Helper started: orphan sweep deleted the snapshot ${handle.id}`);
      }
      for (const { handle, message } of result.errors) summary.errors.push(`${handle.id}: ${message}`);
    } catch (error) {
      summary.errors.push(`orphan sweep of ${provider.kind} snapshots at ${at}: ${messageOf(error)}`);
    }
  }
  const stagingBase = path.dirname(stagingFolder(location, 'x'));
  let names: string[];
  try {
    names = await readdir(stagingBase);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      summary.errors.push(`orphan sweep: cannot list ${stagingBase}: ${messageOf(error)}`);
    return;
  }
  for (const name of names) {
    if (host.isRunning(name)) continue;
    const dir = path.join(stagingBase, name);
    try {
      await rm(dir, { recursive: true, force: true });
      summary.removedStagingDirs.push(dir);
      logFor(name, `Helper started: orphan sweep removed the staging folder ${dir}`);
    } catch (error) {
      summary.errors.push(`${dir}: ${messageOf(error)}`);
    }
  }
}

/**
 * Helper session shapes in the contract's shapes. Field by field: the contract's schemas are strict, so fields
 * the UI does not need (the snapshot provider's handle of an attempt, a field the helper adds later) never leave
 * main by accident.
 */
import type {
  SessionDetail as HelperSessionDetail,
  SessionFailure as HelperSessionFailure,
  SessionLogEntry as HelperSessionLogEntry,
  SessionProgress as HelperSessionProgress,
  SessionStats as HelperSessionStats,
  SessionSummary as HelperSessionSummary,
} from '../helper-protocol/session-model';
import type {
  SessionDetail,
  SessionFailure,
  SessionLogEntry,
  SessionProgress,
  SessionStats,
  SessionSummary,
} from '../ipc/contract';

function toContractFailure(failure: HelperSessionFailure | null): SessionFailure | null {
  return failure === null ? null : { code: failure.code, message: failure.message, check: failure.check };
}

export function toContractSummary(session: HelperSessionSummary): SessionSummary {
  return {
    id: session.id,
    source: session.source,
    trigger: session.trigger,
    status: session.status,
    phase: session.phase,
    attempt: session.attempt,
    maxAttempts: session.maxAttempts,
    createdAt: session.createdAt,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    failure: toContractFailure(session.failure),
    stats: toContractStats(session.stats),
    interruptions: session.interruptions,
    errors: session.errors,
  };
}

function toContractStats(stats: HelperSessionStats | null): SessionStats | null {
  return stats === null
    ? null
    : {
        filesNew: stats.filesNew,
        filesChanged: stats.filesChanged,
        filesUnmodified: stats.filesUnmodified,
        bytesProcessed: stats.bytesProcessed,
        bytesAdded: stats.bytesAdded,
        warnings: stats.warnings,
      };
}

export function toContractDetail(session: HelperSessionDetail): SessionDetail {
  return {
    ...toContractSummary(session),
    paths: [...session.paths],
    repository: session.repository,
    nextAttemptAt: session.nextAttemptAt,
    snapshotId: session.snapshotId,
    attempts: session.attempts.map((a) => ({
      attempt: a.attempt,
      startedAt: a.startedAt,
      endedAt: a.endedAt,
      outcome: a.outcome,
      failure: toContractFailure(a.failure),
    })),
    transitions: session.transitions.map((t) => ({
      seq: t.seq,
      at: t.at,
      attempt: t.attempt,
      phase: t.phase,
      status: t.status,
      detail: t.detail,
    })),
  };
}

export function toContractLogEntry(entry: HelperSessionLogEntry): SessionLogEntry {
  return { seq: entry.seq, at: entry.at, attempt: entry.attempt, level: entry.level, message: entry.message };
}

export function toContractProgress(progress: HelperSessionProgress): SessionProgress {
  return {
    sessionId: progress.sessionId,
    attempt: progress.attempt,
    phase: progress.phase,
    filesDone: progress.filesDone,
    filesTotal: progress.filesTotal,
    bytesDone: progress.bytesDone,
    bytesTotal: progress.bytesTotal,
    bytesPerSecond: progress.bytesPerSecond,
    etaSeconds: progress.etaSeconds,
    currentItem: progress.currentItem,
  };
}

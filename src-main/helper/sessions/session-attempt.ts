/**
 * One attempt of a session, phase by phase: preflight → snapshot → collect → backup → verify, then cleanup in any
 * case. Every phase is journaled before it acts, and a cancel is honoured at each phase boundary (and inside the
 * backup through its signal). The attempt reports what happened; the runner decides what the session becomes
 * (completed, failed, restarted later).
 */
import type {
  HelperSettings,
  SessionPhase,
  SessionStats,
  SessionSummary,
} from '../../helper-protocol/session-model';
import { filesPreflight, filesSnapshot } from './files-phases';
import { ProgressThrottle } from './progress-throttle';
import { filesTag, runSessionBackup, systemStateTag } from './session-backup';
import { cleanUpAttempt } from './session-cleanup';
import type { AttemptContext, ResolvedDeps } from './session-context';
import { journaled, sessionLogger } from './session-context';
import { SessionError } from './session-failure';
import { openSessionRepository } from './session-repository';
import { applyRetention, verifySnapshot } from './session-verify';
import { collectExports, systemStatePreflight, systemStateSnapshot } from './system-state-phases';

export type AttemptOutcome =
  | { kind: 'completed'; snapshotId: string; stats: SessionStats; problems: number }
  | { kind: 'no-selection'; reason: string }
  /** `snapshotId`: the repository snapshot saved before the failure (a cancel or a failed verification after it). */
  | { kind: 'failed'; error: unknown; snapshotId: string | null };

function cancelledError(): SessionError {
  return new SessionError('CANCELLED', 'the session was cancelled', { retryable: false });
}

async function enterPhase(context: AttemptContext, phase: SessionPhase): Promise<void> {
  if (context.signal.aborted) throw cancelledError();
  const { deps, session, attempt } = context;
  context.progress.flush();
  journaled(deps, deps.journal.recordTransition(session.id, phase, { at: deps.now() }));
  context.log.info(`Phase ${phase} (attempt ${attempt})`);
  context.progress.push({
    sessionId: session.id,
    attempt,
    phase,
    filesDone: 0,
    filesTotal: null,
    bytesDone: 0,
    bytesTotal: null,
    currentItem: null,
  });
  await deps.hooks?.beforePhase?.(session.id, phase, attempt);
}

async function runPhases(context: AttemptContext): Promise<AttemptOutcome> {
  const systemState = context.session.source === 'system-state';
  await enterPhase(context, 'preflight');
  const preflight = systemState ? await systemStatePreflight(context) : await filesPreflight(context);
  if (preflight.kind === 'no-selection') {
    context.log.warning(`Nothing to back up: ${preflight.reason}`);
    return preflight;
  }
  await openSessionRepository(context);

  if (context.snapshotPlan !== null) {
    await enterPhase(context, 'snapshot');
    if (systemState) await systemStateSnapshot(context);
    else await filesSnapshot(context);
  }
  if (systemState) {
    await enterPhase(context, 'collect');
    await collectExports(context);
  }

  await enterPhase(context, 'backup');
  const summary = await runSessionBackup(context);
  context.savedSnapshotId = summary.snapshotId;
  // Journaled now, not at the end: a verification failure or a cancel after this still leaves what was added.
  context.backupStats = {
    filesNew: summary.filesNew,
    filesChanged: summary.filesChanged,
    filesUnmodified: summary.filesUnmodified,
    bytesProcessed: summary.bytesProcessed,
    bytesAdded: summary.bytesAdded,
    warnings: context.problems,
  };
  journaled(context.deps, context.deps.journal.recordStats(context.session.id, context.backupStats));

  await enterPhase(context, 'verify');
  const repository = context.repository;
  if (repository === null)
    throw new SessionError('INTERNAL_ERROR', 'verify phase without an open repository');
  const verified = await verifySnapshot(repository, summary.snapshotId, context.signal);
  context.log.info(
    `Verified snapshot ${summary.snapshotId.slice(0, 8)}: ${verified.trees} trees decode, ${verified.dataBlobs} data blobs indexed`,
  );
  await applyRetention(context, systemState ? systemStateTag : filesTag);
  return {
    kind: 'completed',
    snapshotId: summary.snapshotId,
    problems: context.problems,
    stats: { ...context.backupStats, warnings: context.problems },
  };
}

export interface AttemptInput {
  deps: ResolvedDeps;
  session: SessionSummary;
  attempt: number;
  signal: AbortSignal;
}

/** Runs the phases, then cleanup whatever they did. A failure is the outcome; only a journal write failing throws. */
export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { deps, session } = input;
  const log = sessionLogger(deps, session.id);
  let settings: HelperSettings;
  try {
    settings = await deps.settings();
  } catch (error) {
    // Nothing was acquired yet, so there is nothing to clean up.
    log.error(`Attempt ${input.attempt}: the helper settings cannot be read: ${messageOf(error)}`);
    return { kind: 'failed', error, snapshotId: null };
  }
  const context: AttemptContext = {
    ...input,
    settings,
    log,
    progress: new ProgressThrottle((p) => deps.notify.progress(p)),
    location: null,
    paths: [...session.paths],
    estimateBytes: 0,
    snapshotPlan: null,
    repository: null,
    snapshot: null,
    stagingDir: null,
    savedSnapshotId: null,
    backupStats: null,
    problems: 0,
  };
  let outcome: AttemptOutcome;
  try {
    outcome = await runPhases(context);
  } catch (error) {
    outcome = { kind: 'failed', error, snapshotId: context.savedSnapshotId };
    // A cancel or a helper stop is not an error of the session; the runner logs what the session becomes.
    if (input.signal.aborted) log.info(`Attempt ${input.attempt} stopped: ${messageOf(error)}`);
    else log.error(`Attempt ${input.attempt} failed: ${messageOf(error)}`);
  }
  try {
    // Cleanup is journaled like any phase, but neither a cancel nor a hook may skip it.
    context.progress.flush();
    journaled(deps, deps.journal.recordTransition(session.id, 'cleanup', { at: deps.now() }));
    log.info(`Phase cleanup (attempt ${input.attempt})`);
  } finally {
    await cleanUpAttempt(context);
    context.progress.dispose();
  }
  // Cleanup problems (a snapshot that could not be deleted) count too.
  if (outcome.kind === 'completed')
    outcome = {
      ...outcome,
      problems: context.problems,
      stats: { ...outcome.stats, warnings: context.problems },
    };
  else if (context.backupStats !== null && context.backupStats.warnings !== context.problems)
    // The runner ends this session keeping the journaled numbers: they get the later problems first.
    journaled(
      deps,
      deps.journal.recordStats(session.id, { ...context.backupStats, warnings: context.problems }),
    );
  return outcome;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

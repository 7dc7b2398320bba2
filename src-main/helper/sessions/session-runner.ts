/**
 * Runs System state and Files sessions end to end: one session per data source at a time, each attempt journaled
 * phase by phase (session-attempt.ts), and what follows an attempt decided here — Completed (with errors), No
 * selection, Aborted after a cancel, Failed with a classified code, or Interrupted and restarted automatically
 * after a delay when the failure is one a new attempt can cure (bounded by the restart policy). Every journal
 * change is announced through `notify.changed`, so the UI follows the journal, never a guess.
 *
 * A helper stop (close) interrupts running sessions with SERVICE_STOPPED after their cleanup; a helper crash
 * leaves them in-process in the journal, where recover() finds them at the next start (session-recovery.ts).
 */
import type { S3CredentialsParams } from '../../helper-protocol/protocol';
import {
  isTerminalStatus,
  type SessionFailure,
  type SessionSource,
  type SessionSummary,
  type SessionTrigger,
} from '../../helper-protocol/session-model';
import { checkedExcludes } from './exclude-check';
import { decideAfterFailure } from './restart-policy';
import { type AttemptOutcome, messageOf, runAttempt } from './session-attempt';
import { type ResolvedDeps, resolveDeps, type SessionRunnerDeps, sessionLogger } from './session-context';
import { classifyFailure, SessionError, troubleshootingCheckOf } from './session-failure';
import { newSessionId } from './session-id';
import { JournalError } from './session-journal-error';
import { type RecoverySummary, recoverSessions } from './session-recovery';

export interface StartSessionRequest {
  source: SessionSource;
  /** Files source: what to back up. */
  paths?: string[];
  /** Files source: exclude patterns (restic syntax), checked before the session is created. */
  excludes?: string[];
  /** Overrides the repository of the settings for this session. */
  repository?: string;
  /** Kept in memory for this session only (PasswordSource). */
  password?: string;
  /** An S3 repository's keys, kept in memory for this session only like the password. */
  s3Credentials?: S3CredentialsParams;
  trigger: SessionTrigger;
}

interface RunningSession {
  controller: AbortController;
  cancelled: boolean;
  /** The helper is stopping: the attempt ends Interrupted (SERVICE_STOPPED) so the next start restarts it. */
  stopping: boolean;
  done: Promise<void>;
}

export class SessionRunner {
  private readonly deps: ResolvedDeps;
  private readonly running = new Map<string, RunningSession>();
  /** Sessions waiting (status interrupted) for their next attempt. */
  private readonly restarts = new Map<string, NodeJS.Timeout>();
  private readonly waiters = new Map<
    string,
    Set<{ resolve: (s: SessionSummary) => void; reject: (e: Error) => void }>
  >();
  private closed = false;

  constructor(deps: SessionRunnerDeps) {
    this.deps = resolveDeps(deps);
  }

  /**
   * Starts a session of `source` now, or returns the one of that source that is already running or waiting to
   * restart (`created: false`). The session runs on after this returns; follow it with notify, wait() or the log.
   */
  async start(request: StartSessionRequest): Promise<{ session: SessionSummary; created: boolean }> {
    if (this.closed)
      throw new SessionError('SERVICE_STOPPED', 'the helper is stopping: no new session is started');
    const excludes = request.source === 'files' ? checkedExcludes(request.excludes) : [];
    const settings = await this.deps.settings();
    const repository = request.repository ?? settings.repository;
    if (!repository)
      throw new SessionError(
        'REPO_UNREACHABLE',
        'no repository is set: set it in the settings (`backup-manager helper-settings set --repo PATH`) or give one for this session',
        { retryable: false },
      );
    // Someone is waiting for a manual start: without a password handed over and none the helper can read, say so
    // now instead of creating a session that can only fail. Scheduled starts go on and fail visibly in the list.
    if (
      request.trigger === 'manual' &&
      !request.password &&
      this.deps.journal.activeSessionOf(request.source) === null
    )
      await this.deps.passwords.resolve('');
    const now = this.deps.now();
    const { session, created } = this.deps.journal.createSession({
      id: newSessionId(now),
      source: request.source,
      paths: request.source === 'files' ? [...(request.paths ?? [])] : [],
      excludes,
      repository,
      trigger: request.trigger,
      maxAttempts: this.deps.restartPolicy.maxAttempts,
      createdAt: now,
    });
    if (!created) return { session, created };
    this.changed(session);
    if (request.password) this.deps.passwords.remember(session.id, request.password);
    if (request.s3Credentials) this.deps.passwords.rememberS3Credentials(session.id, request.s3Credentials);
    return { session: this.launch(session.id, 1), created };
  }

  /** Cancels at any phase: a running attempt stops and cleans up, then the session ends Aborted. */
  cancel(id: string): SessionSummary {
    const summary = this.summaryOf(id);
    if (isTerminalStatus(summary.status)) return summary;
    const run = this.running.get(id);
    if (run !== undefined) {
      if (!run.cancelled) {
        run.cancelled = true;
        sessionLogger(this.deps, id).info('Cancel requested: the session stops after cleaning up');
        run.controller.abort();
      }
      return this.summaryOf(id);
    }
    // Waiting for a restart (or not recovered yet): nothing runs, so nothing is left to clean up.
    this.clearRestart(id);
    sessionLogger(this.deps, id).info('Cancelled while waiting for the automatic restart');
    return this.changed(
      this.deps.journal.finishSession(id, {
        status: 'aborted',
        failure: cancelledFailure(),
        snapshotId: null,
        stats: null,
        at: this.deps.now(),
      }),
    );
  }

  /** Resolves when the session reaches a terminal status; `signal` stops the wait (not the session). */
  wait(id: string, signal?: AbortSignal): Promise<SessionSummary> {
    const summary = this.summaryOf(id);
    if (isTerminalStatus(summary.status)) return Promise.resolve(summary);
    return new Promise((resolve, reject) => {
      const waiters = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, waiters);
      const onAbort = () => {
        waiters.delete(waiter);
        reject(new SessionError('CANCELLED', `stopped waiting for session ${id} (the session goes on)`));
      };
      const waiter = {
        resolve: (s: SessionSummary) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(s);
        },
        reject: (e: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      if (signal?.aborted) return reject(new SessionError('CANCELLED', `stopped waiting for session ${id}`));
      waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Call once at helper start, before sessions are started: restarts what the previous run left unfinished and
   * deletes its snapshots and staging folders (see session-recovery.ts).
   */
  recover(bootId: string): Promise<RecoverySummary> {
    return recoverSessions(
      {
        deps: this.deps,
        isRunning: (id) => this.running.has(id),
        restartAt: (id, attempt, at) => this.scheduleRestart(id, attempt, at),
        changed: (summary) => this.changed(summary),
      },
      bootId,
    );
  }

  /** Sessions running now or waiting for their automatic restart. */
  activeCount(): number {
    return this.running.size + this.restarts.size;
  }

  /**
   * Graceful helper stop: running sessions stop, clean up, and end Interrupted with SERVICE_STOPPED (retryable),
   * so the next helper start restarts them; pending restart timers are dropped (recover() re-arms them).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.restarts.values()) clearTimeout(timer);
    this.restarts.clear();
    const runs = [...this.running.values()];
    for (const run of runs) {
      run.stopping = true;
      run.controller.abort();
    }
    await Promise.all(runs.map((run) => run.done));
    for (const [id, waiters] of this.waiters)
      for (const waiter of waiters)
        waiter.reject(new SessionError('SERVICE_STOPPED', `the helper stopped before session ${id} ended`));
    this.waiters.clear();
  }

  private summaryOf(id: string): SessionSummary {
    const summary = this.deps.journal.getSummary(id);
    if (summary === null) throw new JournalError('SESSION_NOT_FOUND', `no session ${id}`);
    return summary;
  }

  /** Begins attempt `attempt` (journaled) and runs it in the background. */
  private launch(id: string, attempt: number): SessionSummary {
    const run: RunningSession = {
      controller: new AbortController(),
      cancelled: false,
      stopping: false,
      done: Promise.resolve(),
    };
    const session = this.changed(this.deps.journal.beginAttempt(id, attempt, this.deps.now()));
    this.running.set(id, run);
    run.done = runAttempt({ deps: this.deps, session, attempt, signal: run.controller.signal })
      .then((outcome) => this.settle(session, attempt, run, outcome))
      .catch((error: unknown) => this.journalFailed(id, error));
    return session;
  }

  /** What the session becomes after an attempt (synchronous: no cancel can slip in between). */
  private settle(
    session: SessionSummary,
    attempt: number,
    run: RunningSession,
    outcome: AttemptOutcome,
  ): void {
    const { journal, now } = this.deps;
    const log = sessionLogger(this.deps, session.id);
    this.running.delete(session.id);
    const at = now();
    if (outcome.kind === 'completed') {
      const status = outcome.problems > 0 ? 'completed-with-errors' : 'completed';
      if (run.cancelled) log.info('The cancel came after the backup was saved: the session completed');
      log.info(`Session ${status}${outcome.problems > 0 ? ` with ${outcome.problems} warnings` : ''}`);
      this.changed(
        journal.finishSession(session.id, {
          status,
          failure: null,
          snapshotId: outcome.snapshotId,
          stats: outcome.stats,
          at,
        }),
      );
      return;
    }
    if (outcome.kind === 'no-selection') {
      this.changed(
        journal.finishSession(session.id, {
          status: 'no-selection',
          failure: null,
          snapshotId: null,
          stats: null,
          at,
        }),
      );
      return;
    }
    if (run.cancelled) {
      log.info(
        outcome.snapshotId === null
          ? 'Session aborted: cancelled'
          : `Session aborted: cancelled after snapshot ${outcome.snapshotId.slice(0, 8)} was saved; it is kept, not verified`,
      );
      this.changed(
        journal.finishSession(session.id, {
          status: 'aborted',
          failure: cancelledFailure(),
          snapshotId: outcome.snapshotId,
          stats: null,
          at,
        }),
      );
      return;
    }
    const { failure, retryable } = run.stopping
      ? { failure: stoppedFailure(), retryable: true }
      : classifyFailure(outcome.error, { repository: session.repository });
    const decision = decideAfterFailure(failure, retryable, attempt, this.deps.restartPolicy, at);
    if (decision.kind === 'restart') {
      log.warning(
        `Interrupted (${failure.code}): ${failure.message} Attempt ${attempt + 1} of ${session.maxAttempts} ` +
          `starts at ${decision.at.toISOString()}.`,
      );
      this.changed(journal.interruptAttempt(session.id, failure, decision.at, at));
      if (!this.closed) this.scheduleRestart(session.id, attempt + 1, decision.at);
      return;
    }
    log.error(
      `Failed (${failure.code}): ${failure.message}${failure.check ? ` Troubleshooting check: ${failure.check}.` : ''}`,
    );
    this.changed(
      journal.finishSession(session.id, {
        status: 'failed',
        failure,
        snapshotId: outcome.snapshotId,
        stats: null,
        at,
      }),
    );
  }

  private scheduleRestart(id: string, attempt: number, at: Date): void {
    this.clearRestart(id);
    const delay = Math.max(0, at.getTime() - this.deps.now().getTime());
    const timer = setTimeout(() => {
      this.restarts.delete(id);
      if (this.closed) return;
      try {
        this.launch(id, attempt);
      } catch (error) {
        this.journalFailed(id, error);
      }
    }, delay);
    this.restarts.set(id, timer);
  }

  private clearRestart(id: string): void {
    const timer = this.restarts.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.restarts.delete(id);
  }

  /** Announces a journal change; a terminal one also forgets the password and releases the waiters. */
  private changed(summary: SessionSummary): SessionSummary {
    this.deps.notify.changed(summary);
    if (isTerminalStatus(summary.status)) {
      this.deps.passwords.forget(summary.id);
      const waiters = this.waiters.get(summary.id);
      this.waiters.delete(summary.id);
      for (const waiter of waiters ?? []) waiter.resolve(summary);
    }
    return summary;
  }

  /**
   * The journal refused a write the runner needed (disk full, damaged file) or the runner has a bug. The session
   * is ended Failed (INTERNAL_ERROR) if the journal still takes that; else it stays unfinished in the journal
   * and the next helper start recovers it, and the error goes to the process's warnings.
   */
  private journalFailed(id: string, error: unknown): void {
    this.running.delete(id);
    try {
      this.changed(
        this.deps.journal.finishSession(id, {
          status: 'failed',
          failure: {
            code: 'INTERNAL_ERROR',
            message: messageOf(error),
            check: troubleshootingCheckOf('INTERNAL_ERROR'),
          },
          snapshotId: null,
          stats: null,
          at: this.deps.now(),
        }),
      );
    } catch (journalError) {
      process.emitWarning(
        `session ${id}: ${messageOf(error)}; the journal could not record it either: ${messageOf(journalError)}`,
        { code: 'SESSION_JOURNAL_FAILED' },
      );
    }
  }
}

function cancelledFailure(): SessionFailure {
  return { code: 'CANCELLED', message: 'The session was cancelled.', check: null };
}

function stoppedFailure(): SessionFailure {
  return {
    code: 'SERVICE_STOPPED',
    message: 'The helper stopped during the session; the session restarts when the helper starts again.',
    check: troubleshootingCheckOf('SERVICE_STOPPED'),
  };
}

export { systemStateExportPath } from './session-paths';
export type { RecoverySummary } from './session-recovery';

/**
 * The session journal in SQLite (better-sqlite3, synchronous): the durable state machine of every session. Each
 * write is one IMMEDIATE transaction, committed and fsynced before the method returns, so the runner can journal a
 * transition, act on it, and after a crash find exactly where it was. Writes also append a transitions row for
 * every status or phase change, which is the session's history in the UI.
 */
import type Database from 'better-sqlite3';
import {
  isTerminalStatus,
  type LogLevel,
  type SessionDetail,
  type SessionFailure,
  type SessionLogEntry,
  type SessionPhase,
  type SessionSource,
  type SessionStats,
  type SessionStatus,
  type SessionSummary,
} from '../../helper-protocol/session-model';
import { openJournalDatabase, reasonOf } from './session-journal-database';
import { corruptJournalMessage, isCorruptionCode, JournalError } from './session-journal-error';
import {
  type AttemptRow,
  failureDetail,
  failureToJson,
  isoOf,
  levelsFrom,
  queuedSessionRow,
  type SessionRow,
  statsToJson,
  toAttempt,
  toLogEntry,
  toSummary,
  toTransition,
  truncateLogMessage,
} from './session-journal-rows';
import { type JournalStatements, prepareJournalStatements } from './session-journal-statements';
import type {
  LeftoverResource,
  LogFilter,
  NewSession,
  SessionJournal,
  SessionListFilter,
  UnfinishedSession,
} from './session-journal-types';

export class SqliteSessionJournal implements SessionJournal {
  private readonly sql: JournalStatements;

  private constructor(
    private readonly db: Database.Database,
    /** The journal's file, named in every error. */
    readonly file: string,
  ) {
    this.sql = prepareJournalStatements(db);
  }

  /** Opens (creating with mode 0600 if absent) and migrates the journal; JOURNAL_CORRUPT if unreadable. */
  static open(file: string): SqliteSessionJournal {
    return new SqliteSessionJournal(openJournalDatabase(file), file);
  }

  createSession(session: NewSession): { session: SessionSummary; created: boolean } {
    const row = queuedSessionRow(session);
    return this.write(() => {
      const running = this.sql.activeOfSource.get(session.source);
      if (running) return { session: this.summaryOf(running), created: false };
      if (this.sql.session.get(session.id))
        throw new JournalError('SESSION_EXISTS', `a session with id ${session.id} exists already`);
      this.sql.insertSession.run(row);
      this.addTransition(row, row.created_at, `created (${session.trigger})`);
      return { session: this.summaryOf(row), created: true };
    });
  }

  beginAttempt(id: string, attempt: number, at: Date): SessionSummary {
    const when = isoOf(at, 'at');
    return this.write(() => {
      const row = this.unfinishedRow(id, 'begin an attempt of');
      if (attempt !== row.attempt + 1)
        throw this.invalid(id, `cannot begin attempt ${attempt}: attempt ${row.attempt + 1} is next`);
      if (this.openAttempt(row))
        throw this.invalid(id, `cannot begin attempt ${attempt}: attempt ${row.attempt} has not ended`);
      this.sql.insertAttempt.run({ session_id: id, attempt, started_at: when });
      const next: SessionRow = {
        ...row,
        attempt,
        status: attempt === 1 ? 'in-process' : 'restarted',
        phase: 'queued',
        started_at: row.started_at ?? when,
        next_attempt_at: null,
        // The interruption's failure stays on its attempt; the running session has none.
        failure: null,
      };
      return this.update(next, when, `attempt ${attempt} of ${row.max_attempts}`);
    });
  }

  recordTransition(
    id: string,
    phase: SessionPhase,
    options: { status?: SessionStatus; detail?: string; at?: Date } = {},
  ): SessionSummary {
    const when = isoOf(options.at ?? new Date(), 'at');
    return this.write(() => {
      const row = this.unfinishedRow(id, 'record a transition of');
      if (phase === 'done') throw this.invalid(id, 'phase done is entered by finishSession only');
      if (!this.openAttempt(row)) throw this.invalid(id, `cannot enter ${phase}: no attempt is running`);
      // A running attempt's status is in-process or restarted; the others belong to interruptAttempt/finishSession.
      const status = options.status ?? (row.status as SessionStatus);
      if (status !== 'in-process' && status !== 'restarted')
        throw this.invalid(id, `status ${status} is set by interruptAttempt or finishSession only`);
      return this.update({ ...row, phase, status }, when, options.detail ?? null);
    });
  }

  setPaths(id: string, paths: string[]): void {
    this.write(() => {
      const row = this.existingRow(id);
      this.sql.updateSession.run({ ...row, paths: JSON.stringify(paths) });
    });
  }

  setSnapshotRef(id: string, ref: string | null, attempt?: number): void {
    this.write(() => {
      const row = this.existingRow(id);
      const target = attempt ?? row.attempt;
      // Clearing what was never recorded is done already; recording needs an attempt to hold it.
      if (this.sql.setSnapshotRef.run(ref, id, target).changes !== 1 && ref !== null)
        throw this.invalid(id, `cannot record a snapshot: attempt ${target} has not begun`);
    });
  }

  setStagingDir(id: string, dir: string | null, attempt?: number): void {
    this.write(() => {
      const row = this.existingRow(id);
      const target = attempt ?? row.attempt;
      if (this.sql.setStagingDir.run(dir, id, target).changes !== 1 && dir !== null)
        throw this.invalid(id, `cannot record a staging folder: attempt ${target} has not begun`);
    });
  }

  recordStats(id: string, stats: SessionStats): SessionSummary {
    const json = statsToJson(stats);
    return this.write(() => {
      const row = this.unfinishedRow(id, 'record the backup result of');
      if (!this.openAttempt(row))
        throw this.invalid(id, 'cannot record a backup result: no attempt is running');
      // Not a change of phase or status, so no transition: the numbers show in the summary.
      const next: SessionRow = { ...row, stats: json };
      this.sql.updateSession.run(next);
      return this.summaryOf(next);
    });
  }

  interruptAttempt(id: string, failure: SessionFailure, nextAttemptAt: Date, at: Date): SessionSummary {
    const when = isoOf(at, 'at');
    const next = isoOf(nextAttemptAt, 'nextAttemptAt');
    return this.write(() => {
      const row = this.unfinishedRow(id, 'interrupt');
      if (!this.openAttempt(row)) throw this.invalid(id, 'cannot interrupt: no attempt is running');
      const failureJson = failureToJson(failure);
      this.sql.endAttempt.run({
        session_id: id,
        attempt: row.attempt,
        ended_at: when,
        outcome: 'interrupted',
        failure: failureJson,
      });
      const interrupted: SessionRow = {
        ...row,
        status: 'interrupted',
        next_attempt_at: next,
        failure: failureJson,
      };
      return this.update(interrupted, when, failureDetail(failure));
    });
  }

  finishSession(
    id: string,
    result: {
      status: SessionStatus;
      failure: SessionFailure | null;
      snapshotId: string | null;
      stats: SessionStats | null;
      at: Date;
    },
  ): SessionSummary {
    const when = isoOf(result.at, 'at');
    if (!isTerminalStatus(result.status))
      throw this.invalid(id, `cannot finish with ${result.status}: not a terminal status`);
    return this.write(() => {
      const row = this.unfinishedRow(id, 'finish');
      const failureJson = failureToJson(result.failure);
      // A queued or interrupted session (cancelled, say) has no attempt running: only the session ends.
      if (this.openAttempt(row))
        this.sql.endAttempt.run({
          session_id: id,
          attempt: row.attempt,
          ended_at: when,
          outcome: result.status,
          failure: failureJson,
        });
      const finished: SessionRow = {
        ...row,
        status: result.status,
        phase: 'done',
        ended_at: when,
        next_attempt_at: null,
        failure: failureJson,
        snapshot_id: result.snapshotId,
        // Null keeps what the backup phase recorded: a session failing after it still added that much.
        stats: result.stats === null ? row.stats : statsToJson(result.stats),
      };
      return this.update(finished, when, failureDetail(result.failure));
    });
  }

  appendLog(id: string, level: LogLevel, message: string, at: Date = new Date()): SessionLogEntry {
    const when = isoOf(at, 'at');
    return this.write(() => {
      const row = this.existingRow(id);
      const inserted = this.sql.insertLog.get({
        session_id: id,
        attempt: row.attempt,
        level,
        at: when,
        message: truncateLogMessage(message),
      });
      if (!inserted)
        throw new JournalError('JOURNAL_UNAVAILABLE', `${this.file}: the log entry was not stored`);
      return toLogEntry(inserted, this.file);
    });
  }

  getSession(id: string): SessionDetail | null {
    return this.read(() => {
      const row = this.sql.session.get(id);
      if (!row) return null;
      return {
        ...this.summaryOf(row),
        attempts: this.sql.attempts.all(id).map((attempt) => toAttempt(attempt, this.file)),
        transitions: this.sql.transitions.all(id).map((transition) => toTransition(transition, this.file)),
      };
    });
  }

  getSummary(id: string): SessionSummary | null {
    return this.read(() => {
      const row = this.sql.session.get(id);
      return row ? this.summaryOf(row) : null;
    });
  }

  /** Newest first; all of them unless `limit` is given. */
  listSessions(filter: SessionListFilter = {}): SessionSummary[] {
    return this.read(() =>
      this.sql.list
        .all({ source: filter.source ?? null, status: filter.status ?? null, limit: filter.limit ?? -1 })
        .map((row) => this.summaryOf(row)),
    );
  }

  /** Oldest first; all entries unless `limit` is given. */
  getLog(id: string, filter: LogFilter = {}): SessionLogEntry[] {
    return this.read(() =>
      this.sql.log
        .all({
          session_id: id,
          after_seq: filter.afterSeq ?? 0,
          levels: JSON.stringify(levelsFrom(filter.minLevel)),
          limit: filter.limit ?? -1,
        })
        .map((row) => toLogEntry(row, this.file)),
    );
  }

  unfinishedSessions(): UnfinishedSession[] {
    return this.read(() =>
      this.sql.unfinished.all().map((row) => {
        const attempts = this.sql.attempts.all(row.id);
        return {
          session: this.summaryOf(row),
          snapshotRefs: attempts.flatMap((attempt) =>
            attempt.snapshot_ref === null ? [] : [attempt.snapshot_ref],
          ),
          stagingDirs: attempts.flatMap((attempt) =>
            attempt.staging_dir === null ? [] : [attempt.staging_dir],
          ),
        };
      }),
    );
  }

  leftoverResources(): LeftoverResource[] {
    return this.read(() =>
      this.sql.leftovers.all().map((row) => ({
        sessionId: row.session_id,
        attempt: row.attempt,
        snapshotRef: row.snapshot_ref,
        stagingDir: row.staging_dir,
      })),
    );
  }

  activeSessionOf(source: SessionSource): SessionSummary | null {
    return this.read(() => {
      const row = this.sql.activeOfSource.get(source);
      return row ? this.summaryOf(row) : null;
    });
  }

  recordHelperStart(bootId: string, pid: number, at: Date): { previousBootId: string | null } {
    const when = isoOf(at, 'at');
    return this.write(() => {
      const previous = this.sql.lastHelperStart.get();
      this.sql.insertHelperStart.run(bootId, pid, when);
      return { previousBootId: previous?.boot_id ?? null };
    });
  }

  claimScheduledRun(source: SessionSource, dueAt: Date, sessionId: string | null): boolean {
    const due = isoOf(dueAt, 'dueAt');
    return this.write(() => this.sql.claimScheduledRun.run(source, due, sessionId).changes === 1);
  }

  attachScheduledRunSession(source: SessionSource, dueAt: Date, sessionId: string): void {
    const due = isoOf(dueAt, 'dueAt');
    this.write(() => this.sql.attachScheduledRunSession.run(sessionId, source, due));
  }

  lastScheduledRun(source: SessionSource): { dueAt: Date; sessionId: string | null } | null {
    return this.read(() => {
      const row = this.sql.lastScheduledRun.get(source);
      return row ? { dueAt: new Date(row.due_at), sessionId: row.session_id } : null;
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** One IMMEDIATE transaction: takes the write lock first, so a read-then-write never races another writer. */
  private write<T>(body: () => T): T {
    return this.guard(() => this.db.transaction(body).immediate());
  }

  /** One read transaction, so a detail's session, attempts and transitions are one consistent snapshot. */
  private read<T>(body: () => T): T {
    return this.guard(() => this.db.transaction(body).deferred());
  }

  /** SQLite errors keep their own string codes (SQLITE_BUSY, …); damage and a closed journal get ours. */
  private guard<T>(body: () => T): T {
    if (!this.db.open) throw new JournalError('JOURNAL_CLOSED', `the session journal ${this.file} is closed`);
    try {
      return body();
    } catch (error) {
      if (isCorruptionCode((error as { code?: unknown } | null)?.code))
        throw new JournalError('JOURNAL_CORRUPT', corruptJournalMessage(this.file, reasonOf(error)), {
          cause: error,
        });
      throw error;
    }
  }

  private summaryOf(row: SessionRow): SessionSummary {
    return toSummary(row, this.sql.interruptions.get(row.id)?.count ?? 0, this.file);
  }

  private existingRow(id: string): SessionRow {
    const row = this.sql.session.get(id);
    if (!row) throw new JournalError('SESSION_NOT_FOUND', `no session ${id} in ${this.file}`);
    return row;
  }

  private unfinishedRow(id: string, action: string): SessionRow {
    const row = this.existingRow(id);
    if (isTerminalStatus(this.summaryOf(row).status))
      throw this.invalid(id, `cannot ${action} a session that ended ${row.status}`);
    return row;
  }

  /** The current attempt, if it has begun and not ended. */
  private openAttempt(row: SessionRow): AttemptRow | null {
    if (row.attempt === 0) return null;
    const attempt = this.sql.attempt.get(row.id, row.attempt);
    return attempt && attempt.ended_at === null ? attempt : null;
  }

  private update(row: SessionRow, at: string, detail: string | null): SessionSummary {
    this.sql.updateSession.run(row);
    this.addTransition(row, at, detail);
    return this.summaryOf(row);
  }

  private addTransition(row: SessionRow, at: string, detail: string | null): void {
    this.sql.insertTransition.run({
      session_id: row.id,
      attempt: row.attempt,
      phase: row.phase,
      status: row.status,
      at,
      detail,
    });
  }

  private invalid(id: string, message: string): JournalError {
    return new JournalError('INVALID_TRANSITION', `session ${id}: ${message}`);
  }
}

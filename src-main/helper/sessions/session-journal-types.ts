/**
 * What the session runner, the scheduler and the protocol handlers need from the journal. The SQLite journal
 * (session-journal.ts) implements it; every write is durable (synchronous, WAL, fsync) before the call returns,
 * because the runner journals each transition **before** acting on it and recovers from the journal after a crash.
 */
import type {
  LogLevel,
  SessionDetail,
  SessionFailure,
  SessionLogEntry,
  SessionPhase,
  SessionSource,
  SessionStats,
  SessionStatus,
  SessionSummary,
  SessionTrigger,
} from '../../helper-protocol/session-model';

export interface NewSession {
  id: string;
  source: SessionSource;
  paths: string[];
  /** Files source: exclude patterns (restic syntax); absent means none. */
  excludes?: string[];
  repository: string;
  trigger: SessionTrigger;
  maxAttempts: number;
  createdAt: Date;
}

export interface SessionListFilter {
  source?: SessionSource;
  status?: SessionStatus;
  limit?: number;
}

export interface LogFilter {
  afterSeq?: number;
  minLevel?: LogLevel;
  limit?: number;
}

/** A session the journal says was running (or waiting to restart) when the helper last stopped. */
export interface UnfinishedSession {
  session: SessionSummary;
  /** Snapshot handles recorded by attempts that did not finish (JSON written by the runner), to delete. */
  snapshotRefs: string[];
  /** Staging folders recorded by attempts that did not finish, to remove. */
  stagingDirs: string[];
}

/** A snapshot or staging folder an attempt recorded and nothing has cleared yet. */
export interface LeftoverResource {
  sessionId: string;
  attempt: number;
  snapshotRef: string | null;
  stagingDir: string | null;
}

export interface SessionJournal {
  /**
   * Creates a queued session unless one of the same source is queued, running or waiting to restart: then returns
   * that one with `created: false`. Atomic (one transaction), so two racing starts make one session.
   */
  createSession(session: NewSession): { session: SessionSummary; created: boolean };
  /** Starts attempt `attempt` (1, 2, …): status in-process (attempt 1) or restarted (later attempts). */
  beginAttempt(id: string, attempt: number, at: Date): SessionSummary;
  /** Journals that the session enters `phase` (status unchanged unless given). Call before acting. */
  recordTransition(
    id: string,
    phase: SessionPhase,
    options?: { status?: SessionStatus; detail?: string; at?: Date },
  ): SessionSummary;
  /** Records the paths a System state session backs up, once preflight knows them. */
  setPaths(id: string, paths: string[]): void;
  /**
   * Records the current attempt's snapshot (provider handle as JSON) right after it was created, or null once
   * deleted. `attempt` addresses an earlier attempt (clearing a leftover found by leftoverResources); clearing
   * (null) where no attempt has begun does nothing.
   */
  setSnapshotRef(id: string, ref: string | null, attempt?: number): void;
  /** Records the current attempt's staging folder, or null once removed. */
  setStagingDir(id: string, dir: string | null, attempt?: number): void;
  /**
   * Records what the running attempt's backup phase did, as soon as it ended (and again with the cleanup's
   * problems). Replaces the numbers of an earlier attempt; no transition is added.
   */
  recordStats(id: string, stats: SessionStats): SessionSummary;
  /**
   * Ends the current attempt as interrupted with a failure; the session waits (status interrupted) until
   * `nextAttemptAt`.
   */
  interruptAttempt(id: string, failure: SessionFailure, nextAttemptAt: Date, at: Date): SessionSummary;
  /**
   * Ends the current attempt and the session with a terminal status. `stats` null keeps the numbers recordStats
   * journaled (a session that failed or was cancelled after its backup phase still shows what it added).
   */
  finishSession(
    id: string,
    result: {
      status: SessionStatus;
      failure: SessionFailure | null;
      snapshotId: string | null;
      stats: SessionStats | null;
      at: Date;
    },
  ): SessionSummary;
  appendLog(id: string, level: LogLevel, message: string, at?: Date): SessionLogEntry;
  getSession(id: string): SessionDetail | null;
  getSummary(id: string): SessionSummary | null;
  listSessions(filter?: SessionListFilter): SessionSummary[];
  getLog(id: string, filter?: LogFilter): SessionLogEntry[];
  /** Sessions not in a terminal status (in-process, restarted, interrupted), oldest first. */
  unfinishedSessions(): UnfinishedSession[];
  /**
   * Every attempt, of any session (finished ones included), that still records a snapshot or a staging folder,
   * oldest first. At helper start nothing runs, so these are orphans whose deletion failed or never ran.
   */
  leftoverResources(): LeftoverResource[];
  /** The session of this source that is queued, running or waiting to restart, if any. */
  activeSessionOf(source: SessionSource): SessionSummary | null;
  /** Remembers this helper start's boot id; returns the previous start's (null on the first start). */
  recordHelperStart(bootId: string, pid: number, at: Date): { previousBootId: string | null };
  /**
   * Claims the scheduled run of `source` due at `dueAt` (unique per source and due time): true for the first
   * caller only, so a missed run is started once, never twice, across restarts.
   */
  claimScheduledRun(source: SessionSource, dueAt: Date, sessionId: string | null): boolean;
  /** Names the session a claimed scheduled run started (the claim comes first, so it is never started twice). */
  attachScheduledRunSession(source: SessionSource, dueAt: Date, sessionId: string): void;
  /** The due time of the latest claimed scheduled run of `source`, if any. */
  lastScheduledRun(source: SessionSource): { dueAt: Date; sessionId: string | null } | null;
  close(): void;
}

/**
 * Every SQL statement of the journal, prepared once per connection. Kept apart from the journal class so that
 * the class reads as the state machine and this file as the storage.
 */
import type Database from 'better-sqlite3';
import type { AttemptRow, LogRow, SessionRow, TransitionRow } from './session-journal-rows';

/** Statuses that are not terminal (the session is queued, running or waiting to restart). */
const active = `('in-process', 'restarted', 'interrupted')`;

export type JournalStatements = ReturnType<typeof prepareJournalStatements>;

export function prepareJournalStatements(db: Database.Database) {
  return {
    insertSession: db.prepare<[SessionRow]>(
      `INSERT INTO sessions (id, source, paths, excludes, repository, trigger, status, phase, attempt, max_attempts,
         created_at, started_at, ended_at, next_attempt_at, failure, snapshot_id, stats)
       VALUES (@id, @source, @paths, @excludes, @repository, @trigger, @status, @phase, @attempt, @max_attempts,
         @created_at, @started_at, @ended_at, @next_attempt_at, @failure, @snapshot_id, @stats)`,
    ),
    /** Writes back every mutable column of a row read (and changed) in the same transaction. */
    updateSession: db.prepare<[SessionRow]>(
      `UPDATE sessions SET paths = @paths, status = @status, phase = @phase, attempt = @attempt,
         started_at = @started_at, ended_at = @ended_at, next_attempt_at = @next_attempt_at, failure = @failure,
         snapshot_id = @snapshot_id, stats = @stats
       WHERE id = @id`,
    ),
    session: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
    activeOfSource: db.prepare<[string], SessionRow>(
      `SELECT * FROM sessions WHERE source = ? AND status IN ${active} ORDER BY created_at, id LIMIT 1`,
    ),
    unfinished: db.prepare<[], SessionRow>(
      `SELECT * FROM sessions WHERE status IN ${active} ORDER BY created_at, id`,
    ),
    /** Null filters match everything; a negative limit means no limit (SQLite). */
    list: db.prepare<[{ source: string | null; status: string | null; limit: number }], SessionRow>(
      `SELECT * FROM sessions
       WHERE (@source IS NULL OR source = @source) AND (@status IS NULL OR status = @status)
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ),

    insertAttempt: db.prepare<[{ session_id: string; attempt: number; started_at: string }]>(
      'INSERT INTO attempts (session_id, attempt, started_at) VALUES (@session_id, @attempt, @started_at)',
    ),
    attempt: db.prepare<[string, number], AttemptRow>(
      'SELECT * FROM attempts WHERE session_id = ? AND attempt = ?',
    ),
    attempts: db.prepare<[string], AttemptRow>(
      'SELECT * FROM attempts WHERE session_id = ? ORDER BY attempt',
    ),
    /** Interrupted attempts of a session, for its summary (the primary key's index finds them). */
    interruptions: db.prepare<[string], { count: number }>(
      "SELECT COUNT(*) AS count FROM attempts WHERE session_id = ? AND outcome = 'interrupted'",
    ),
    endAttempt: db.prepare<
      [{ session_id: string; attempt: number; ended_at: string; outcome: string; failure: string | null }]
    >(
      `UPDATE attempts SET ended_at = @ended_at, outcome = @outcome, failure = @failure
       WHERE session_id = @session_id AND attempt = @attempt`,
    ),
    leftovers: db.prepare<[], AttemptRow>(
      `SELECT attempts.* FROM attempts JOIN sessions ON sessions.id = attempts.session_id
       WHERE snapshot_ref IS NOT NULL OR staging_dir IS NOT NULL
       ORDER BY sessions.created_at, sessions.id, attempts.attempt`,
    ),
    setSnapshotRef: db.prepare<[string | null, string, number]>(
      'UPDATE attempts SET snapshot_ref = ? WHERE session_id = ? AND attempt = ?',
    ),
    setStagingDir: db.prepare<[string | null, string, number]>(
      'UPDATE attempts SET staging_dir = ? WHERE session_id = ? AND attempt = ?',
    ),

    insertTransition: db.prepare<[Omit<TransitionRow, 'seq'>]>(
      `INSERT INTO transitions (session_id, attempt, phase, status, at, detail)
       VALUES (@session_id, @attempt, @phase, @status, @at, @detail)`,
    ),
    transitions: db.prepare<[string], TransitionRow>(
      'SELECT * FROM transitions WHERE session_id = ? ORDER BY seq',
    ),

    insertLog: db.prepare<[Omit<LogRow, 'seq'>], LogRow>(
      `INSERT INTO log (session_id, attempt, level, at, message)
       VALUES (@session_id, @attempt, @level, @at, @message) RETURNING *`,
    ),
    /** `levels` is a JSON array of the levels to return. */
    log: db.prepare<[{ session_id: string; after_seq: number; levels: string; limit: number }], LogRow>(
      `SELECT * FROM log
       WHERE session_id = @session_id AND seq > @after_seq AND level IN (SELECT value FROM json_each(@levels))
       ORDER BY seq LIMIT @limit`,
    ),

    lastHelperStart: db.prepare<[], { boot_id: string }>(
      'SELECT boot_id FROM helper_starts ORDER BY seq DESC LIMIT 1',
    ),
    insertHelperStart: db.prepare<[string, number, string]>(
      'INSERT INTO helper_starts (boot_id, pid, at) VALUES (?, ?, ?)',
    ),

    claimScheduledRun: db.prepare<[string, string, string | null]>(
      'INSERT OR IGNORE INTO schedule_runs (source, due_at, session_id) VALUES (?, ?, ?)',
    ),
    attachScheduledRunSession: db.prepare<[string, string, string]>(
      'UPDATE schedule_runs SET session_id = ? WHERE source = ? AND due_at = ?',
    ),
    lastScheduledRun: db.prepare<[string], { due_at: string; session_id: string | null }>(
      'SELECT due_at, session_id FROM schedule_runs WHERE source = ? ORDER BY due_at DESC LIMIT 1',
    ),
  };
}

/**
 * The journal's schema, versioned by `PRAGMA user_version`: migration i takes the file from version i to i + 1.
 * A shipped migration is frozen — never edit one, append a new one — because journals written by older helpers
 * are upgraded by replaying the ones they miss.
 */
import type Database from 'better-sqlite3';
import { JournalError } from './session-journal-error';

/** Version 1: sessions, their attempts, transitions and log; helper starts; claimed scheduled runs. */
const v1 = `
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  paths TEXT NOT NULL,            -- JSON array of strings
  repository TEXT NOT NULL,
  trigger TEXT NOT NULL,
  status TEXT NOT NULL,
  phase TEXT NOT NULL,
  attempt INTEGER NOT NULL,       -- 0 while queued, then the current attempt
  max_attempts INTEGER NOT NULL,
  created_at TEXT NOT NULL,       -- ISO 8601, UTC
  started_at TEXT,
  ended_at TEXT,
  next_attempt_at TEXT,
  failure TEXT,                   -- JSON SessionFailure
  snapshot_id TEXT,
  stats TEXT                      -- JSON SessionStats
) STRICT;
CREATE INDEX sessions_by_created ON sessions (created_at, id);
-- createSession's IMMEDIATE transaction is what keeps one session per source; this index makes a bug that
-- bypasses it fail loudly instead of running two sessions of one source. The non-terminal statuses are spelled
-- out here (not imported) because a shipped migration's SQL never changes.
CREATE UNIQUE INDEX sessions_one_active_per_source ON sessions (source)
  WHERE status IN ('in-process', 'restarted', 'interrupted');

CREATE TABLE attempts (
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  outcome TEXT,                   -- a SessionStatus once the attempt ended
  failure TEXT,                   -- JSON SessionFailure
  snapshot_ref TEXT,              -- the snapshot provider's handle (JSON), until deleted
  staging_dir TEXT,               -- until removed
  PRIMARY KEY (session_id, attempt)
) STRICT;

CREATE TABLE transitions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  phase TEXT NOT NULL,
  status TEXT NOT NULL,
  at TEXT NOT NULL,
  detail TEXT
) STRICT;
CREATE INDEX transitions_by_session ON transitions (session_id, seq);

CREATE TABLE log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  level TEXT NOT NULL,
  at TEXT NOT NULL,
  message TEXT NOT NULL
) STRICT;
CREATE INDEX log_by_session ON log (session_id, seq);

CREATE TABLE helper_starts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  boot_id TEXT NOT NULL,
  pid INTEGER NOT NULL,
  at TEXT NOT NULL
) STRICT;

-- No foreign key on session_id: the scheduler may claim a run before its session exists (or with none).
CREATE TABLE schedule_runs (
  source TEXT NOT NULL,
  due_at TEXT NOT NULL,
  session_id TEXT,
  UNIQUE (source, due_at)
) STRICT;
`;

/** Version 2: a Files session's exclude patterns (rows written before keep working as excluding nothing). */
const v2 = `
ALTER TABLE sessions ADD COLUMN excludes TEXT NOT NULL DEFAULT '[]';  -- JSON array of strings
`;

export const journalMigrations: readonly string[] = [v1, v2];

export const journalSchemaVersion = journalMigrations.length;

/**
 * Brings the file to the current schema. Each step runs in an IMMEDIATE transaction that re-reads the version, so
 * two processes opening a new journal at once apply each migration once.
 */
export function migrateJournal(db: Database.Database, file: string): void {
  const version = () => Number(db.pragma('user_version', { simple: true }));
  const found = version();
  if (found > journalSchemaVersion)
    throw new JournalError(
      'JOURNAL_TOO_NEW',
      `the session journal ${file} has schema version ${found}, newer than this helper's ${journalSchemaVersion}: ` +
        'it was written by a newer version of Backup Manager. Update the helper; the file was left as it is.',
    );
  if (found === journalSchemaVersion) return;
  db.transaction(() => {
    for (let current = version(); current < journalSchemaVersion; current++) {
      db.exec(journalMigrations[current] ?? '');
      db.pragma(`user_version = ${current + 1}`);
    }
  }).immediate();
}

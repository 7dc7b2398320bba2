/**
 * Opens the journal's SQLite file the way the journal needs it: owner-only (the helper runs as root and the
 * journal holds paths), WAL with synchronous=FULL (every commit is fsynced before the call returns, because the
 * runner acts on a transition only once it is journaled), foreign keys on, a busy timeout (the CLI and tests may
 * open the same file), a quick integrity check, and the schema migrated. A file it cannot read is reported as
 * JOURNAL_CORRUPT naming the file — never deleted or recreated.
 */
import { closeSync, constants, fchmodSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { corruptJournalMessage, isCorruptionCode, JournalError } from './session-journal-error';
import { migrateJournal } from './session-journal-schema';

/** How long a writer waits for another connection's write lock before SQLITE_BUSY. */
export const journalBusyTimeoutMs = 10_000;

const ownerOnly = 0o600;

export function openJournalDatabase(file: string): Database.Database {
  createOwnerOnly(file);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: journalBusyTimeoutMs });
  } catch (error) {
    throw translateOpenError(error, file);
  }
  try {
    // First, so that the WAL switch below waits for a concurrent opener instead of failing.
    db.pragma(`busy_timeout = ${journalBusyTimeoutMs}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal')
      throw new JournalError(
        'JOURNAL_UNAVAILABLE',
        `the session journal ${file} cannot use WAL mode (got ${mode})`,
      );
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    quickCheck(db, file);
    migrateJournal(db, file);
    // SQLite creates -wal and -shm with the database file's mode; tighten ones left by an older run anyway.
    for (const companion of [`${file}-wal`, `${file}-shm`]) tightenIfPresent(companion);
    return db;
  } catch (error) {
    db.close();
    throw translateOpenError(error, file);
  }
}

/** Creates the file with mode 0600 (the mode is given at creation, so it is never readable by others). */
function createOwnerOnly(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDWR | constants.O_CREAT, ownerOnly);
  } catch (error) {
    throw new JournalError(
      'JOURNAL_UNAVAILABLE',
      `the session journal ${file} cannot be opened: ${reasonOf(error)}`,
      {
        cause: error,
      },
    );
  }
  try {
    // An existing file keeps its mode on open: tighten it in case it was created wider by hand or by a restore.
    fchmodSync(fd, ownerOnly);
  } finally {
    closeSync(fd);
  }
}

function tightenIfPresent(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY);
  } catch (error) {
    // Absent companions are normal (SQLite creates them on demand); anything else is a real problem.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    fchmodSync(fd, ownerOnly);
  } finally {
    closeSync(fd);
  }
}

/** Reads every page's structure (not the whole content), so damage is found at start, not mid-session. */
function quickCheck(db: Database.Database, file: string): void {
  const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
  const problems = rows.map((row) => row.quick_check).filter((line) => line !== 'ok');
  if (problems.length > 0)
    throw new JournalError('JOURNAL_CORRUPT', corruptJournalMessage(file, problems.join('; ')));
}

function translateOpenError(error: unknown, file: string): JournalError {
  if (error instanceof JournalError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (isCorruptionCode(code))
    return new JournalError('JOURNAL_CORRUPT', corruptJournalMessage(file, reasonOf(error)), {
      cause: error,
    });
  return new JournalError(
    'JOURNAL_UNAVAILABLE',
    `the session journal ${file} cannot be opened: ${reasonOf(error)}`,
    {
      cause: error,
    },
  );
}

export function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

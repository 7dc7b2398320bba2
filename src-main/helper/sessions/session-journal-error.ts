/**
 * Errors of the session journal. Each carries a code the helper branches on: JOURNAL_CORRUPT and
 * JOURNAL_UNAVAILABLE stop the helper with a message naming the file (it never recreates a journal it cannot read:
 * that would lose every session's history); SESSION_NOT_FOUND becomes the protocol's SessionNotFound;
 * INVALID_TRANSITION is a runner bug (a state change the state machine does not allow).
 */
export const journalErrorCodes = [
  /** The file is not an SQLite database, or SQLite found damaged pages in it. */
  'JOURNAL_CORRUPT',
  /** The file cannot be opened or written (missing folder, permissions, I/O error, locked too long). */
  'JOURNAL_UNAVAILABLE',
  /** The file was written by a newer helper (schema version above the ones this code knows). */
  'JOURNAL_TOO_NEW',
  /** The journal was closed. */
  'JOURNAL_CLOSED',
  'SESSION_NOT_FOUND',
  /** createSession with an id that is already taken. */
  'SESSION_EXISTS',
  /** A state change the session's current state does not allow (e.g. finishing a finished session). */
  'INVALID_TRANSITION',
  'INVALID_ARGUMENT',
] as const;

export type JournalErrorCode = (typeof journalErrorCodes)[number];

export class JournalError extends Error {
  constructor(
    readonly code: JournalErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JournalError';
  }
}

/** SQLite's result codes (better-sqlite3's SqliteError.code) that mean the file's content is damaged. */
export function isCorruptionCode(code: unknown): boolean {
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/** The advice every JOURNAL_CORRUPT message ends with. */
export function corruptJournalMessage(file: string, reason: string): string {
  return (
    `the session journal ${file} is damaged (${reason}). It was left as it is so that nothing is lost: ` +
    'move it aside (or restore it from a backup of the helper state folder) and start the helper again.'
  );
}

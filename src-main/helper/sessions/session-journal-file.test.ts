import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteSessionJournal } from './session-journal';
import { JournalError } from './session-journal-error';
import { journalMigrations, journalSchemaVersion } from './session-journal-schema';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'session-journal-file-'));
  file = join(dir, 'sessions.db');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openError(path = file): JournalError {
  try {
    SqliteSessionJournal.open(path).close();
  } catch (error) {
    if (error instanceof JournalError) return error;
    throw error;
  }
  throw new Error('the journal opened');
}

function fillWithSessions(): void {
  const journal = SqliteSessionJournal.open(file);
  for (let i = 0; i < 40; i++) {
    const id = `20250301-1000${String(i).padStart(2, '0')}-${i.toString(16).padStart(6, '0')}`;
    journal.createSession({
      id,
      source: 'files',
      paths: ['/home/user/documents'],
      repository: '/mnt/backup/repo',
      trigger: 'schedule',
      maxAttempts: 3,
      createdAt: new Date(Date.UTC(2025, 2, 1, 10, 0, i)),
    });
    journal.appendLog(id, 'info', 'x'.repeat(2000));
    journal.finishSession(id, {
      status: 'aborted',
      failure: null,
      snapshotId: null,
      stats: null,
      at: new Date(),
    });
  }
  journal.close();
}

describe('SqliteSessionJournal file', () => {
  it('creates the file, and its WAL, owner-only (0600)', () => {
    const journal = SqliteSessionJournal.open(file);
    journal.recordHelperStart('boot', process.pid, new Date());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    journal.close();
    // WAL mode is stored in the file itself: a raw connection sees it.
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('tightens an existing journal that was readable by others', () => {
    SqliteSessionJournal.open(file).close();
    chmodSync(file, 0o644);
    SqliteSessionJournal.open(file).close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reports a file that is not a database as JOURNAL_CORRUPT naming it, and leaves it untouched', () => {
    const garbage = Buffer.from('this is not an SQLite database\n'.repeat(300));
    writeFileSync(file, garbage);
    const error = openError();
    expect(error.code).toBe('JOURNAL_CORRUPT');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/nothing is lost/);
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it('reports damaged pages inside a valid database as JOURNAL_CORRUPT', () => {
    fillWithSessions();
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(8 * 4096);
    // Keep page 1 (header and schema) intact, scribble over the pages after it.
    bytes.fill(0xa5, 4096, 6 * 4096);
    writeFileSync(file, bytes);
    const error = openError();
    expect(error.code).toBe('JOURNAL_CORRUPT');
    expect(error.message).toContain(file);
  });

  it('refuses a journal written by a newer helper', () => {
    SqliteSessionJournal.open(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${journalSchemaVersion + 1}`);
    raw.close();
    const error = openError();
    expect(error.code).toBe('JOURNAL_TOO_NEW');
    expect(error.message).toContain(file);
  });

  it('upgrades a version 1 journal: its sessions read back with no excludes, new ones keep theirs', () => {
    // A journal exactly as the helper before excludes wrote it.
    const raw = new Database(file);
    raw.exec(journalMigrations[0] ?? '');
    raw.pragma('user_version = 1');
    raw
      .prepare(
        `INSERT INTO sessions (id, source, paths, repository, trigger, status, phase, attempt, max_attempts,
           created_at) VALUES ('20250301-100000-000001', 'files', '["/home"]', '/repo', 'manual', 'completed',
           'done', 1, 3, '2025-03-01T10:00:00.000Z')`,
      )
      .run();
    raw.close();

    const journal = SqliteSessionJournal.open(file);
    try {
      expect(journal.getSummary('20250301-100000-000001')).toMatchObject({ paths: ['/home'], excludes: [] });
      const { session } = journal.createSession({
        id: '20250301-100001-000002',
        source: 'files',
        paths: ['/srv'],
        excludes: ['*.tmp'],
        repository: '/repo',
        trigger: 'manual',
        maxAttempts: 3,
        createdAt: new Date(Date.UTC(2025, 2, 1, 10, 0, 1)),
      });
      expect(session.excludes).toEqual(['*.tmp']);
    } finally {
      journal.close();
    }
    const reopened = new Database(file, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(journalSchemaVersion);
    reopened.close();
  });

  it('reports a row it cannot understand as JOURNAL_CORRUPT instead of passing it on', () => {
    fillWithSessions();
    const raw = new Database(file);
    raw.prepare("UPDATE sessions SET status = 'exploded' WHERE id = '20250301-100003-000003'").run();
    raw.close();
    const journal = SqliteSessionJournal.open(file);
    try {
      expect(() => journal.getSummary('20250301-100003-000003')).toThrow(
        expect.objectContaining({ code: 'JOURNAL_CORRUPT', message: expect.stringContaining('exploded') }),
      );
      expect(journal.getSummary('20250301-100004-000004')?.status).toBe('aborted');
    } finally {
      journal.close();
    }
  });

  it('reports a folder that does not exist as JOURNAL_UNAVAILABLE', () => {
    const error = openError(join(dir, 'missing', 'sessions.db'));
    expect(error.code).toBe('JOURNAL_UNAVAILABLE');
    expect(error.message).toContain(join(dir, 'missing', 'sessions.db'));
  });

  it('refuses calls once closed', () => {
    const journal = SqliteSessionJournal.open(file);
    journal.close();
    journal.close();
    expect(() => journal.listSessions()).toThrow(expect.objectContaining({ code: 'JOURNAL_CLOSED' }));
  });
});

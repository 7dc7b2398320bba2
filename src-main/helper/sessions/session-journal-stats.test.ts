/**
 * The numbers a session's summary carries for the history: the backup phase's stats, journaled when the phase
 * ends and kept whatever the session becomes, and the errors (interruptions and the failure it ended with),
 * counted from the attempts so that journals written by older helpers report them too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionFailure, SessionStats } from '../../helper-protocol/session-model';
import { SqliteSessionJournal } from './session-journal';
import type { JournalError } from './session-journal-error';
import { journalMigrations } from './session-journal-schema';

let dir: string;
let file: string;
let journal: SqliteSessionJournal;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'session-journal-stats-'));
  file = join(dir, 'sessions.db');
  journal = SqliteSessionJournal.open(file);
});

afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

const t0 = Date.parse('2025-03-01T10:00:00.000Z');
const at = (s: number) => new Date(t0 + s * 1000);
const id = '20250301-100000-aaaaaa';

const stats: SessionStats = {
  filesNew: 12,
  filesChanged: 3,
  filesUnmodified: 40,
  bytesProcessed: 5_000_000,
  bytesAdded: 1_234_567,
  warnings: 2,
};
const restarted: SessionFailure = { code: 'MACHINE_RESTARTED', message: 'rebooted', check: null };
const verifyFailed: SessionFailure = { code: 'VERIFY_FAILED', message: 'a tree is missing', check: null };
const cancelled: SessionFailure = { code: 'CANCELLED', message: 'cancelled', check: null };

function started(): void {
  journal.createSession({
    id,
    source: 'system-state',
    paths: [],
    repository: '/repo',
    trigger: 'manual',
    maxAttempts: 3,
    createdAt: at(0),
  });
  journal.beginAttempt(id, 1, at(1));
  journal.recordTransition(id, 'backup', { at: at(2) });
}

function errorOf(action: () => unknown): JournalError {
  try {
    action();
  } catch (error) {
    return error as JournalError;
  }
  throw new Error('expected a journal error');
}

describe('the backup phase result in the summary', () => {
  it('is journaled when the backup phase ends, without a transition, and listed at once', () => {
    started();
    const transitions = journal.getSession(id)?.transitions.length;
    const summary = journal.recordStats(id, stats);
    expect(summary).toMatchObject({ status: 'in-process', phase: 'backup', stats });
    expect(journal.listSessions()[0]?.stats).toEqual(stats);
    expect(journal.getSession(id)?.transitions).toHaveLength(transitions ?? -1);
  });

  it('stays when the session fails after it (finishSession with stats null keeps it)', () => {
    started();
    journal.recordStats(id, stats);
    journal.recordTransition(id, 'verify', { at: at(3) });
    const failed = journal.finishSession(id, {
      status: 'failed',
      failure: verifyFailed,
      snapshotId: 'ab'.repeat(32),
      stats: null,
      at: at(4),
    });
    expect(failed.stats).toEqual(stats);
    // Also after reopening: it is in the file, not in memory.
    journal.close();
    journal = SqliteSessionJournal.open(file);
    expect(journal.getSummary(id)?.stats).toEqual(stats);
  });

  it('is replaced by the final numbers of a completed session and by a later attempt’s backup', () => {
    started();
    journal.recordStats(id, stats);
    journal.interruptAttempt(id, restarted, at(100), at(3));
    // Waiting for the restart: the numbers of the backup that ended stay.
    expect(journal.getSummary(id)?.stats).toEqual(stats);
    journal.beginAttempt(id, 2, at(100));
    journal.recordTransition(id, 'backup', { at: at(101) });
    const second = { ...stats, filesNew: 0, filesChanged: 1, bytesAdded: 100, warnings: 0 };
    expect(journal.recordStats(id, second).stats).toEqual(second);
    const done = journal.finishSession(id, {
      status: 'completed-with-errors',
      failure: null,
      snapshotId: 'cd'.repeat(32),
      stats: { ...second, warnings: 1 },
      at: at(102),
    });
    expect(done.stats).toEqual({ ...second, warnings: 1 });
  });

  it('is refused for a session that ended or has no attempt running, and for a malformed result', () => {
    started();
    journal.interruptAttempt(id, restarted, at(100), at(3));
    expect(errorOf(() => journal.recordStats(id, stats)).code).toBe('INVALID_TRANSITION');
    journal.finishSession(id, {
      status: 'aborted',
      failure: cancelled,
      snapshotId: null,
      stats: null,
      at: at(4),
    });
    expect(errorOf(() => journal.recordStats(id, stats)).code).toBe('INVALID_TRANSITION');
    expect(errorOf(() => journal.recordStats('20250301-100000-ffffff', stats)).code).toBe(
      'SESSION_NOT_FOUND',
    );
    expect(() =>
      journal.recordStats(id, { ...stats, bytesAdded: 'many' } as unknown as SessionStats),
    ).toThrow();
  });
});

describe('errors and interruptions in the summary', () => {
  it('counts each interruption, and the failure the session ended with', () => {
    started();
    expect(journal.getSummary(id)).toMatchObject({ interruptions: 0, errors: 0 });
    // While it waits, the interruption is the error (its failure is not counted twice).
    expect(journal.interruptAttempt(id, restarted, at(100), at(3))).toMatchObject({
      status: 'interrupted',
      interruptions: 1,
      errors: 1,
    });
    journal.beginAttempt(id, 2, at(100));
    journal.interruptAttempt(id, restarted, at(200), at(101));
    journal.beginAttempt(id, 3, at(200));
    const failed = journal.finishSession(id, {
      status: 'failed',
      failure: verifyFailed,
      snapshotId: null,
      stats: null,
      at: at(201),
    });
    expect(failed).toMatchObject({ attempt: 3, interruptions: 2, errors: 3 });
    expect(journal.listSessions()[0]).toMatchObject({ interruptions: 2, errors: 3 });
    expect(journal.getSession(id)).toMatchObject({ interruptions: 2, errors: 3 });
  });

  it('counts no error for a cancel, nor for a session that completed', () => {
    started();
    journal.interruptAttempt(id, restarted, at(100), at(3));
    // Cancelled while waiting for the restart: the interruption stays an error, the cancel is none.
    const aborted = journal.finishSession(id, {
      status: 'aborted',
      failure: cancelled,
      snapshotId: null,
      stats: null,
      at: at(4),
    });
    expect(aborted).toMatchObject({ interruptions: 1, errors: 1 });

    const other = '20250301-100500-bbbbbb';
    journal.createSession({
      id: other,
      source: 'files',
      paths: ['/home'],
      repository: '/repo',
      trigger: 'manual',
      maxAttempts: 3,
      createdAt: at(300),
    });
    journal.beginAttempt(other, 1, at(301));
    const completed = journal.finishSession(other, {
      status: 'completed-with-errors',
      failure: null,
      snapshotId: 'ef'.repeat(32),
      stats,
      at: at(302),
    });
    // Its unreadable entries are warnings (in the stats), not errors.
    expect(completed).toMatchObject({ interruptions: 0, errors: 0, stats: { warnings: 2 } });
  });

  it('reports both for sessions an older helper journaled (no stats recorded, attempts as they were)', () => {
    journal.close();
    rmSync(file);
    // A journal as the helper of schema version 2 left it: a session interrupted once, then failed.
    const raw = new Database(file);
    raw.exec(journalMigrations[0] ?? '');
    raw.exec(journalMigrations[1] ?? '');
    raw.pragma('user_version = 2');
    raw
      .prepare(
        `INSERT INTO sessions (id, source, paths, repository, trigger, status, phase, attempt, max_attempts,
           created_at, started_at, ended_at, failure) VALUES (?, 'system-state', '[]', '/repo', 'schedule',
           'failed', 'done', 2, 3, ?, ?, ?, ?)`,
      )
      .run(id, at(0).toISOString(), at(1).toISOString(), at(9).toISOString(), JSON.stringify(verifyFailed));
    const attempt = raw.prepare(
      `INSERT INTO attempts (session_id, attempt, started_at, ended_at, outcome, failure)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    attempt.run(id, 1, at(1).toISOString(), at(2).toISOString(), 'interrupted', JSON.stringify(restarted));
    attempt.run(id, 2, at(5).toISOString(), at(9).toISOString(), 'failed', JSON.stringify(verifyFailed));
    raw.close();

    journal = SqliteSessionJournal.open(file);
    expect(journal.listSessions()).toEqual([
      expect.objectContaining({ id, stats: null, interruptions: 1, errors: 2 }),
    ]);
  });
});

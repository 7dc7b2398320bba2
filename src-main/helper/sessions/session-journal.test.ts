import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionFailure, SessionSource } from '../../helper-protocol/session-model';
import { SqliteSessionJournal } from './session-journal';
import type { NewSession } from './session-journal-types';

let dir: string;
let file: string;
const opened: SqliteSessionJournal[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'session-journal-'));
  file = join(dir, 'sessions.db');
});

afterEach(() => {
  for (const journal of opened.splice(0)) journal.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(): SqliteSessionJournal {
  const journal = SqliteSessionJournal.open(file);
  opened.push(journal);
  return journal;
}

const t0 = Date.parse('2025-03-01T10:00:00.000Z');
/** A time `s` seconds after t0. */
const at = (s: number) => new Date(t0 + s * 1000);

function newSession(overrides: Partial<NewSession> = {}): NewSession {
  return {
    id: '20250301-100000-aaaaaa',
    source: 'system-state',
    paths: [],
    repository: '/mnt/backup/repo',
    trigger: 'manual',
    maxAttempts: 3,
    createdAt: at(0),
    ...overrides,
  };
}

const vssFailure: SessionFailure = {
  code: 'VSS_WRITER_UNSTABLE',
  message: 'System Writer is not stable. Run the VSS writers check.',
  check: 'vss-writers',
};

describe('SqliteSessionJournal lifecycle', () => {
  it('journals a session from queued to completed, with every transition in order', () => {
    const journal = open();
    const { session, created } = journal.createSession(newSession());
    expect(created).toBe(true);
    expect(session).toMatchObject({ status: 'in-process', phase: 'queued', attempt: 0, startedAt: null });

    expect(journal.beginAttempt(session.id, 1, at(1))).toMatchObject({ status: 'in-process', attempt: 1 });
    for (const [i, phase] of (
      ['preflight', 'snapshot', 'collect', 'backup', 'verify', 'cleanup'] as const
    ).entries())
      expect(journal.recordTransition(session.id, phase, { at: at(2 + i) }).phase).toBe(phase);
    journal.setPaths(session.id, ['/etc', '/boot']);
    const stats = {
      filesNew: 3,
      filesChanged: 1,
      filesUnmodified: 10,
      bytesProcessed: 1000,
      bytesAdded: 300,
      warnings: 0,
    };
    const finished = journal.finishSession(session.id, {
      status: 'completed',
      failure: null,
      snapshotId: 'ab'.repeat(32),
      stats,
      at: at(10),
    });
    expect(finished).toMatchObject({
      status: 'completed',
      phase: 'done',
      paths: ['/etc', '/boot'],
      startedAt: at(1).toISOString(),
      endedAt: at(10).toISOString(),
      snapshotId: 'ab'.repeat(32),
      stats,
    });

    const detail = journal.getSession(session.id);
    expect(detail?.attempts).toEqual([
      {
        attempt: 1,
        startedAt: at(1).toISOString(),
        endedAt: at(10).toISOString(),
        outcome: 'completed',
        failure: null,
        snapshotRef: null,
      },
    ]);
    expect(detail?.transitions.map((t) => [t.attempt, t.phase, t.status])).toEqual([
      [0, 'queued', 'in-process'],
      [1, 'queued', 'in-process'],
      [1, 'preflight', 'in-process'],
      [1, 'snapshot', 'in-process'],
      [1, 'collect', 'in-process'],
      [1, 'backup', 'in-process'],
      [1, 'verify', 'in-process'],
      [1, 'cleanup', 'in-process'],
      [1, 'done', 'completed'],
    ]);
    const seqs = detail?.transitions.map((t) => t.seq) ?? [];
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(journal.activeSessionOf('system-state')).toBeNull();
  });

  it('shows an interrupted session as Interrupted, then Restarted, then Failed when attempts run out', () => {
    const journal = open();
    const { session } = journal.createSession(newSession());
    journal.beginAttempt(session.id, 1, at(1));
    journal.recordTransition(session.id, 'snapshot', { at: at(2) });
    journal.setSnapshotRef(session.id, '{"id":"snap-1"}');
    const interrupted = journal.interruptAttempt(session.id, vssFailure, at(602), at(2));
    expect(interrupted).toMatchObject({
      status: 'interrupted',
      phase: 'snapshot',
      nextAttemptAt: at(602).toISOString(),
      failure: vssFailure,
    });
    const restarted = journal.beginAttempt(session.id, 2, at(602));
    expect(restarted).toMatchObject({ status: 'restarted', attempt: 2, nextAttemptAt: null, failure: null });
    expect(journal.recordTransition(session.id, 'preflight', { at: at(603) }).status).toBe('restarted');
    const failed = journal.finishSession(session.id, {
      status: 'failed',
      failure: vssFailure,
      snapshotId: null,
      stats: null,
      at: at(604),
    });
    expect(failed).toMatchObject({ status: 'failed', phase: 'done', failure: vssFailure });

    const detail = journal.getSession(session.id);
    expect(detail?.attempts.map((a) => [a.attempt, a.outcome, a.failure?.code, a.snapshotRef])).toEqual([
      [1, 'interrupted', 'VSS_WRITER_UNSTABLE', '{"id":"snap-1"}'],
      [2, 'failed', 'VSS_WRITER_UNSTABLE', null],
    ]);
    expect(detail?.transitions.map((t) => t.status)).toEqual([
      'in-process',
      'in-process',
      'in-process',
      'interrupted',
      'restarted',
      'restarted',
      'failed',
    ]);
    expect(detail?.transitions[3]?.detail).toBe(`VSS_WRITER_UNSTABLE: ${vssFailure.message}`);
  });

  it('refuses state changes the state machine does not allow', () => {
    const journal = open();
    const { session } = journal.createSession(newSession());
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'no error';
    };
    expect(code(() => journal.recordTransition(session.id, 'preflight'))).toBe('INVALID_TRANSITION');
    expect(code(() => journal.beginAttempt(session.id, 2, at(1)))).toBe('INVALID_TRANSITION');
    journal.beginAttempt(session.id, 1, at(1));
    expect(code(() => journal.beginAttempt(session.id, 2, at(1)))).toBe('INVALID_TRANSITION');
    expect(code(() => journal.recordTransition(session.id, 'done'))).toBe('INVALID_TRANSITION');
    expect(code(() => journal.recordTransition(session.id, 'backup', { status: 'failed' }))).toBe(
      'INVALID_TRANSITION',
    );
    const finish = { status: 'aborted', failure: null, snapshotId: null, stats: null, at: at(2) } as const;
    expect(code(() => journal.finishSession(session.id, { ...finish, status: 'interrupted' }))).toBe(
      'INVALID_TRANSITION',
    );
    journal.finishSession(session.id, finish);
    expect(code(() => journal.finishSession(session.id, finish))).toBe('INVALID_TRANSITION');
    expect(code(() => journal.beginAttempt('20250301-100000-ffffff', 1, at(1)))).toBe('SESSION_NOT_FOUND');
    expect(code(() => journal.createSession(newSession({ source: 'files' })))).toBe('SESSION_EXISTS');
    expect(code(() => journal.createSession(newSession({ id: 'nope' })))).toBe('INVALID_ARGUMENT');
  });

  it('ends a queued session without an attempt (not started, cancelled)', () => {
    const journal = open();
    const { session } = journal.createSession(newSession());
    const ended = journal.finishSession(session.id, {
      status: 'no-selection',
      failure: null,
      snapshotId: null,
      stats: null,
      at: at(1),
    });
    expect(ended).toMatchObject({ status: 'no-selection', phase: 'done', attempt: 0 });
    expect(journal.getSession(session.id)?.attempts).toEqual([]);
  });
});

describe('SqliteSessionJournal: one session per source', () => {
  it('returns the running session to a second start of the same source, and a new one for another source', () => {
    const journal = open();
    const first = journal.createSession(newSession());
    const second = journal.createSession(newSession({ id: '20250301-100001-bbbbbb', createdAt: at(1) }));
    expect(second).toEqual({ session: first.session, created: false });
    const files = journal.createSession(newSession({ id: '20250301-100002-cccccc', source: 'files' }));
    expect(files.created).toBe(true);
    expect(journal.activeSessionOf('system-state')?.id).toBe(first.session.id);
  });

  it('makes one session when two journals on one file race', () => {
    const a = open();
    const b = open();
    const results = [0, 1, 2, 3, 4, 5].map((i) =>
      (i % 2 === 0 ? a : b).createSession(newSession({ id: `20250301-100000-00000${i}` })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.session.id))).toEqual(new Set(['20250301-100000-000000']));
    expect(b.listSessions()).toHaveLength(1);
    // Once it ended, the other journal may start the next one.
    a.finishSession('20250301-100000-000000', {
      status: 'aborted',
      failure: null,
      snapshotId: null,
      stats: null,
      at: at(1),
    });
    expect(b.createSession(newSession({ id: '20250301-100005-000001' })).created).toBe(true);
  });
});

describe('SqliteSessionJournal persistence', () => {
  it('keeps everything across close and reopen', () => {
    const journal = open();
    const { session } = journal.createSession(newSession());
    journal.beginAttempt(session.id, 1, at(1));
    journal.recordTransition(session.id, 'backup', { at: at(2), detail: '42 files' });
    journal.appendLog(session.id, 'info', 'backing up', at(2));
    const before = journal.getSession(session.id);
    journal.close();

    const reopened = open();
    expect(reopened.getSession(session.id)).toEqual(before);
    expect(reopened.getLog(session.id).map((e) => e.message)).toEqual(['backing up']);
    expect(reopened.activeSessionOf('system-state')?.id).toBe(session.id);
  });

  it('lists unfinished sessions with the snapshots and staging folders their attempts left', () => {
    const journal = open();
    const ss = journal.createSession(newSession()).session;
    journal.beginAttempt(ss.id, 1, at(1));
    journal.setSnapshotRef(ss.id, '{"id":"s1"}');
    journal.setStagingDir(ss.id, '/var/tmp/stage-1');
    journal.interruptAttempt(ss.id, vssFailure, at(100), at(2));
    journal.beginAttempt(ss.id, 2, at(100));
    journal.setSnapshotRef(ss.id, '{"id":"s2"}');
    const files = journal.createSession(
      newSession({ id: '20250301-100500-bbbbbb', source: 'files', createdAt: at(300) }),
    );
    const done = journal.createSession(
      newSession({ id: '20250301-090000-cccccc', source: 'files', createdAt: at(-3600) }),
    );
    expect(done.created).toBe(false);
    journal.close();

    const unfinished = open().unfinishedSessions();
    expect(unfinished.map((u) => [u.session.id, u.session.status])).toEqual([
      [ss.id, 'restarted'],
      [files.session.id, 'in-process'],
    ]);
    expect(unfinished[0]).toMatchObject({
      snapshotRefs: ['{"id":"s1"}', '{"id":"s2"}'],
      stagingDirs: ['/var/tmp/stage-1'],
    });
    expect(unfinished[1]).toMatchObject({ snapshotRefs: [], stagingDirs: [] });
  });

  it('lists leftovers of finished sessions too, and clears an earlier attempt by number', () => {
    const journal = open();
    const { session } = journal.createSession(newSession());
    journal.beginAttempt(session.id, 1, at(1));
    journal.setSnapshotRef(session.id, '{"id":"s1"}');
    journal.interruptAttempt(session.id, vssFailure, at(5), at(2));
    journal.beginAttempt(session.id, 2, at(5));
    journal.setStagingDir(session.id, '/var/tmp/stage-2');
    journal.finishSession(session.id, {
      status: 'failed',
      failure: vssFailure,
      snapshotId: null,
      stats: null,
      at: at(6),
    });
    expect(journal.unfinishedSessions()).toEqual([]);
    expect(journal.leftoverResources()).toEqual([
      { sessionId: session.id, attempt: 1, snapshotRef: '{"id":"s1"}', stagingDir: null },
      { sessionId: session.id, attempt: 2, snapshotRef: null, stagingDir: '/var/tmp/stage-2' },
    ]);
    journal.setSnapshotRef(session.id, null, 1);
    journal.setStagingDir(session.id, null);
    expect(journal.leftoverResources()).toEqual([]);
  });

  it('claims a scheduled run once, also after reopening', () => {
    const journal = open();
    const due = new Date('2025-03-01T02:00:00.000Z');
    expect(journal.lastScheduledRun('files')).toBeNull();
    expect(journal.claimScheduledRun('files', due, '20250301-020000-aaaaaa')).toBe(true);
    expect(journal.claimScheduledRun('files', due, '20250301-020001-bbbbbb')).toBe(false);
    expect(journal.claimScheduledRun('system-state', due, null)).toBe(true);
    journal.close();

    const reopened = open();
    expect(reopened.claimScheduledRun('files', due, null)).toBe(false);
    const later = new Date('2025-03-02T02:00:00.000Z');
    expect(reopened.claimScheduledRun('files', later, null)).toBe(true);
    expect(reopened.lastScheduledRun('files')).toEqual({ dueAt: later, sessionId: null });
  });

  it('remembers the previous boot id of each helper start', () => {
    const journal = open();
    expect(journal.recordHelperStart('boot-a', 100, at(0))).toEqual({ previousBootId: null });
    expect(journal.recordHelperStart('boot-a', 101, at(1))).toEqual({ previousBootId: 'boot-a' });
    journal.close();
    expect(open().recordHelperStart('boot-b', 5, at(2))).toEqual({ previousBootId: 'boot-a' });
  });
});

describe('SqliteSessionJournal log and lists', () => {
  it('filters the log by sequence, level and count, and records the attempt', () => {
    const journal = open();
    const { session } = journal.createSession(newSession());
    journal.appendLog(session.id, 'info', 'queued', at(0));
    journal.beginAttempt(session.id, 1, at(1));
    const levels = ['debug', 'info', 'warning', 'error', 'info'] as const;
    const entries = levels.map((level, i) => journal.appendLog(session.id, level, `message ${i}`, at(2 + i)));
    expect(entries[0]).toMatchObject({
      attempt: 1,
      level: 'debug',
      at: at(2).toISOString(),
      message: 'message 0',
    });

    expect(journal.getLog(session.id).map((e) => e.message)).toEqual([
      'queued',
      ...levels.map((_, i) => `message ${i}`),
    ]);
    expect(journal.getLog(session.id)[0]?.attempt).toBe(0);
    expect(journal.getLog(session.id, { minLevel: 'warning' }).map((e) => e.level)).toEqual([
      'warning',
      'error',
    ]);
    expect(journal.getLog(session.id, { afterSeq: entries[2]?.seq }).map((e) => e.message)).toEqual([
      'message 3',
      'message 4',
    ]);
    expect(journal.getLog(session.id, { minLevel: 'info', limit: 2 }).map((e) => e.message)).toEqual([
      'queued',
      'message 1',
    ]);
    expect(journal.getLog('20250301-100000-ffffff')).toEqual([]);
  });

  it('truncates a message over 8 KiB with a note, without splitting a character', () => {
    const journal = open();
    const { session } = journal.createSession(newSession());
    const long = `${'x'.repeat(8191)}é${'y'.repeat(5000)}`;
    const entry = journal.appendLog(session.id, 'error', long, at(1));
    expect(entry.message.startsWith('x'.repeat(8191))).toBe(true);
    expect(entry.message).not.toContain('é');
    expect(entry.message).not.toContain('\uFFFD');
    expect(entry.message).toMatch(/\[truncated: 13193 bytes in all, 8191 kept\]$/);
    expect(journal.getLog(session.id)[0]?.message).toBe(entry.message);
    const short = 'é'.repeat(4096);
    expect(journal.appendLog(session.id, 'info', short, at(2)).message).toBe(short);
  });

  it('lists sessions newest first, filtered by source and status', () => {
    const journal = open();
    const make = (n: number, source: SessionSource) => {
      const id = `20250301-10000${n}-00000${n}`;
      journal.createSession(newSession({ id, source, createdAt: at(n) }));
      journal.finishSession(id, {
        status: n % 2 ? 'aborted' : 'not-started',
        failure: null,
        snapshotId: null,
        stats: null,
        at: at(n),
      });
      return id;
    };
    const ids = [make(1, 'files'), make(2, 'system-state'), make(3, 'files'), make(4, 'files')];
    expect(journal.listSessions().map((s) => s.id)).toEqual([...ids].reverse());
    expect(journal.listSessions({ source: 'files' }).map((s) => s.id)).toEqual([ids[3], ids[2], ids[0]]);
    expect(journal.listSessions({ status: 'aborted' }).map((s) => s.id)).toEqual([ids[2], ids[0]]);
    expect(journal.listSessions({ limit: 2 }).map((s) => s.id)).toEqual([ids[3], ids[2]]);
  });
});

import { describe, expect, it } from 'vitest';
import type { SessionSummary } from '../ipc/contract';
import { EventBus } from '../ipc/event-bus';
import { noticeFor, type SessionEndNotice, watchSessionEnds } from './session-end-notices';

function session(change: Partial<SessionSummary>): SessionSummary {
  return {
    id: '20261126-020000-abcdef',
    source: 'system-state',
    trigger: 'schedule',
    status: 'in-process',
    phase: 'backup',
    attempt: 1,
    maxAttempts: 3,
    createdAt: '2026-11-26T02:00:00.000Z',
    startedAt: '2026-11-26T02:00:01.000Z',
    endedAt: null,
    failure: null,
    stats: null,
    interruptions: 0,
    errors: 0,
    ...change,
  };
}

describe('session end notices', () => {
  it('words the end of a session, with the failure code when it failed', () => {
    expect(noticeFor(session({ status: 'completed', phase: 'done' }))).toMatchObject({
      title: 'System state backup completed',
      urgent: false,
    });
    expect(
      noticeFor(
        session({
          status: 'failed',
          phase: 'done',
          failure: {
            code: 'INSUFFICIENT_SPACE',
            message: 'the snapshot location is full',
            check: 'free-space',
          },
        }),
      ),
    ).toEqual({
      sessionId: '20261126-020000-abcdef',
      title: 'System state backup failed',
      body: 'INSUFFICIENT_SPACE: the snapshot location is full',
      urgent: true,
    });
    expect(noticeFor(session({ status: 'interrupted' }))).toBeNull();
    expect(noticeFor(session({ status: 'restarted' }))).toBeNull();
  });

  it('shows one notice per session end, whatever else changes', () => {
    const events = new EventBus();
    const shown: SessionEndNotice[] = [];
    const stop = watchSessionEnds(events, (notice) => shown.push(notice));
    events.emit('session.changed', { session: session({ status: 'in-process', phase: 'verify' }) });
    events.emit('session.changed', { session: session({ status: 'completed', phase: 'done' }) });
    events.emit('session.changed', { session: session({ status: 'completed', phase: 'done' }) });
    events.emit('session.changed', {
      session: session({ id: '20261126-030000-abcdef', source: 'files', status: 'aborted', phase: 'done' }),
    });
    stop();
    events.emit('session.changed', {
      session: session({ id: '20261126-040000-abcdef', status: 'completed', phase: 'done' }),
    });
    expect(shown.map((n) => n.title)).toEqual([
      'System state backup completed',
      'Files and folders backup was cancelled',
    ]);
  });
});

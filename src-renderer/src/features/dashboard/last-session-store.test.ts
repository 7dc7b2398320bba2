import type { BackupManagerApi, EventChannel, EventPayload, SessionSummary } from '@contract';
import { describe, expect, it } from 'vitest';
import { createLastSessionStore } from './last-session-store';

function session(id: string, createdAt: string, status: SessionSummary['status']): SessionSummary {
  return {
    id,
    source: 'system-state',
    trigger: 'manual',
    status,
    phase: status === 'in-process' ? 'backup' : 'done',
    attempt: 1,
    maxAttempts: 3,
    createdAt,
    startedAt: createdAt,
    endedAt: null,
    failure: null,
    stats: null,
    interruptions: 0,
    errors: 0,
  };
}

function fakeApi(sessions: SessionSummary[]) {
  const listeners = new Set<(payload: EventPayload<'session.changed'>) => void>();
  const api = {
    invoke: async (channel: string) =>
      channel === 'sessions.list'
        ? { ok: true as const, value: { sessions } }
        : { ok: false as const, code: 'INTERNAL' as const, message: `unexpected ${channel}` },
    subscribe: <E extends EventChannel>(_event: E, listener: (payload: EventPayload<E>) => void) => {
      const l = listener as unknown as (payload: EventPayload<'session.changed'>) => void;
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as BackupManagerApi;
  const push = (s: SessionSummary) => {
    for (const listener of listeners) listener({ session: s });
  };
  return { api, push, listeners };
}

describe('the last session on the dashboard', () => {
  it('shows the newest session and follows its changes and newer sessions', async () => {
    const { api, push, listeners } = fakeApi([
      session('20261126-010000-aaaaaa', '2026-11-26T01:00:00.000Z', 'completed'),
    ]);
    const store = createLastSessionStore(api);
    const stop = store.getState().follow();
    await store.getState().load();
    expect(store.getState().session?.id).toBe('20261126-010000-aaaaaa');

    push(session('20261126-000000-bbbbbb', '2026-11-26T00:00:00.000Z', 'failed'));
    expect(store.getState().session?.id).toBe('20261126-010000-aaaaaa'); // an older session does not replace it
    push(session('20261126-020000-cccccc', '2026-11-26T02:00:00.000Z', 'in-process'));
    expect(store.getState().session).toMatchObject({ id: '20261126-020000-cccccc', status: 'in-process' });
    stop();
    expect(listeners.size).toBe(0);
  });

  it('says when the helper cannot list sessions', async () => {
    const api = {
      invoke: async () => ({ ok: false as const, code: 'HELPER_UNAVAILABLE', message: 'no helper' }),
      subscribe: () => () => undefined,
    } as unknown as BackupManagerApi;
    const store = createLastSessionStore(api);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'error', error: { code: 'HELPER_UNAVAILABLE' } });
  });
});

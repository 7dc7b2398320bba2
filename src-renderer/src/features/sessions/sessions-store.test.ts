import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../api/testing/fake-api';
import { createSessionsStore, progressOf } from './sessions-store';
import { detail, failingPreflight, passingPreflight, progress, summary } from './test-fixtures';

function setup() {
  const api = fakeApi();
  api.handle('sessions.list', () => ({ ok: true, value: { sessions: [] } }));
  api.handle('schedule.get', () => ({
    ok: true,
    value: {
      schedules: [
        {
          source: 'files',
          spec: { kind: 'off' },
          paths: ['/data'],
          excludes: [],
          nextRunAt: null,
          lastRunAt: null,
          lastSessionId: null,
        },
      ],
    },
  }));
  api.handle('sessions.show', ({ id }) => ({ ok: true, value: { session: detail({ id }) } }));
  api.handle('sessions.log', () => ({ ok: true, value: { entries: [] } }));
  const store = createSessionsStore(api);
  return { api, store };
}

describe('sessions store', () => {
  it('reads the history from the list alone (no detail per row) and the Files selection', async () => {
    const { api, store } = setup();
    const sessions = Array.from({ length: 25 }, (_, i) =>
      summary({ id: `20250101-1000${String(i).padStart(2, '0')}-abcdef`, status: 'completed' }),
    );
    api.handle('sessions.list', () => ({ ok: true, value: { sessions } }));
    await store.getState().load();
    expect(store.getState().sessions).toHaveLength(25);
    expect(store.getState().filesPaths).toEqual(['/data']);
    expect(api.calls.map((c) => c.channel).sort()).toEqual(['schedule.get', 'sessions.list']);
    expect(api.calls.find((c) => c.channel === 'sessions.list')?.params).toEqual({ limit: 25 });
    // A change of a session nobody looks at updates its row from the event, and reads nothing.
    store.getState().connect();
    api.emit('session.changed', { session: summary({ id: sessions[3]?.id, status: 'failed', errors: 1 }) });
    expect(store.getState().sessions[3]).toMatchObject({ status: 'failed', errors: 1 });
    expect(api.calls.filter((c) => c.channel === 'sessions.show')).toEqual([]);
  });

  it('reads the detail of the selected session only, again when it changes, one read per burst', async () => {
    const { api, store } = setup();
    let version = 0;
    let release: () => void = () => undefined;
    api.handle('sessions.show', async ({ id }) => {
      const seen = ++version;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { ok: true, value: { session: detail({ id, attempt: seen }) } };
    });
    store.getState().connect();
    const selecting = store.getState().select(summary().id);
    // Three changes while the first read runs: one more read, after it, for the latest state.
    for (let i = 0; i < 3; i++) api.emit('session.changed', { session: summary({ phase: 'verify' }) });
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    await selecting;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(api.calls.filter((c) => c.channel === 'sessions.show')).toHaveLength(2);
    expect(store.getState().detail?.attempt).toBe(2);
  });

  it('drops a detail answer for a session that is no longer selected', async () => {
    const { api, store } = setup();
    let release: () => void = () => undefined;
    api.handle('sessions.show', async ({ id }) => {
      if (id === summary().id)
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      return { ok: true, value: { session: detail({ id }) } };
    });
    const first = store.getState().select(summary().id);
    await store.getState().select('20250101-090000-abcdef');
    release();
    await first;
    expect(store.getState().selectedId).toBe('20250101-090000-abcdef');
    expect(store.getState().detail?.id).toBe('20250101-090000-abcdef');
  });

  it('keeps a list error to show with its code', async () => {
    const { api, store } = setup();
    api.handle('sessions.list', () => ({ ok: false, code: 'HELPER_UNAVAILABLE', message: 'down' }));
    await store.getState().load();
    expect(store.getState().listError).toEqual({ code: 'HELPER_UNAVAILABLE', message: 'down' });
  });

  it('shows the preflight first, then starts; a failing preflight blocks the start', async () => {
    const { api, store } = setup();
    api.handle('systemState.preflight', () => ({ ok: true, value: passingPreflight }));
    api.handle('sessions.start', () => ({ ok: true, value: { session: summary(), created: true } }));
    await store.getState().backUpNow('system-state');
    expect(store.getState().backUp['system-state'].stage).toBe('review');
    expect(api.calls.some((c) => c.channel === 'sessions.start')).toBe(false);
    await store.getState().confirmStart('system-state');
    expect(api.calls.filter((c) => c.channel === 'sessions.start')).toEqual([
      { channel: 'sessions.start', params: { source: 'system-state' } },
    ]);
    expect(store.getState().sessions[0]?.id).toBe(summary().id);
    expect(store.getState().backUp['system-state'].stage).toBe('idle');

    api.handle('systemState.preflight', () => ({ ok: true, value: failingPreflight }));
    await store.getState().backUpNow('system-state');
    await store.getState().confirmStart('system-state');
    expect(api.calls.filter((c) => c.channel === 'sessions.start')).toHaveLength(1);
  });

  it('starts Files with its selection', async () => {
    const { api, store } = setup();
    api.handle('sessions.start', () => ({
      ok: true,
      value: { session: summary({ source: 'files' }), created: true },
    }));
    await store.getState().load();
    await store.getState().backUpNow('files');
    expect(api.calls.find((c) => c.channel === 'sessions.start')?.params).toEqual({
      source: 'files',
      paths: ['/data'],
    });
  });

  it('starts Files with the excludes of its schedule', async () => {
    const { api, store } = setup();
    api.handle('schedule.get', () => ({
      ok: true,
      value: {
        schedules: [
          {
            source: 'files',
            spec: { kind: 'off' },
            paths: ['/data'],
            excludes: ['*.tmp'],
            nextRunAt: null,
            lastRunAt: null,
            lastSessionId: null,
          },
        ],
      },
    }));
    api.handle('sessions.start', () => ({
      ok: true,
      value: { session: summary({ source: 'files' }), created: true },
    }));
    await store.getState().load();
    await store.getState().backUpNow('files');
    expect(api.calls.find((c) => c.channel === 'sessions.start')?.params).toEqual({
      source: 'files',
      paths: ['/data'],
      excludes: ['*.tmp'],
    });
  });

  it('cancels: "Cancelling…" until the session ends, then a toast with the final status', async () => {
    const { api, store } = setup();
    const off = store.getState().connect();
    api.emit('session.changed', { session: summary() });
    api.handle('sessions.cancel', () => ({ ok: true, value: { session: summary() } }));
    await store.getState().cancel(summary().id);
    expect(store.getState().cancelling[summary().id]).toBe(true);
    api.emit('session.changed', { session: summary({ status: 'aborted', phase: 'done' }) });
    expect(store.getState().cancelling[summary().id]).toBeUndefined();
    expect(store.getState().toasts.map((t) => t.text)).toEqual(['System state backup: Aborted']);
    // The same end again (a re-read) says nothing new.
    api.emit('session.changed', { session: summary({ status: 'aborted', phase: 'done' }) });
    expect(store.getState().toasts).toHaveLength(1);
    off();
    expect(api.listeners('session.changed')).toBe(0);
    expect(api.listeners('session.progress')).toBe(0);
  });

  it('a progress view is notified once per event of its session and never for another session', () => {
    const { api, store } = setup();
    store.getState().connect();
    const mine = progressOf('20250101-100000-abcdef');
    // What zustand's useStore re-renders on: the selected value changing (Object.is).
    let renders = 0;
    store.subscribe((state, prev) => {
      if (mine(state) !== mine(prev)) renders++;
    });
    for (let i = 0; i < 100; i++) api.emit('session.progress', progress({ bytesDone: i * 1000 }));
    expect(renders).toBe(100);
    for (let i = 0; i < 100; i++)
      api.emit('session.progress', progress({ sessionId: '20250101-100000-ffffff', bytesDone: i }));
    expect(renders).toBe(100);
    // Nor for history changes of other sessions.
    api.emit('session.changed', { session: summary({ id: '20250101-100000-ffffff', status: 'completed' }) });
    expect(renders).toBe(100);
  });

  it('follows the selected log with afterSeq', async () => {
    const { api, store } = setup();
    let next = 1;
    api.handle('sessions.log', () => ({
      ok: true,
      value: {
        entries: [{ seq: next++, at: '2025-01-01T10:00:00Z', attempt: 1, level: 'info', message: 'step' }],
      },
    }));
    await store.getState().select(summary().id);
    await store.getState().refreshSelected();
    const logCalls = api.calls.filter((c) => c.channel === 'sessions.log').map((c) => c.params);
    expect(logCalls[0]).toEqual({ id: summary().id, limit: 1000 });
    expect(logCalls[1]).toEqual({ id: summary().id, afterSeq: 1, limit: 1000 });
    expect(store.getState().log.map((e) => e.seq)).toEqual([1, 2]);
  });
});

/**
 * The dashboard's "last backup": the newest session from the helper, kept current by `session.changed`. A store of
 * its own (the Sessions screen keeps the whole history; the dashboard needs one row).
 */
import type { BackupManagerApi, SessionSummary } from '@contract';
import { createStore } from 'zustand/vanilla';

export interface LastSessionState {
  status: 'loading' | 'ready' | 'error';
  session: SessionSummary | null;
  error: { code: string; message: string } | null;
  load(): Promise<void>;
  /** Starts following `session.changed`; returns the function that stops. */
  follow(): () => void;
}

export function createLastSessionStore(api: BackupManagerApi) {
  return createStore<LastSessionState>()((set, get) => ({
    status: 'loading',
    session: null,
    error: null,
    async load() {
      const result = await api.invoke('sessions.list', { limit: 1 });
      if (result.ok) set({ status: 'ready', session: result.value.sessions[0] ?? null, error: null });
      else set({ status: 'error', error: { code: result.code, message: result.message } });
    },
    follow() {
      return api.subscribe('session.changed', ({ session }) => {
        const current = get().session;
        // The newest session wins: a change of the shown one, or a session created after it.
        if (current === null || current.id === session.id || session.createdAt >= current.createdAt)
          set({ status: 'ready', session, error: null });
      });
    },
  }));
}

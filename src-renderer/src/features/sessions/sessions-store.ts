/**
 * The Sessions screen's state: the history (`sessions.list`, kept current by `session.changed`; each summary holds
 * everything its row shows, so no detail is read for the history), the live progress of each running session
 * (`session.progress`, kept per session so a view re-renders only for its own), the "Back up now" flow (preflight
 * first, then `sessions.start`), cancelling, the selected session's details and log (followed with `afterSeq`
 * while it runs), and the end-of-session toasts. One store per mounted screen; the components only read it and
 * call its actions.
 */
import type {
  BackupManagerApi,
  PreflightResult,
  SessionDetail,
  SessionLogEntry,
  SessionProgress,
  SessionSource,
  SessionSummary,
} from '@contract';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { endedMessage, isTerminal, startVerdict, statusViews, type Tone } from './sessions-text';

export interface Failure {
  code: string;
  message: string;
}

/** How many sessions the history shows. */
export const historyLimit = 25;

export type BackUpStage = 'idle' | 'checking' | 'review' | 'starting';

export interface BackUpFlow {
  stage: BackUpStage;
  preflight: PreflightResult | null;
  error: Failure | null;
}

export interface Toast {
  key: number;
  sessionId: string;
  tone: Tone;
  text: string;
}

export interface SessionsState {
  sessions: SessionSummary[];
  listLoading: boolean;
  listError: Failure | null;
  /** The selected session's detail (timeline, paths, snapshot), once read; null while none is selected. */
  detail: SessionDetail | null;
  /** The latest progress of each running session, by id. */
  progress: Record<string, SessionProgress>;
  /** The Files selection (`schedule.get`); null until read. */
  filesPaths: string[] | null;
  /** The Files schedule's exclude patterns, which Back up now uses too. */
  filesExcludes: string[];
  backUp: Record<SessionSource, BackUpFlow>;
  /** Sessions whose cancel was asked and that have not ended yet. */
  cancelling: Record<string, boolean>;
  cancelError: Failure | null;
  selectedId: string | null;
  detailError: Failure | null;
  log: SessionLogEntry[];
  logError: Failure | null;
  toasts: Toast[];
}

export interface SessionsActions {
  /** Reads the history and the Files selection. */
  load(): Promise<void>;
  /** Subscribes to the session events; returns the unsubscribe function. */
  connect(): () => void;
  sessionChanged(session: SessionSummary): void;
  progressReceived(progress: SessionProgress): void;
  /** Runs the preflight (System state) or starts directly (Files, which has no snapshot to prepare). */
  backUpNow(source: SessionSource): Promise<void>;
  /** After the preflight was shown: starts the session (refused while the preflight fails). */
  confirmStart(source: SessionSource): Promise<void>;
  dismissPreflight(source: SessionSource): void;
  cancel(id: string): Promise<void>;
  select(id: string | null): Promise<void>;
  /** Reads the selected session's detail again and the log entries after the last one shown. */
  refreshSelected(): Promise<void>;
  dismissToast(key: number): void;
}

export type SessionsStore = SessionsState & SessionsActions;

const idleFlow: BackUpFlow = { stage: 'idle', preflight: null, error: null };

export function createSessionsStore(api: BackupManagerApi) {
  let toastKey = 0;
  // The selected session's detail read in flight, and whether a change came while it ran: a burst of
  // `session.changed` then costs one more read, not one per event, and the last change is never missed.
  let reading: string | null = null;
  let readAgain = false;

  return createStore<SessionsStore>()((set, get) => {
    const patchFlow = (source: SessionSource, patch: Partial<BackUpFlow>) =>
      set((s) => ({ backUp: { ...s.backUp, [source]: { ...s.backUp[source], ...patch } } }));

    const readDetail = async (id: string): Promise<void> => {
      if (reading === id) {
        readAgain = true;
        return;
      }
      reading = id;
      try {
        do {
          readAgain = false;
          const result = await api.invoke('sessions.show', { id });
          // Another session was selected meanwhile: this answer is not shown.
          if (get().selectedId !== id) return;
          if (result.ok) set({ detail: result.value.session, detailError: null });
          else set({ detailError: { code: result.code, message: result.message } });
        } while (readAgain && get().selectedId === id);
      } finally {
        if (reading === id) reading = null;
      }
    };

    const readLog = async (id: string): Promise<void> => {
      const last = get().log.at(-1);
      const result = await api.invoke('sessions.log', {
        id,
        ...(last === undefined ? {} : { afterSeq: last.seq }),
        limit: 1000,
      });
      if (get().selectedId !== id) return;
      if (!result.ok) {
        set({ logError: { code: result.code, message: result.message } });
        return;
      }
      if (result.value.entries.length > 0) {
        const known = get().log.at(-1)?.seq ?? -1;
        const fresh = result.value.entries.filter((e) => e.seq > known);
        if (fresh.length > 0) set((s) => ({ log: [...s.log, ...fresh], logError: null }));
      }
    };

    const upsert = (session: SessionSummary) =>
      set((s) => {
        const index = s.sessions.findIndex((x) => x.id === session.id);
        const sessions =
          index === -1
            ? [session, ...s.sessions].slice(0, historyLimit)
            : s.sessions.map((x, i) => (i === index ? session : x));
        return { sessions };
      });

    return {
      sessions: [],
      listLoading: true,
      listError: null,
      detail: null,
      progress: {},
      filesPaths: null,
      filesExcludes: [],
      backUp: { 'system-state': idleFlow, files: idleFlow },
      cancelling: {},
      cancelError: null,
      selectedId: null,
      detailError: null,
      log: [],
      logError: null,
      toasts: [],

      async load() {
        set({ listLoading: true });
        const [list, schedules] = await Promise.all([
          api.invoke('sessions.list', { limit: historyLimit }),
          api.invoke('schedule.get', {}),
        ]);
        if (schedules.ok) {
          const files = schedules.value.schedules.find((s) => s.source === 'files');
          set({ filesPaths: files?.paths ?? [], filesExcludes: files?.excludes ?? [] });
        }
        if (!list.ok) {
          set({ listLoading: false, listError: { code: list.code, message: list.message } });
          return;
        }
        set({ sessions: list.value.sessions, listLoading: false, listError: null });
      },

      connect() {
        const offChanged = api.subscribe('session.changed', ({ session }) => get().sessionChanged(session));
        const offProgress = api.subscribe('session.progress', (p) => get().progressReceived(p));
        return () => {
          offChanged();
          offProgress();
        };
      },

      sessionChanged(session) {
        const before = get().sessions.find((s) => s.id === session.id);
        upsert(session);
        if (isTerminal(session.status)) {
          const ended = before === undefined || !isTerminal(before.status);
          set((s) => {
            const { [session.id]: _progress, ...progress } = s.progress;
            const { [session.id]: _cancelling, ...cancelling } = s.cancelling;
            const toasts = ended
              ? [
                  ...s.toasts,
                  {
                    key: ++toastKey,
                    sessionId: session.id,
                    tone: statusViews[session.status].tone,
                    text: endedMessage(session),
                  },
                ].slice(-3)
              : s.toasts;
            return { progress, cancelling, toasts };
          });
        }
        if (get().selectedId === session.id) {
          void readDetail(session.id);
          void readLog(session.id);
        }
      },

      progressReceived(progress) {
        set((s) => ({ progress: { ...s.progress, [progress.sessionId]: progress } }));
      },

      async backUpNow(source) {
        if (source === 'files') {
          await get().confirmStart('files');
          return;
        }
        patchFlow(source, { stage: 'checking', preflight: null, error: null });
        const result = await api.invoke('systemState.preflight', {});
        if (!result.ok) {
          patchFlow(source, { stage: 'idle', error: { code: result.code, message: result.message } });
          return;
        }
        patchFlow(source, { stage: 'review', preflight: result.value });
      },

      async confirmStart(source) {
        const flow = get().backUp[source];
        if (flow.preflight && startVerdict(flow.preflight.checks) === 'fail') return;
        let paths: string[] | undefined;
        if (source === 'files') {
          paths = get().filesPaths ?? [];
          if (paths.length === 0) {
            patchFlow(source, {
              error: { code: 'NO_SELECTION', message: 'Choose folders for Files in Data sources first.' },
            });
            return;
          }
        }
        patchFlow(source, { stage: 'starting', error: null });
        const excludes = source === 'files' ? get().filesExcludes : [];
        const result = await api.invoke('sessions.start', {
          source,
          ...(paths ? { paths } : {}),
          ...(excludes.length > 0 ? { excludes } : {}),
        });
        if (!result.ok) {
          patchFlow(source, { stage: 'idle', error: { code: result.code, message: result.message } });
          return;
        }
        patchFlow(source, { stage: 'idle', preflight: null, error: null });
        const known = get().sessions.find((s) => s.id === result.value.session.id);
        // An event may already have brought a newer state of it.
        if (known === undefined) upsert(result.value.session);
      },

      dismissPreflight(source) {
        patchFlow(source, idleFlow);
      },

      async cancel(id) {
        set((s) => ({ cancelling: { ...s.cancelling, [id]: true }, cancelError: null }));
        const result = await api.invoke('sessions.cancel', { id });
        if (!result.ok) {
          set((s) => {
            const { [id]: _, ...cancelling } = s.cancelling;
            return { cancelling, cancelError: { code: result.code, message: result.message } };
          });
          return;
        }
        get().sessionChanged(result.value.session);
      },

      async select(id) {
        if (get().selectedId === id) return;
        set({ selectedId: id, detail: null, log: [], logError: null, detailError: null });
        if (id === null) return;
        await Promise.all([readDetail(id), readLog(id)]);
      },

      async refreshSelected() {
        const id = get().selectedId;
        if (id === null) return;
        await Promise.all([readDetail(id), readLog(id)]);
      },

      dismissToast(key) {
        set((s) => ({ toasts: s.toasts.filter((t) => t.key !== key) }));
      },
    };
  });
}

export type SessionsStoreApi = ReturnType<typeof createSessionsStore>;

export function useSessions<T>(store: SessionsStoreApi, selector: (state: SessionsStore) => T): T {
  return useStore(store, selector);
}

/** The one selector the progress view uses: changes only when this session's progress does. */
export function progressOf(id: string): (state: SessionsState) => SessionProgress | undefined {
  return (state) => state.progress[id];
}

/** Live sessions, newest first (running, or waiting for their restart). */
export function liveSessions(sessions: SessionSummary[]): SessionSummary[] {
  return sessions.filter((s) => !isTerminal(s.status));
}

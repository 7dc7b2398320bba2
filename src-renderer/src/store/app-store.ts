/**
 * The renderer's state: hydrated once from `state.get`, then kept current by events, one action per event.
 */
import type { AppInfo, AppState, EventChannel, EventPayload, HelperStatus, OverviewSlice } from '@contract';
import { create } from 'zustand';
import type { LinkState } from '../api/link';

export interface AppStoreState {
  /** False until the first `state.get` answered; the shell shows a loading state until then. */
  hydrated: boolean;
  /** Set when hydration failed (the message is shown instead of the screens). */
  hydrationError: string | null;
  link: LinkState;
  app: AppInfo | null;
  overview: OverviewSlice;
  helper: HelperStatus | null;
}

export interface AppStoreActions {
  hydrate(state: AppState): void;
  hydrationFailed(message: string): void;
  setLink(link: LinkState): void;
  overviewChanged(slice: OverviewSlice): void;
  helperStatusChanged(status: HelperStatus): void;
}

export type AppStore = AppStoreState & AppStoreActions;

export const initialAppState: AppStoreState = {
  hydrated: false,
  hydrationError: null,
  link: 'connecting',
  app: null,
  overview: { status: 'loading' },
  helper: null,
};

export function createAppStore() {
  return create<AppStore>()((set) => ({
    ...initialAppState,
    hydrate: (state) =>
      set({
        hydrated: true,
        hydrationError: null,
        app: state.app,
        overview: state.overview,
        helper: state.helper,
      }),
    hydrationFailed: (message) => set({ hydrationError: message }),
    setLink: (link) => set({ link }),
    overviewChanged: (overview) => set({ overview }),
    helperStatusChanged: (helper) => set({ helper }),
  }));
}

export type AppStoreApi = ReturnType<typeof createAppStore>;

/**
 * The session and restore events are live streams, not slices of this state: the screens that show sessions or
 * restore jobs subscribe to them while they are open.
 */
type StreamEvent = 'session.changed' | 'session.progress' | 'restore.changed';
export type SliceEvent = Exclude<EventChannel, StreamEvent>;

/**
 * Which store action each contract event drives. Typed as a mapped type over the contract's events, so adding an
 * event to the contract without an action here (or without listing it as a stream) is a compile error.
 */
export function eventActions(store: AppStoreApi): {
  [E in SliceEvent]: (payload: EventPayload<E>) => void;
} {
  const actions = store.getState();
  return {
    'overview.changed': actions.overviewChanged,
    'helper.statusChanged': actions.helperStatusChanged,
  };
}

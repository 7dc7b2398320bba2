/**
 * The snapshot-location feature's state: the location as the helper reports it (`snapshotLocation.get`), the
 * free-space preflight (`systemState.preflight`), and every change (`snapshotLocation.set`) with its refusal kept
 * next to the control that asked for it. One store per mounted screen or warning; the components only read it.
 */
import type { BackupManagerApi, PreflightResult, SnapshotLocationState } from '@contract';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

export interface Failure {
  code: string;
  message: string;
}

/** Which control asked for a change: its refusal is shown next to it. */
export type ChangeTarget = 'default' | 'path' | 'fix' | `drive:${string}`;

export interface Refusal extends Failure {
  target: ChangeTarget;
}

export interface SnapshotLocationStoreState {
  location: SnapshotLocationState | null;
  locationLoading: boolean;
  locationError: Failure | null;
  preflight: PreflightResult | null;
  preflightLoading: boolean;
  preflightError: Failure | null;
  /** The folder path typed into the chooser. */
  pathInput: string;
  /** The change under way (one at a time). */
  pending: ChangeTarget | null;
  refusal: Refusal | null;
  /** What the last successful change did, for the status line. */
  notice: string | null;
}

export interface SnapshotLocationActions {
  /** Reads the location and runs the preflight, side by side. */
  load(): Promise<void>;
  loadLocation(): Promise<void>;
  checkFreeSpace(): Promise<void>;
  /** "Check again": the preflight, and the drives too once they are shown (their free space moved as well). */
  recheck(): Promise<void>;
  setPathInput(value: string): void;
  /** Validates and saves a location (null: back to the default), then re-runs the preflight. */
  choose(target: ChangeTarget, location: string | null): Promise<boolean>;
  chooseTypedPath(): Promise<boolean>;
  /** The one-click fix: moves the location to the drive the free-space check suggests. */
  moveToSuggested(): Promise<boolean>;
}

export type SnapshotLocationStore = SnapshotLocationStoreState & SnapshotLocationActions;

export const initialSnapshotLocationState: SnapshotLocationStoreState = {
  location: null,
  locationLoading: false,
  locationError: null,
  preflight: null,
  preflightLoading: false,
  preflightError: null,
  pathInput: '',
  pending: null,
  refusal: null,
  notice: null,
};

export function isAbsoluteLocation(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
}

export function createSnapshotLocationStore(api: BackupManagerApi) {
  return createStore<SnapshotLocationStore>()((set, get) => ({
    ...initialSnapshotLocationState,

    async load() {
      await Promise.all([get().loadLocation(), get().checkFreeSpace()]);
    },

    async loadLocation() {
      set({ locationLoading: true });
      const result = await api.invoke('snapshotLocation.get', {});
      if (result.ok) set({ location: result.value, locationError: null, locationLoading: false });
      else
        set({
          location: null,
          locationError: { code: result.code, message: result.message },
          locationLoading: false,
        });
    },

    async checkFreeSpace() {
      set({ preflightLoading: true });
      const result = await api.invoke('systemState.preflight', {});
      if (result.ok) set({ preflight: result.value, preflightError: null, preflightLoading: false });
      else
        set({
          preflight: null,
          preflightError: { code: result.code, message: result.message },
          preflightLoading: false,
        });
    },

    async recheck() {
      await Promise.all([
        get().checkFreeSpace(),
        get().location === null ? Promise.resolve() : get().loadLocation(),
      ]);
    },

    setPathInput(value) {
      set({ pathInput: value, refusal: get().refusal?.target === 'path' ? null : get().refusal });
    },

    async choose(target, location) {
      if (get().pending !== null) return false;
      set({ pending: target, refusal: null, notice: null });
      const result = await api.invoke('snapshotLocation.set', { location });
      if (!result.ok) {
        set({ pending: null, refusal: { target, code: result.code, message: result.message } });
        return false;
      }
      set({
        location: result.value,
        locationError: null,
        pathInput: target === 'path' ? '' : get().pathInput,
        notice:
          location === null
            ? `Back to the default: snapshots are kept on ${result.value.current}.`
            : `Snapshots are now kept in ${result.value.current}.`,
      });
      await get().checkFreeSpace();
      set({ pending: null });
      return true;
    },

    async chooseTypedPath() {
      const path = get().pathInput.trim();
      if (!isAbsoluteLocation(path)) {
        set({
          refusal: {
            target: 'path',
            code: 'INVALID_LOCATION',
            message:
              path === ''
                ? 'Type the full path of a folder first, for example /srv/snapshots.'
                : `${path}: give the full path of a folder, starting with / (or a drive letter on Windows).`,
          },
          notice: null,
        });
        return false;
      }
      return get().choose('path', path);
    },

    async moveToSuggested() {
      const suggested = get().preflight?.freeSpace?.suggestedDrive;
      if (!suggested) return false;
      return get().choose('fix', suggested.mountPoint);
    },
  }));
}

export type SnapshotLocationStoreApi = ReturnType<typeof createSnapshotLocationStore>;

export function useSnapshotLocation<T>(
  store: SnapshotLocationStoreApi,
  selector: (state: SnapshotLocationStore) => T,
): T {
  return useStore(store, selector);
}

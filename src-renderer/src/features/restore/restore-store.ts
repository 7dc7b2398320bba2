/**
 * The restore wizard's store: one per app (the wizard and a running restore survive leaving the screen and coming
 * back), made of the wizard's steps (here), the repository step (repository-actions.ts, with the SFTP host key as
 * `store.hostKey`) and the job's actions (restore-job-actions.ts). Each answer is applied
 * only if the choice it was asked for is still the current one, so a slow answer never overwrites a newer choice.
 * The components only read the state and call these actions.
 */
import type { BackupManagerApi } from '@contract';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createHostKeyStore } from '../remote-repository/host-key-store';
import { createRepositoryActions, type RepositoryActions } from './repository-actions';
import { canLeave, choicesFor, planIsCurrent, selectedSession } from './restore-choices';
import { createJobActions, type RestoreJobActions } from './restore-job-actions';
import {
  failureOf,
  initialWizardState,
  loading,
  noJob,
  type RestoreWizardState,
  type TargetKind,
} from './restore-state';
import { defaultTargetFolder, isJobEnded, type WizardStep } from './restore-text';

export interface RestoreWizardActions {
  /** Reads the configured repository (for the shortcut) and whether a restore is already running. */
  init(platform: string | null): Promise<void>;
  /** Subscribes to `restore.changed`; returns the unsubscribe function. */
  connect(): () => void;
  reloadMachines(): Promise<void>;
  chooseMachine(hostname: string): Promise<void>;
  chooseSession(snapshotId: string): void;
  setComponent(id: string, selected: boolean): void;
  selectAllComponents(): void;
  selectNoComponents(): void;
  loadCompatibility(): Promise<void>;
  setTargetKind(kind: TargetKind): void;
  setFolderInput(value: string): void;
  setConfirmInput(value: string): void;
  setUuidInput(from: string, value: string): void;
  setDiskMapInput(from: string, value: string): void;
  setSysvolMode(mode: RestoreWizardState['sysvolMode']): void;
  updatePlan(): Promise<void>;
  /** Updates the plan only when the shown one was made for other choices (leaving the folder field). */
  planIfStale(): Promise<void>;
  /** The step's main action: Next, or on the target step, start the restore. */
  next(): Promise<void>;
  back(): void;
  start(): Promise<void>;
  /** Prepares another restore from the same repository. */
  startOver(): void;
}

export type RestoreStore = RestoreWizardState & RestoreWizardActions & RepositoryActions & RestoreJobActions;
export type SetState = StoreApi<RestoreStore>['setState'];
export type GetState = () => RestoreStore;

const stepBefore: Partial<Record<WizardStep, WizardStep>> = {
  session: 'repository',
  components: 'session',
  compatibility: 'components',
  target: 'compatibility',
};

export function createRestoreStore(api: BackupManagerApi) {
  // Trusting the SFTP server's host key (after HOST_KEY_MISMATCH) opens the repository again.
  const hostKey = createHostKeyStore(api, { onTrusted: () => void store.getState().open() });
  const store = createStore<RestoreStore>()((set, get) => {
    const planStale = { plan: { status: 'idle' }, planKey: null } as const;

    const loadSessions = async (hostname: string) => {
      const handle = get().repository?.handle;
      if (handle === undefined) return;
      set({ sessions: loading });
      const result = await api.invoke('restore.sessions', { handle, hostname });
      if (get().hostname !== hostname) return;
      if (!result.ok) {
        set({ sessions: { status: 'error', failure: failureOf(result) } });
        return;
      }
      const sessions = result.value.sessions;
      set({ sessions: { status: 'ready', value: sessions } });
      // The newest real session is the usual choice; a rollback backup is only picked on purpose.
      const newest = sessions.find((s) => !s.rollback) ?? sessions[0];
      if (newest && get().snapshotId === null) get().chooseSession(newest.snapshotId);
    };

    return {
      ...initialWizardState,
      ...createRepositoryActions(api, set, get, hostKey),
      ...createJobActions(api, set, get),

      async init(platform) {
        set({ platform });
        const [settings, jobs] = await Promise.all([
          api.invoke('settings.get', {}),
          api.invoke('restore.jobs', {}),
        ]);
        if (settings.ok) set({ configuredRepository: settings.value.settings.repository });
        if (jobs.ok) {
          const own = new Set([get().job?.id, get().rollback.job?.id]);
          const running = jobs.value.jobs.find(
            (j) => j.state === 'running' && j.kind !== 'test-restore' && !own.has(j.id),
          );
          set({ runningElsewhere: running ?? null });
        }
      },

      connect() {
        return api.subscribe('restore.changed', ({ job }) => get().jobChanged(job));
      },

      async reloadMachines() {
        const repository = get().repository;
        if (repository === null) return;
        set({ machines: loading });
        const result = await api.invoke('restore.machines', { handle: repository.handle });
        if (get().repository?.handle !== repository.handle) return;
        if (!result.ok) {
          set({ machines: { status: 'error', failure: failureOf(result) } });
          return;
        }
        const machines = result.value.machines;
        set({ machines: { status: 'ready', value: machines } });
        const only = machines.length === 1 ? machines[0] : undefined;
        if (only && get().hostname === null) await get().chooseMachine(only.hostname);
      },

      async chooseMachine(hostname) {
        if (get().hostname === hostname && get().sessions.status !== 'error') return;
        set({
          hostname,
          sessions: loading,
          snapshotId: null,
          components: [],
          compatibility: { status: 'idle' },
          ...planStale,
        });
        await loadSessions(hostname);
      },

      chooseSession(snapshotId) {
        if (get().snapshotId === snapshotId) return;
        const session = get().sessions.status === 'ready' ? selectedSession({ ...get(), snapshotId }) : null;
        set({
          snapshotId,
          // Everything the session holds, until the user narrows it down.
          components: session ? session.components.map((c) => c.id) : [],
          compatibility: { status: 'idle' },
          uuidInputs: {},
          diskMapInputs: {},
          sysvolMode: null,
          folderInput: '',
          ...planStale,
        });
      },

      setComponent(id, selected) {
        const session = selectedSession(get());
        if (session === null) return;
        const chosen = new Set(get().components);
        if (selected) chosen.add(id);
        else chosen.delete(id);
        // Kept in the session's order, so the plan's key does not depend on the clicking order.
        set({ components: session.components.map((c) => c.id).filter((c) => chosen.has(c)) });
      },

      selectAllComponents() {
        const session = selectedSession(get());
        if (session) set({ components: session.components.map((c) => c.id) });
      },

      selectNoComponents() {
        set({ components: [] });
      },

      async loadCompatibility() {
        const { repository, snapshotId } = get();
        if (repository === null || snapshotId === null) return;
        set({ compatibility: loading });
        const result = await api.invoke('restore.compatibility', { handle: repository.handle, snapshotId });
        if (get().snapshotId !== snapshotId) return;
        set({
          compatibility: result.ok
            ? { status: 'ready', value: result.value }
            : { status: 'error', failure: failureOf(result) },
        });
        // A system the report fails cannot be applied: fall back to the folder.
        if (result.ok && result.value.overall === 'fail') set({ targetKind: 'folder' });
      },

      setTargetKind(kind) {
        set({ targetKind: kind, startError: null });
        if (get().step === 'target') void get().updatePlan();
      },

      setFolderInput(value) {
        set({ folderInput: value, startError: null });
      },

      setConfirmInput(value) {
        set({ confirmInput: value, startError: null });
      },

      setUuidInput(from, value) {
        set({ uuidInputs: { ...get().uuidInputs, [from]: value } });
      },

      setDiskMapInput(from, value) {
        set({ diskMapInputs: { ...get().diskMapInputs, [from]: value } });
      },

      setSysvolMode(mode) {
        set({ sysvolMode: mode });
      },

      async updatePlan() {
        const choices = choicesFor(get(), 'plan');
        if (!choices.ok) {
          set({ plan: { status: 'error', failure: { code: 'INVALID_CHOICE', message: choices.problem } } });
          return;
        }
        const key = JSON.stringify(choices.value);
        set({ plan: loading, planKey: key });
        const result = await api.invoke('restore.plan', choices.value);
        if (get().planKey !== key) return;
        set({
          plan: result.ok
            ? { status: 'ready', value: result.value }
            : { status: 'error', failure: failureOf(result) },
        });
      },

      async planIfStale() {
        if (!planIsCurrent(get()) && get().plan.status !== 'loading') await get().updatePlan();
      },

      async next() {
        const state = get();
        if (!canLeave(state, state.step).ok) return;
        switch (state.step) {
          case 'repository':
            set({ step: 'session' });
            return;
          case 'session':
            set({ step: 'components' });
            return;
          case 'components':
            set({ step: 'compatibility' });
            if (state.compatibility.status !== 'ready') await get().loadCompatibility();
            return;
          case 'compatibility': {
            const session = selectedSession(state);
            if (state.folderInput === '' && session)
              set({ folderInput: defaultTargetFolder(state.platform, session.hostname, session.shortId) });
            set({ step: 'target' });
            await get().planIfStale();
            return;
          }
          case 'target':
            await get().start();
            return;
          case 'run':
            set({ step: 'result' });
            return;
          case 'result':
            return;
        }
      },

      back() {
        const before = stepBefore[get().step];
        if (before) set({ step: before });
      },

      async start() {
        const state = get();
        if (!canLeave(state, 'target').ok) return;
        const choices = choicesFor(state, 'start');
        if (!choices.ok) return;
        set({ starting: true, startError: null });
        const result = await api.invoke('restore.start', choices.value);
        if (!result.ok) {
          set({ starting: false, startError: failureOf(result) });
          return;
        }
        const job = result.value.job;
        set({ ...noJob, job, step: isJobEnded(job) ? 'result' : 'run' });
        // Events of the job that came before this answer were not known to be ours: read it once more.
        if (!isJobEnded(job)) await get().refreshJob();
      },

      startOver() {
        set({ ...noJob, ...planStale, confirmInput: '', step: 'session' });
      },
    };
  });
  return Object.assign(store, { hostKey });
}

export type RestoreStoreApi = ReturnType<typeof createRestoreStore>;

export function useRestore<T>(store: RestoreStoreApi, selector: (state: RestoreStore) => T): T {
  return useStore(store, selector);
}

/**
 * One wizard per API client: leaving the Restore screen (to look at Sessions, say) and coming back finds the
 * wizard where it was, with its job still followed.
 */
const stores = new WeakMap<BackupManagerApi, RestoreStoreApi>();

export function restoreStoreFor(api: BackupManagerApi): RestoreStoreApi {
  let store = stores.get(api);
  if (store === undefined) {
    store = createRestoreStore(api);
    stores.set(api, store);
  }
  return store;
}

/**
 * The Settings screen's state and requests: the helper's settings (`settings.get`/`settings.set`: repository,
 * password file, retention, and for remote repositories the SSH key file and the S3 credentials file), the
 * schedules for a read-only summary (`schedule.get`), and the remembered password
 * (`repository.rememberPassword`/`forgetPassword`, kept by main, never by this page) with whether one is remembered
 * and where sessions get theirs (`repository.passwordStatus`, read again after every change that alters it). The
 * S3 access keys (remote-settings-actions.ts) and the SFTP host key (`store.hostKey`, a store of its own, read
 * whenever the repository is an SFTP one) live beside them. Each change keeps its own refusal, shown next to the
 * control that asked for it. One store per mounted screen; components only read it.
 */
import type {
  BackupManagerApi,
  ErrorCode,
  HelperSettings,
  PasswordStatus,
  RequestParams,
  ScheduleState,
} from '@contract';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createHostKeyStore } from '../remote-repository/host-key-store';
import { checkRepositoryLocation, locationKind } from '../remote-repository/repository-location';
import { createRemoteSettingsActions, type RemoteSettingsActions } from './remote-settings-actions';
import {
  checkPath,
  checkRetention,
  emptyRetentionForm,
  type RetentionForm,
  type RetentionKey,
  retentionToForm,
} from './settings-text';

export interface Failure {
  code: ErrorCode;
  message: string;
}

export type Loadable<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | ({ status: 'error' } & Failure);

/** One change of the screen: under way, refused by the form (`problem`) or by main/the helper, or done. */
export interface Change {
  saving: boolean;
  /** Found in the form before anything was asked. */
  problem: string | null;
  refusal: Failure | null;
  /** What the last successful change did. */
  notice: string | null;
}

export const idleChange: Change = { saving: false, problem: null, refusal: null, notice: null };

export type ChangeId =
  | 'repository'
  | 'passwordFile'
  | 'password'
  | 'retention'
  | 'sshKeyFile'
  | 's3CredentialsFile'
  | 's3Credentials';

export interface SettingsStoreState {
  settings: Loadable<HelperSettings>;
  schedules: Loadable<ScheduleState[]>;
  /** Whether a password is remembered for the repository, and where sessions get it; never the password. */
  passwordStatus: Loadable<PasswordStatus>;
  repositoryInput: string;
  passwordFileInput: string;
  sshKeyFileInput: string;
  s3CredentialsFileInput: string;
  retentionForm: RetentionForm;
  keepEverything: boolean;
  retentionProblems: Partial<Record<RetentionKey, string>>;
  /** Which password request runs (one at a time). */
  passwordPending: 'remember' | 'forget' | null;
  /** Which S3 access keys request runs (one at a time); the keys themselves are never kept here. */
  s3Pending: 'remember' | 'forget' | null;
  changes: Record<ChangeId, Change>;
}

export interface SettingsActions {
  /** (Re)reads the settings and the schedules. */
  load(): Promise<void>;
  setRepositoryInput(value: string): void;
  saveRepository(): Promise<boolean>;
  setPasswordFileInput(value: string): void;
  savePasswordFile(): Promise<boolean>;
  /** Hands the password to main to remember for the current repository; the page keeps no copy. */
  rememberPassword(password: string): Promise<boolean>;
  forgetPassword(): Promise<boolean>;
  setRetentionField(key: RetentionKey, value: string): void;
  setKeepEverything(keep: boolean): void;
  saveRetention(): Promise<boolean>;
  /** Shows settings the helper answered to another request (trusting a host key). */
  settingsChanged(settings: HelperSettings): void;
}

export type SettingsStore = SettingsStoreState & SettingsActions & RemoteSettingsActions;

export const initialSettingsState: SettingsStoreState = {
  settings: { status: 'loading' },
  schedules: { status: 'loading' },
  passwordStatus: { status: 'loading' },
  repositoryInput: '',
  passwordFileInput: '',
  sshKeyFileInput: '',
  s3CredentialsFileInput: '',
  retentionForm: emptyRetentionForm,
  keepEverything: true,
  retentionProblems: {},
  passwordPending: null,
  s3Pending: null,
  changes: {
    repository: idleChange,
    passwordFile: idleChange,
    password: idleChange,
    retention: idleChange,
    sshKeyFile: idleChange,
    s3CredentialsFile: idleChange,
    s3Credentials: idleChange,
  },
};

/** What the store's actions share with remote-settings-actions.ts. */
export interface SettingsKit {
  api: BackupManagerApi;
  set: StoreApi<SettingsStore>['setState'];
  get: () => SettingsStore;
  patchChange(id: ChangeId, patch: Partial<Change>): void;
  saveSetting(
    id: ChangeId,
    patch: RequestParams<'settings.set'>,
    notice: (settings: HelperSettings) => string,
  ): Promise<HelperSettings | null>;
  readPasswordStatus(): Promise<void>;
  currentRepository(): string | null;
}

export function createSettingsStore(api: BackupManagerApi) {
  const store = createStore<SettingsStore>()((set, get) => {
    const patchChange = (id: ChangeId, patch: Partial<Change>) =>
      set((state) => ({ changes: { ...state.changes, [id]: { ...state.changes[id], ...patch } } }));

    const showRetention = (retention: HelperSettings['retention']) =>
      set({
        retentionForm: retentionToForm(retention),
        keepEverything: retention === null,
        retentionProblems: {},
      });

    /** The status follows the repository, the password file and every remember or forget. */
    const readPasswordStatus = async (): Promise<void> => {
      const result = await api.invoke('repository.passwordStatus', {});
      set({
        passwordStatus: result.ok
          ? { status: 'ready', value: result.value }
          : { status: 'error', code: result.code, message: result.message },
      });
    };

    const currentRepository = (): string | null => {
      const settings = get().settings;
      return settings.status === 'ready' ? settings.value.repository : null;
    };

    /** `settings.set` with one field; the refusal or the notice goes to that field's change. */
    const saveSetting = async (
      id: ChangeId,
      patch: RequestParams<'settings.set'>,
      notice: (settings: HelperSettings) => string,
    ): Promise<HelperSettings | null> => {
      if (get().changes[id].saving) return null;
      patchChange(id, { saving: true, problem: null, refusal: null, notice: null });
      const result = await api.invoke('settings.set', patch);
      if (!result.ok) {
        patchChange(id, { saving: false, refusal: { code: result.code, message: result.message } });
        return null;
      }
      set({ settings: { status: 'ready', value: result.value.settings } });
      patchChange(id, { saving: false, notice: notice(result.value.settings) });
      return result.value.settings;
    };

    /** The host key panel follows the repository: read for an SFTP one, cleared for any other. */
    const followRepository = (repository: string | null) => {
      const hostKey = hostKeyStore.getState();
      if (repository !== null && locationKind(repository) === 'sftp') void hostKey.look(repository);
      else hostKey.reset();
    };

    const kit: SettingsKit = {
      api,
      set,
      get,
      patchChange,
      saveSetting,
      readPasswordStatus,
      currentRepository,
    };

    return {
      ...initialSettingsState,
      ...createRemoteSettingsActions(kit),

      async load() {
        const [settings, schedules] = await Promise.all([
          api.invoke('settings.get', {}),
          api.invoke('schedule.get', {}),
          readPasswordStatus(),
        ]);
        set({
          settings: settings.ok
            ? { status: 'ready', value: settings.value.settings }
            : { status: 'error', code: settings.code, message: settings.message },
          schedules: schedules.ok
            ? { status: 'ready', value: schedules.value.schedules }
            : { status: 'error', code: schedules.code, message: schedules.message },
        });
        if (settings.ok) {
          showRetention(settings.value.settings.retention);
          followRepository(settings.value.settings.repository);
        }
      },

      settingsChanged(settings) {
        set({ settings: { status: 'ready', value: settings } });
      },

      setRepositoryInput(value) {
        set({ repositoryInput: value });
        patchChange('repository', { problem: null, refusal: null });
      },

      async saveRepository() {
        const checked = checkRepositoryLocation(get().repositoryInput);
        if (!checked.ok) {
          patchChange('repository', { problem: checked.problem, refusal: null, notice: null });
          return false;
        }
        const saved = await saveSetting(
          'repository',
          { repository: checked.location },
          (s) => `Sessions now write to ${s.repository}.`,
        );
        if (saved) {
          set({ repositoryInput: '' });
          followRepository(saved.repository);
          await readPasswordStatus();
        }
        return saved !== null;
      },

      setPasswordFileInput(value) {
        set({ passwordFileInput: value });
        patchChange('passwordFile', { problem: null, refusal: null });
      },

      async savePasswordFile() {
        const checked = checkPath(get().passwordFileInput, '/etc/backup-manager/password');
        if (!checked.ok) {
          patchChange('passwordFile', { problem: checked.problem, refusal: null, notice: null });
          return false;
        }
        const saved = await saveSetting(
          'passwordFile',
          { passwordFile: checked.path },
          (s) => `The helper now reads the password from ${s.passwordFile}.`,
        );
        if (saved) {
          set({ passwordFileInput: '' });
          await readPasswordStatus();
        }
        return saved !== null;
      },

      async rememberPassword(password) {
        const repository = currentRepository();
        if (get().passwordPending !== null) return false;
        if (repository === null) {
          patchChange('password', { problem: 'Set the repository first.', refusal: null, notice: null });
          return false;
        }
        if (password === '') {
          patchChange('password', { problem: 'Type the password first.', refusal: null, notice: null });
          return false;
        }
        set({ passwordPending: 'remember' });
        patchChange('password', { saving: true, problem: null, refusal: null, notice: null });
        const result = await api.invoke('repository.rememberPassword', { repository, password });
        set({ passwordPending: null });
        await readPasswordStatus();
        if (!result.ok) {
          patchChange('password', { saving: false, refusal: { code: result.code, message: result.message } });
          return false;
        }
        patchChange('password', {
          saving: false,
          notice: `Remembered for ${repository}, encrypted by the operating system's keychain.`,
        });
        return true;
      },

      async forgetPassword() {
        const repository = currentRepository();
        if (repository === null || get().passwordPending !== null) return false;
        set({ passwordPending: 'forget' });
        patchChange('password', { saving: true, problem: null, refusal: null, notice: null });
        const result = await api.invoke('repository.forgetPassword', { repository });
        set({ passwordPending: null });
        await readPasswordStatus();
        if (!result.ok) {
          patchChange('password', { saving: false, refusal: { code: result.code, message: result.message } });
          return false;
        }
        patchChange('password', {
          saving: false,
          notice: `No password is remembered for ${repository} in this app any more.`,
        });
        return true;
      },

      setRetentionField(key, value) {
        const { [key]: _cleared, ...otherProblems } = get().retentionProblems;
        set({ retentionForm: { ...get().retentionForm, [key]: value }, retentionProblems: otherProblems });
        patchChange('retention', { problem: null, refusal: null });
      },

      setKeepEverything(keep) {
        set({ keepEverything: keep, retentionProblems: {} });
        patchChange('retention', { problem: null, refusal: null });
      },

      async saveRetention() {
        const checked = checkRetention(get().retentionForm, get().keepEverything);
        if (!checked.ok) {
          set({ retentionProblems: checked.problems });
          patchChange('retention', {
            problem: checked.summary ?? 'Fix the numbers marked below; nothing was saved.',
            refusal: null,
            notice: null,
          });
          return false;
        }
        const saved = await saveSetting('retention', { retention: checked.retention }, () =>
          checked.retention === null
            ? 'Saved: every snapshot is kept.'
            : 'Saved: the retention rules apply from the next completed session.',
        );
        if (saved) showRetention(saved.retention);
        return saved !== null;
      },
    };
  });
  // Trusting a host key changes the helper's settings (its trusted keys): the screen shows the new ones.
  const hostKeyStore = createHostKeyStore(api, {
    onTrusted: (settings) => store.getState().settingsChanged(settings),
  });
  return Object.assign(store, { hostKey: hostKeyStore });
}

export type SettingsStoreApi = ReturnType<typeof createSettingsStore>;

export function useSettings<T>(store: SettingsStoreApi, selector: (state: SettingsStore) => T): T {
  return useStore(store, selector);
}

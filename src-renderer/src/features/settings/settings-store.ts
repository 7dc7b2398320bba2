/**
 * The Settings screen's state and requests: the helper's settings (`settings.get`/`settings.set`: repository,
 * password file, retention), the schedules for a read-only summary (`schedule.get`), and the remembered password
 * (`repository.rememberPassword`/`forgetPassword`, kept by main, never by this page) with whether one is remembered
 * and where sessions get theirs (`repository.passwordStatus`, read again after every change that alters it). Each
 * change keeps its own refusal, shown next to the control that asked for it. One store per mounted screen;
 * components only read it.
 */
import type { BackupManagerApi, ErrorCode, HelperSettings, PasswordStatus, ScheduleState } from '@contract';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
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

export type ChangeId = 'repository' | 'passwordFile' | 'password' | 'retention';

export interface SettingsStoreState {
  settings: Loadable<HelperSettings>;
  schedules: Loadable<ScheduleState[]>;
  /** Whether a password is remembered for the repository, and where sessions get it; never the password. */
  passwordStatus: Loadable<PasswordStatus>;
  repositoryInput: string;
  passwordFileInput: string;
  retentionForm: RetentionForm;
  keepEverything: boolean;
  retentionProblems: Partial<Record<RetentionKey, string>>;
  /** Which password request runs (one at a time). */
  passwordPending: 'remember' | 'forget' | null;
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
}

export type SettingsStore = SettingsStoreState & SettingsActions;

export const initialSettingsState: SettingsStoreState = {
  settings: { status: 'loading' },
  schedules: { status: 'loading' },
  passwordStatus: { status: 'loading' },
  repositoryInput: '',
  passwordFileInput: '',
  retentionForm: emptyRetentionForm,
  keepEverything: true,
  retentionProblems: {},
  passwordPending: null,
  changes: { repository: idleChange, passwordFile: idleChange, password: idleChange, retention: idleChange },
};

export function createSettingsStore(api: BackupManagerApi) {
  return createStore<SettingsStore>()((set, get) => {
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
      patch: { repository?: string; passwordFile?: string; retention?: HelperSettings['retention'] },
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

    return {
      ...initialSettingsState,

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
        if (settings.ok) showRetention(settings.value.settings.retention);
      },

      setRepositoryInput(value) {
        set({ repositoryInput: value });
        patchChange('repository', { problem: null, refusal: null });
      },

      async saveRepository() {
        const checked = checkPath(get().repositoryInput, '/srv/backup/repository');
        if (!checked.ok) {
          patchChange('repository', { problem: checked.problem, refusal: null, notice: null });
          return false;
        }
        const saved = await saveSetting(
          'repository',
          { repository: checked.path },
          (s) => `Sessions now write to ${s.repository}.`,
        );
        if (saved) {
          set({ repositoryInput: '' });
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
}

export type SettingsStoreApi = ReturnType<typeof createSettingsStore>;

export function useSettings<T>(store: SettingsStoreApi, selector: (state: SettingsStore) => T): T {
  return useStore(store, selector);
}

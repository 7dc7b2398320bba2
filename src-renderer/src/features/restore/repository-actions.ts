/**
 * Step 1 of the wizard store: the repository location (a folder, an SFTP server or S3 storage), its password and
 * for S3 optional access keys, opening it (`restore.open`) and closing it. Secrets are held only while typed: the
 * access keys leave the page with the request that sends them, the password once the repository is open. When an
 * SFTP server's host key is not trusted (HOST_KEY_MISMATCH), the host key is read for that location so the user
 * can compare and trust it (the same panel as in Settings); trusting opens the repository again.
 */
import type { BackupManagerApi, S3Credentials } from '@contract';
import type { HostKeyStoreApi } from '../remote-repository/host-key-store';
import { emptySelection, failureOf, noJob } from './restore-state';
import type { GetState, SetState } from './restore-store';
import { checkRepositoryPath } from './restore-text';

export interface RepositoryActions {
  setRepositoryInput(value: string): void;
  setPasswordInput(value: string): void;
  setS3AccessKeyIdInput(value: string): void;
  setS3SecretInput(value: string): void;
  useConfiguredRepository(): void;
  open(): Promise<boolean>;
  /** Forgets the opened repository (its key leaves the helper) and starts the wizard again. */
  closeRepository(): Promise<void>;
}

/** The typed access keys: none (use the remembered ones), both, or a problem when only one was typed. */
function typedAccessKeys(
  accessKeyId: string,
  secret: string,
): { ok: true; value: S3Credentials | undefined } | { ok: false; problem: string } {
  const id = accessKeyId.trim();
  if (id === '' && secret === '') return { ok: true, value: undefined };
  if (id === '' || secret === '')
    return {
      ok: false,
      problem:
        'Type both the access key ID and the secret access key, or leave both empty to use the ones remembered in Settings.',
    };
  return { ok: true, value: { accessKeyId: id, secretAccessKey: secret } };
}

const noAccessKeys = { s3AccessKeyIdInput: '', s3SecretInput: '' } as const;

export function createRepositoryActions(
  api: BackupManagerApi,
  set: SetState,
  get: GetState,
  hostKey: HostKeyStoreApi,
): RepositoryActions {
  return {
    setRepositoryInput(value) {
      set({ repositoryInput: value, openError: null });
      // The panel was about the location as it was typed before.
      if (hostKey.getState().lookup.status !== 'idle') hostKey.getState().reset();
    },

    setPasswordInput(value) {
      set({ passwordInput: value, openError: null });
    },

    setS3AccessKeyIdInput(value) {
      set({ s3AccessKeyIdInput: value, openError: null });
    },

    setS3SecretInput(value) {
      set({ s3SecretInput: value, openError: null });
    },

    useConfiguredRepository() {
      const configured = get().configuredRepository;
      if (configured !== null) get().setRepositoryInput(configured);
    },

    async open() {
      if (get().opening) return false;
      const location = checkRepositoryPath(get().repositoryInput);
      if (!location.ok) {
        set({ openError: { code: 'INVALID_PATH', message: location.problem } });
        return false;
      }
      const keys =
        location.kind === 's3'
          ? typedAccessKeys(get().s3AccessKeyIdInput, get().s3SecretInput)
          : ({ ok: true, value: undefined } as const);
      if (!keys.ok) {
        set({ openError: { code: 'ACCESS_KEYS_INCOMPLETE', message: keys.problem } });
        return false;
      }
      const password = get().passwordInput;
      // The access keys go with this request and nowhere else: the page forgets them now, whatever the answer.
      set({ opening: true, openError: null, ...noAccessKeys });
      const result = await api.invoke('restore.open', {
        repository: location.value,
        ...(password === '' ? {} : { password }),
        ...(keys.value === undefined ? {} : { s3Credentials: keys.value }),
      });
      if (!result.ok) {
        set({ opening: false, openError: failureOf(result) });
        if (result.code === 'HOST_KEY_MISMATCH' && location.kind === 'sftp')
          await hostKey.getState().look(location.value);
        else hostKey.getState().reset();
        return false;
      }
      hostKey.getState().reset();
      const previous = get().repository;
      if (previous !== null) void api.invoke('restore.close', { handle: previous.handle });
      set({
        opening: false,
        passwordInput: '',
        repository: result.value,
        ...emptySelection,
        ...noJob,
        step: 'session',
      });
      await get().reloadMachines();
      return true;
    },

    async closeRepository() {
      const repository = get().repository;
      set({
        repository: null,
        passwordInput: '',
        ...noAccessKeys,
        ...emptySelection,
        ...noJob,
        step: 'repository',
      });
      if (repository !== null) await api.invoke('restore.close', { handle: repository.handle });
    },
  };
}

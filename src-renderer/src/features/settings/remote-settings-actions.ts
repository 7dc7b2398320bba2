/**
 * The Settings actions of remote repositories: the SSH key file the helper logs in to an SFTP server with, the S3
 * credentials file scheduled sessions read, and the S3 access keys the app remembers (encrypted by the keychain,
 * like the password). The access keys are handed to main once and never kept by the store: the form that typed
 * them clears itself, and nothing here holds them after the request.
 */
import type { S3Credentials } from '@contract';
import type { SettingsKit } from './settings-store';
import { checkPath } from './settings-text';

export interface RemoteSettingsActions {
  setSshKeyFileInput(value: string): void;
  saveSshKeyFile(): Promise<boolean>;
  setS3CredentialsFileInput(value: string): void;
  saveS3CredentialsFile(): Promise<boolean>;
  /** Hands the access keys to main to remember for the current repository; the store keeps no copy. */
  rememberS3Credentials(credentials: S3Credentials): Promise<boolean>;
  forgetS3Credentials(): Promise<boolean>;
}

export function createRemoteSettingsActions(kit: SettingsKit): RemoteSettingsActions {
  const { api, set, get, patchChange, saveSetting, readPasswordStatus, currentRepository } = kit;

  /** Checks the typed path of a secret file setting and saves it; the input is emptied once the helper took it. */
  const savePathSetting = async (
    field: 'sshKeyFile' | 's3CredentialsFile',
    input: 'sshKeyFileInput' | 's3CredentialsFileInput',
    example: string,
    notice: (path: string) => string,
  ): Promise<boolean> => {
    const checked = checkPath(get()[input], example);
    if (!checked.ok) {
      patchChange(field, { problem: checked.problem, refusal: null, notice: null });
      return false;
    }
    const saved = await saveSetting(field, { [field]: checked.path }, (s) =>
      notice(s[field] ?? checked.path),
    );
    if (saved) set({ [input]: '' });
    return saved !== null;
  };

  return {
    setSshKeyFileInput(value) {
      set({ sshKeyFileInput: value });
      patchChange('sshKeyFile', { problem: null, refusal: null });
    },

    saveSshKeyFile() {
      return savePathSetting(
        'sshKeyFile',
        'sshKeyFileInput',
        '/etc/backup-manager/ssh_key',
        (path) => `The helper now logs in to the SFTP server with ${path}.`,
      );
    },

    setS3CredentialsFileInput(value) {
      set({ s3CredentialsFileInput: value });
      patchChange('s3CredentialsFile', { problem: null, refusal: null });
    },

    async saveS3CredentialsFile() {
      const saved = await savePathSetting(
        's3CredentialsFile',
        's3CredentialsFileInput',
        '/etc/backup-manager/s3-credentials',
        (path) => `Scheduled sessions now read the access keys from ${path}.`,
      );
      // Whether scheduled sessions have keys shows in the status.
      if (saved) await readPasswordStatus();
      return saved;
    },

    async rememberS3Credentials(credentials) {
      const repository = currentRepository();
      if (get().s3Pending !== null) return false;
      if (repository === null) {
        patchChange('s3Credentials', { problem: 'Set the repository first.', refusal: null, notice: null });
        return false;
      }
      const accessKeyId = credentials.accessKeyId.trim();
      if (accessKeyId === '' || credentials.secretAccessKey === '') {
        patchChange('s3Credentials', {
          problem: 'Type both the access key ID and the secret access key.',
          refusal: null,
          notice: null,
        });
        return false;
      }
      set({ s3Pending: 'remember' });
      patchChange('s3Credentials', { saving: true, problem: null, refusal: null, notice: null });
      const result = await api.invoke('repository.rememberS3Credentials', {
        repository,
        credentials: { accessKeyId, secretAccessKey: credentials.secretAccessKey },
      });
      set({ s3Pending: null });
      await readPasswordStatus();
      if (!result.ok) {
        patchChange('s3Credentials', {
          saving: false,
          refusal: { code: result.code, message: result.message },
        });
        return false;
      }
      patchChange('s3Credentials', {
        saving: false,
        notice: `Access keys remembered for ${repository}, encrypted by the operating system's keychain.`,
      });
      return true;
    },

    async forgetS3Credentials() {
      const repository = currentRepository();
      if (repository === null || get().s3Pending !== null) return false;
      set({ s3Pending: 'forget' });
      patchChange('s3Credentials', { saving: true, problem: null, refusal: null, notice: null });
      const result = await api.invoke('repository.forgetS3Credentials', { repository });
      set({ s3Pending: null });
      await readPasswordStatus();
      if (!result.ok) {
        patchChange('s3Credentials', {
          saving: false,
          refusal: { code: result.code, message: result.message },
        });
        return false;
      }
      patchChange('s3Credentials', {
        saving: false,
        notice: `No access keys are remembered for ${repository} in this app any more.`,
      });
      return true;
    },
  };
}

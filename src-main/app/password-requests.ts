/**
 * The handlers that remember and forget a repository's password (encrypted by the keyring, repository-secrets.ts),
 * and say whether one is remembered and where sessions get theirs — never the password itself, which a status
 * does not even decrypt. Without a secrets store (console mode) nothing is remembered: the console's page runs in
 * a browser, which must never hold the repository password at rest, and plain Node has no keyring to encrypt it.
 */
import { SettingsGetRequest } from '../helper-protocol/protocol';
import type { PasswordStatus, RequestHandlers } from '../ipc/contract';
import { AppError } from '../ipc/request-dispatcher';
import { askHelper, type HelperAccess } from './helper-requests';
import { isSecretsError, type RepositorySecrets } from './repository-secrets';
import { isS3Location, rememberS3Credentials, s3CredentialsEntry } from './s3-credential-secrets';

export type PasswordHandlers = Pick<
  RequestHandlers,
  | 'repository.rememberPassword'
  | 'repository.forgetPassword'
  | 'repository.passwordStatus'
  | 'repository.rememberS3Credentials'
  | 'repository.forgetS3Credentials'
>;

export const noSecretsReason =
  'This Backup Manager (console mode) does not keep repository passwords. Set a password file (mode 0600) in ' +
  'the helper settings, or give the helper BACKUP_MANAGER_PASSWORD_FILE in its environment.';

export const noS3KeysReason =
  'This Backup Manager (console mode) does not keep S3 access keys. Set an S3 credentials file (mode 0600, ' +
  'AWS_ACCESS_KEY_ID= and AWS_SECRET_ACCESS_KEY= lines) in the helper settings, or give the helper AWS_* in its ' +
  'environment.';

export function createPasswordHandlers(
  secrets: RepositorySecrets | null,
  access: HelperAccess,
): PasswordHandlers {
  return {
    async 'repository.passwordStatus'() {
      // The repository sessions use is the helper's; so is the password file scheduled sessions read.
      const { settings } = await askHelper(access, 'read the helper settings', SettingsGetRequest.type, {});
      return passwordStatus(settings.repository, settings.passwordFile, secrets);
    },
    async 'repository.rememberPassword'({ repository, password }) {
      if (secrets === null) throw new AppError('SECRETS_UNAVAILABLE', noSecretsReason);
      const availability = secrets.available();
      if (!availability.ok) {
        throw new AppError('SECRETS_UNAVAILABLE', `Cannot remember the password: ${availability.reason}`);
      }
      try {
        await secrets.set(repository, password);
      } catch (error) {
        throw asAppError(error);
      }
      return { remembered: true };
    },
    async 'repository.rememberS3Credentials'({ repository, credentials }) {
      if (!isS3Location(repository))
        throw new AppError(
          'SETTINGS_INVALID',
          `${repository} is not an S3 repository: it has no access keys`,
        );
      if (secrets === null) throw new AppError('SECRETS_UNAVAILABLE', noS3KeysReason);
      const availability = secrets.available();
      if (!availability.ok) {
        throw new AppError(
          'SECRETS_UNAVAILABLE',
          `Cannot remember the access keys: ${availability.reason} Set an S3 credentials file in the helper settings instead.`,
        );
      }
      try {
        await rememberS3Credentials(secrets, repository, credentials);
      } catch (error) {
        throw asAppError(error);
      }
      return { remembered: true };
    },
    async 'repository.forgetS3Credentials'({ repository }) {
      if (secrets === null) return { forgotten: true };
      try {
        await secrets.forget(s3CredentialsEntry(repository));
      } catch (error) {
        throw asAppError(error);
      }
      return { forgotten: true };
    },
    async 'repository.forgetPassword'({ repository }) {
      // Nothing is ever remembered without a secrets store, so there is nothing to forget.
      if (secrets === null) return { forgotten: true };
      try {
        await secrets.forget(repository);
      } catch (error) {
        throw asAppError(error);
      }
      return { forgotten: true };
    },
  };
}

/**
 * The contract error for a secrets failure the user can act on; anything else (a read or write failure of the
 * file) is returned as it is, so the dispatcher reports it as INTERNAL and logs it.
 */
export function asAppError(error: unknown): unknown {
  if (isSecretsError(error, 'SECRETS_UNAVAILABLE')) return new AppError('SECRETS_UNAVAILABLE', error.message);
  if (isSecretsError(error, 'SECRETS_CORRUPT')) return new AppError('SECRETS_CORRUPT', error.message);
  return error;
}

/** The status of the password of `repository`: what the app keeps, and where each kind of session gets it. */
async function passwordStatus(
  repository: string | null,
  passwordFile: string | null,
  secrets: RepositorySecrets | null,
): Promise<PasswordStatus> {
  const availability =
    secrets === null ? { ok: false as const, reason: noSecretsReason } : secrets.available();
  let remembered = false;
  let s3CredentialsRemembered = false;
  if (repository !== null && secrets !== null) {
    try {
      remembered = await secrets.has(repository);
      if (isS3Location(repository))
        s3CredentialsRemembered = await secrets.has(s3CredentialsEntry(repository));
    } catch (error) {
      throw asAppError(error);
    }
  }
  const fromFile = passwordFile === null ? 'none' : 'password-file';
  return {
    repository,
    remembered,
    // A remembered password the keychain cannot decrypt now (locked) is not handed over: the start falls back to
    // the helper's file (session-requests.ts), so the status says what will really happen.
    source: remembered && availability.ok ? 'keychain' : fromFile,
    scheduledSource: fromFile,
    passwordFile,
    keychain: availability.ok
      ? { available: true, reason: null }
      : { available: false, reason: availability.reason },
    s3CredentialsRemembered,
  };
}

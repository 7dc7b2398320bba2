/**
 * The handlers that remember and forget a repository's password (encrypted by the keyring, repository-secrets.ts).
 * Without a secrets store (console mode) nothing is remembered: the console's page runs in a browser, which must
 * never hold the repository password at rest, and plain Node has no keyring to encrypt it with.
 */
import type { RequestHandlers } from '../ipc/contract';
import { AppError } from '../ipc/request-dispatcher';
import { isSecretsError, type RepositorySecrets } from './repository-secrets';

export type PasswordHandlers = Pick<
  RequestHandlers,
  'repository.rememberPassword' | 'repository.forgetPassword'
>;

export const noSecretsReason =
  'This Backup Manager (console mode) does not keep repository passwords. Set a password file (mode 0600) in ' +
  'the helper settings, or give the helper BACKUP_MANAGER_PASSWORD_FILE in its environment.';

export function createPasswordHandlers(secrets: RepositorySecrets | null): PasswordHandlers {
  return {
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

/**
 * The session's repository: opened in preflight (a wrong password or a missing drive fails the session before any
 * snapshot is made), kept open for the backup and verification, closed in cleanup.
 */
import type { Backend } from '../../engine/backend/backend';
import { isEngineError } from '../../engine/errors';
import { Repository } from '../../engine/repository/repository';
import type { AttemptContext } from './session-context';
import { SessionError } from './session-failure';

export async function openSessionRepository(context: AttemptContext): Promise<void> {
  const location = context.session.repository;
  const password = await context.deps.passwords.resolve(context.session.id);
  const s3Credentials = context.deps.passwords.s3Credentials(context.session.id);
  let backend: Backend;
  try {
    backend = await context.deps.backends.open(location, s3Credentials ? { s3Credentials } : {});
  } catch (error) {
    if (isEngineError(error, 'INVALID_ARGUMENT'))
      throw new SessionError('REPO_UNREACHABLE', `the repository location ${location}: ${error.message}`, {
        retryable: false,
        cause: error,
      });
    // AUTH_FAILED (no key to log in with) and the like: classified by their engine codes.
    throw error;
  }
  try {
    context.repository = await Repository.open(backend, password);
  } catch (error) {
    await backend.close();
    if (isEngineError(error, 'WRONG_PASSWORD'))
      throw new SessionError('WRONG_PASSWORD', `the password does not open the repository at ${location}`, {
        retryable: false,
        cause: error,
      });
    if (isEngineError(error, 'NOT_A_REPOSITORY') || isEngineError(error, 'NOT_FOUND'))
      throw new SessionError('REPO_UNREACHABLE', `there is no repository at ${location}`, {
        retryable: false,
        cause: error,
      });
    if (isEngineError(error, 'IO_ERROR'))
      throw new SessionError(
        'REPO_UNREACHABLE',
        `the repository at ${location} cannot be read: ${error.message}`,
        {
          retryable: false,
          cause: error,
        },
      );
    // REPO_UNREACHABLE (a server that does not answer: retried), AUTH_FAILED, HOST_KEY_MISMATCH: by their codes.
    throw error;
  }
  context.log.info(`Repository ${location} opened (id ${context.repository.config.id.slice(0, 10)})`);
}

/** Closes the repository's backend (cached read handles); a failure is logged, the session's outcome stands. */
export async function closeSessionRepository(context: AttemptContext): Promise<void> {
  const repository = context.repository;
  if (repository === null) return;
  context.repository = null;
  try {
    await repository.backend.close();
  } catch (error) {
    context.log.warning(`Closing the repository failed: ${(error as Error).message}`);
  }
}

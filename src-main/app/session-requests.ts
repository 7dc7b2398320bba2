/**
 * Backup sessions through the helper: start, list, show, log, cancel. Starting hands the helper the password remembered for
 * the repository of its settings (if any) for that one session; without one the helper uses its own password
 * file or environment. The password goes into the session/start request and nowhere else: no log line, no event,
 * no error message.
 */
import { isHelperRequestError } from '../helper-client/helper-client-errors';
import {
  SessionCancelRequest,
  SessionListRequest,
  SessionLogRequest,
  SessionShowRequest,
  SessionStartRequest,
  SettingsGetRequest,
} from '../helper-protocol/protocol';
import type { HelperStatus, RequestHandlers } from '../ipc/contract';
import { AppError } from '../ipc/request-dispatcher';
import { askHelper, type HelperRequests, helperUnavailable } from './helper-requests';
import { asAppError, noSecretsReason } from './password-requests';
import { isSecretsError, type RepositorySecrets } from './repository-secrets';
import { isS3Location, rememberedS3Credentials } from './s3-credential-secrets';
import { toContractDetail, toContractLogEntry, toContractSummary } from './session-summary';

export type SessionHandlers = Pick<
  RequestHandlers,
  'sessions.start' | 'sessions.list' | 'sessions.show' | 'sessions.log' | 'sessions.cancel'
>;

export interface SessionRequestDeps {
  /** The helper to ask now, or null while none is connected. */
  helperRequests: () => HelperRequests | null;
  /** The helper status, for the message when there is no helper. */
  helperStatus: () => HelperStatus;
  /** Remembered repository passwords; null where the app keeps none (console mode). */
  secrets: RepositorySecrets | null;
}

/** The session list is newest first; the UI shows recent sessions, not the whole journal. */
const defaultListLimit = 100;
/** A log is read in pages (afterSeq = the last seq shown), so one answer stays small however long the log is. */
const defaultLogLimit = 1000;

/** What the app could find out about a remembered password for a session's repository. */
type Remembered = { password: string } | { password: null; unavailable: string | null };

export function createSessionHandlers(deps: SessionRequestDeps): SessionHandlers {
  const requireHelper = (what: string): HelperRequests => {
    const helper = deps.helperRequests();
    if (helper === null) throw helperUnavailable(deps.helperStatus(), what);
    return helper;
  };

  /** The helper went away mid-request: the same answer as no helper at all. Other failures pass unchanged. */
  const disconnectedAsUnavailable = (error: unknown, what: string): unknown =>
    isHelperRequestError(error, 'HELPER_DISCONNECTED') ? helperUnavailable(deps.helperStatus(), what) : error;

  const remembered = async (repository: string | null): Promise<Remembered> => {
    if (repository === null || deps.secrets === null) return { password: null, unavailable: null };
    try {
      const password = await deps.secrets.get(repository);
      return password === null ? { password: null, unavailable: null } : { password };
    } catch (error) {
      // The keyring is locked or gone: the helper may still have a password file, so the start goes on; the
      // reason is shown if the helper then has no password either.
      if (isSecretsError(error, 'SECRETS_UNAVAILABLE')) return { password: null, unavailable: error.message };
      throw asAppError(error);
    }
  };

  /** The S3 keys remembered for an S3 repository; null otherwise, or when the keyring cannot decrypt them now. */
  const rememberedKeys = async (repository: string | null) => {
    if (!isS3Location(repository) || deps.secrets === null) return null;
    try {
      return await rememberedS3Credentials(deps.secrets, repository);
    } catch (error) {
      // As with the password: the helper may have its own credentials file, and says so if not (AUTH_FAILED).
      if (isSecretsError(error, 'SECRETS_UNAVAILABLE')) return null;
      throw asAppError(error);
    }
  };

  return {
    async 'sessions.start'({ source, paths, excludes }) {
      const what = 'start the backup';
      const helper = requireHelper(what);
      let repository: string | null;
      try {
        ({ repository } = (await helper.request(SettingsGetRequest.type, {})).settings);
      } catch (error) {
        if (!isHelperRequestError(error) || error.code === 'HELPER_DISCONNECTED')
          throw disconnectedAsUnavailable(error, what);
        throw new AppError(
          'SESSION_FAILED_TO_START',
          `Could not read the helper settings (${error.code}): ${error.message}`,
        );
      }
      const found = await remembered(repository);
      const s3Credentials = await rememberedKeys(repository);
      try {
        const result = await helper.request(SessionStartRequest.type, {
          source,
          ...(paths === undefined ? {} : { paths }),
          ...(excludes === undefined ? {} : { excludes }),
          // The repository is pinned with the password, so a settings change in between cannot hand this
          // repository's password to a session on another one.
          ...(found.password === null || repository === null ? {} : { repository, password: found.password }),
          // The same for an S3 repository's keys: they go with the repository they were remembered for.
          ...(s3Credentials === null || repository === null ? {} : { repository, s3Credentials }),
        });
        return { session: toContractSummary(result.session), created: result.created };
      } catch (error) {
        if (!isHelperRequestError(error)) throw error;
        if (error.code === 'HELPER_DISCONNECTED') {
          throw helperUnavailable(
            deps.helperStatus(),
            `${what} (the helper went away while starting it; once it is back the session list shows whether it started)`,
          );
        }
        if (error.code === 'PASSWORD_REQUIRED') {
          throw new AppError('PASSWORD_REQUIRED', passwordRequiredMessage(repository, found, deps.secrets));
        }
        throw new AppError(
          'SESSION_FAILED_TO_START',
          `The helper refused to start the backup (${error.code}): ${error.message}`,
        );
      }
    },

    async 'sessions.list'({ limit, source, status }) {
      const { sessions } = await askHelper(deps, 'list the backups', SessionListRequest.type, {
        limit: limit ?? defaultListLimit,
        ...(source === undefined ? {} : { source }),
        ...(status === undefined ? {} : { status }),
      });
      return { sessions: sessions.map(toContractSummary) };
    },

    async 'sessions.show'({ id }) {
      const { session } = await askHelper(deps, 'show the backup', SessionShowRequest.type, { id });
      return { session: toContractDetail(session) };
    },

    async 'sessions.log'({ id, afterSeq, minLevel, limit }) {
      const { entries } = await askHelper(deps, 'read the backup log', SessionLogRequest.type, {
        id,
        limit: limit ?? defaultLogLimit,
        ...(afterSeq === undefined ? {} : { afterSeq }),
        ...(minLevel === undefined ? {} : { minLevel }),
      });
      return { entries: entries.map(toContractLogEntry) };
    },

    async 'sessions.cancel'({ id }) {
      const { session } = await askHelper(deps, 'cancel the backup', SessionCancelRequest.type, { id });
      return { session: toContractSummary(session) };
    },
  };
}

function passwordRequiredMessage(
  repository: string | null,
  found: Remembered,
  secrets: RepositorySecrets | null,
): string {
  const where = repository === null ? 'the repository' : `the repository at ${repository}`;
  const head = `The helper has no password for ${where}.`;
  if (secrets === null) return `${head} ${noSecretsReason}`;
  const unreadable = found.password === null && found.unavailable !== null ? ` ${found.unavailable}` : '';
  return (
    `${head} Enter it once in Backup Manager (it is remembered, encrypted by your keyring), or set a password ` +
    `file (mode 0600) in the helper settings so scheduled backups have it too.${unreadable}`
  );
}

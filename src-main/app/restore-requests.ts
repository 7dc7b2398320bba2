/**
 * The restore wizard through the helper: open a repository, list its machines and sessions, compare, plan, start,
 * follow, cancel, repair boot, roll back, and the test restore with its schedule. Each call is forwarded to the
 * helper as it is; its refusals become contract errors with the codes the wizard branches on (restoreFailure).
 *
 * The repository password crosses in `restore.open` only (typed by the user, or the one the app remembers for that
 * repository); the helper derives the key once and the other requests name the repository by the returned handle.
 * No password reaches a log line, an event or an error message.
 */

import { CancellationTokenSource, type RequestParam, type RequestType } from 'vscode-jsonrpc';
import { isHelperRequestError } from '../helper-client/helper-client-errors';
import type { HelperErrorData } from '../helper-protocol/protocol';
import {
  RestoreBootRepairRequest,
  RestoreCancelRequest,
  RestoreCloseRequest,
  RestoreCompatibilityRequest,
  RestoreJobRequest,
  RestoreJobsRequest,
  RestoreMachinesRequest,
  RestoreOpenRequest,
  RestorePlanRequest,
  RestoreRollbackRequest,
  RestoreSessionsRequest,
  RestoreStartRequest,
  RestoreTestRequest,
  RestoreTestScheduleGetRequest,
  RestoreTestScheduleSetRequest,
  RestoreWaitRequest,
} from '../helper-protocol/restore-protocol';
import type { ErrorCode, RequestHandlers } from '../ipc/contract';
import { AppError } from '../ipc/request-dispatcher';
import { type HelperAccess, helperFailure, helperUnavailable } from './helper-requests';
import { asAppError } from './password-requests';
import type { RepositorySecrets } from './repository-secrets';
import {
  toContractBootRepair,
  toContractCompatibility,
  toContractJob,
  toContractMachine,
  toContractPlan,
  toContractRepositoryInfo,
  toContractSessionEntry,
  toContractTestSchedule,
} from './restore-mapping';
import { isS3Location, rememberedS3Credentials } from './s3-credential-secrets';

export type RestoreHandlers = Pick<
  RequestHandlers,
  | 'restore.open'
  | 'restore.close'
  | 'restore.machines'
  | 'restore.sessions'
  | 'restore.compatibility'
  | 'restore.plan'
  | 'restore.start'
  | 'restore.job'
  | 'restore.jobs'
  | 'restore.cancel'
  | 'restore.wait'
  | 'restore.bootRepair'
  | 'restore.rollback'
  | 'restore.test'
  | 'restore.testSchedule.get'
  | 'restore.testSchedule.set'
>;

export interface RestoreRequestDeps extends HelperAccess {
  /** Remembered repository passwords; null where the app keeps none (console mode). */
  secrets: RepositorySecrets | null;
  /** Timers, replaceable in tests (restore.wait's bounded wait). */
  setTimer?: (callback: () => void, ms: number) => () => void;
}

/** The helper's restore codes that cross unchanged: the wizard branches on them. */
const restoreCodes = [
  'WRONG_PASSWORD',
  'REPO_LOCKED',
  'RESTORE_HANDLE_UNKNOWN',
  'UNKNOWN_COMPONENT',
  'NO_SELECTION',
  'NOT_SYSTEM_STATE',
  'CONFIRMATION_MISMATCH',
  'NOT_AUTHORIZED',
  'INCOMPATIBLE_SYSTEM',
  'RESTORE_JOB_NOT_FOUND',
  'INVALID_TARGET',
  'PATH_ESCAPE',
  'RESTORE_BUSY',
  'JOB_RUNNING',
  'ROLLBACK_UNAVAILABLE',
  'ROLLBACK_INCOMPLETE',
  'BOOT_REPAIR_UNAVAILABLE',
  'NO_SESSION',
  'REPOSITORY_UNSET',
  // Remote repositories: the engine's codes, the same words on both sides.
  'REPO_UNREACHABLE',
  'AUTH_FAILED',
  'HOST_KEY_MISMATCH',
  'QUOTA_EXCEEDED',
] as const satisfies readonly ErrorCode[];

/** The engine's names for conditions the wizard knows by another name. */
const engineCodes: Readonly<Record<string, ErrorCode>> = {
  NOT_A_REPOSITORY: 'REPO_NOT_FOUND',
  CORRUPT: 'REPO_CORRUPT',
};

/** Per request, what the engine's NOT_FOUND means: no repository there, or no such session in it. */
export type NotFoundMeans = 'REPO_NOT_FOUND' | 'SNAPSHOT_NOT_FOUND';

/**
 * The contract error for a failed restore request: the helper's code where the wizard branches on it, else
 * helperFailure's (shared codes, INVALID_REQUEST, HELPER_UNAVAILABLE, or HELPER_FAILED keeping the helper's code).
 */
export function restoreFailure(
  error: unknown,
  access: Pick<HelperAccess, 'helperStatus'>,
  what: string,
  notFound?: NotFoundMeans,
): unknown {
  if (isHelperRequestError(error)) {
    const code = (restoreCodes as readonly string[]).includes(error.code)
      ? (error.code as ErrorCode)
      : error.code === 'NOT_FOUND' && notFound !== undefined
        ? notFound
        : Object.hasOwn(engineCodes, error.code)
          ? engineCodes[error.code]
          : undefined;
    if (code !== undefined) return new AppError(code, `Cannot ${what}: ${error.message}`);
  }
  return helperFailure(error, access, what);
}

/** How long restore.wait waits when the caller does not say. */
const defaultWaitSeconds = 60;

export function createRestoreHandlers(deps: RestoreRequestDeps): RestoreHandlers {
  const setTimer =
    deps.setTimer ??
    ((callback: () => void, ms: number) => {
      const timer = setTimeout(callback, ms);
      return () => clearTimeout(timer);
    });

  const ask = async <P, R>(
    what: string,
    type: RequestType<P, R, HelperErrorData>,
    params: RequestParam<P>,
    notFound?: NotFoundMeans,
  ): Promise<R> => {
    const helper = deps.helperRequests();
    if (helper === null) throw helperUnavailable(deps.helperStatus(), what);
    try {
      return await helper.request(type, params);
    } catch (error) {
      throw restoreFailure(error, deps, what, notFound);
    }
  };

  const rememberedPassword = async (repository: string): Promise<string> => {
    const missing = `Type the password of the repository at ${repository}`;
    if (deps.secrets === null) {
      throw new AppError(
        'PASSWORD_REQUIRED',
        `${missing}: this Backup Manager (console mode) does not keep repository passwords.`,
      );
    }
    let password: string | null;
    try {
      password = await deps.secrets.get(repository);
    } catch (error) {
      throw asAppError(error);
    }
    if (password === null)
      throw new AppError('PASSWORD_REQUIRED', `${missing}: none is remembered for it in this app.`);
    return password;
  };

  /** An S3 repository's remembered keys (null: none, or not S3; the helper then uses its credentials file). */
  const rememberedKeys = async (repository: string) => {
    if (!isS3Location(repository) || deps.secrets === null) return null;
    try {
      return await rememberedS3Credentials(deps.secrets, repository);
    } catch (error) {
      throw asAppError(error);
    }
  };

  return {
    async 'restore.open'({ repository, password, s3Credentials }) {
      const secret = password ?? (await rememberedPassword(repository));
      const keys = s3Credentials ?? (await rememberedKeys(repository));
      const info = await ask(
        // The helper's message names the repository itself.
        'open the repository',
        RestoreOpenRequest.type,
        { repository, password: secret, ...(keys === null ? {} : { s3Credentials: keys }) },
        'REPO_NOT_FOUND',
      );
      return toContractRepositoryInfo(info);
    },

    async 'restore.close'({ handle }) {
      return ask('close the repository', RestoreCloseRequest.type, { handle });
    },

    async 'restore.machines'({ handle }) {
      const { machines } = await ask('list the machines', RestoreMachinesRequest.type, { handle });
      return { machines: machines.map(toContractMachine) };
    },

    async 'restore.sessions'({ handle, hostname }) {
      const { sessions } = await ask(`list the sessions of ${hostname}`, RestoreSessionsRequest.type, {
        handle,
        hostname,
      });
      return { sessions: sessions.map(toContractSessionEntry) };
    },

    async 'restore.compatibility'({ handle, snapshotId }) {
      const report = await ask(
        'compare the session with this machine',
        RestoreCompatibilityRequest.type,
        { handle, snapshotId },
        'SNAPSHOT_NOT_FOUND',
      );
      return toContractCompatibility(report);
    },

    async 'restore.plan'(choices) {
      return toContractPlan(
        await ask('plan the restore', RestorePlanRequest.type, choices, 'SNAPSHOT_NOT_FOUND'),
      );
    },

    async 'restore.start'(params) {
      const { job } = await ask('start the restore', RestoreStartRequest.type, params, 'SNAPSHOT_NOT_FOUND');
      return { job: toContractJob(job) };
    },

    async 'restore.job'({ jobId }) {
      const { job } = await ask('read the restore job', RestoreJobRequest.type, { jobId });
      return { job: toContractJob(job) };
    },

    async 'restore.jobs'() {
      const { jobs } = await ask('list the restore jobs', RestoreJobsRequest.type, {});
      return { jobs: jobs.map(toContractJob) };
    },

    async 'restore.cancel'({ jobId }) {
      const { job } = await ask('cancel the restore', RestoreCancelRequest.type, { jobId });
      return { job: toContractJob(job) };
    },

    async 'restore.wait'({ jobId, timeoutSeconds }) {
      const what = 'wait for the restore';
      const helper = deps.helperRequests();
      if (helper === null) throw helperUnavailable(deps.helperStatus(), what);
      const cancellation = new CancellationTokenSource();
      try {
        const waiting = helper.request(RestoreWaitRequest.type, { jobId }, cancellation.token);
        // Its failure is seen by the race below, or no longer matters once the wait timed out and was cancelled.
        waiting.catch(() => undefined);
        let stopTimer: () => void = () => undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          stopTimer = setTimer(() => resolve('timeout'), (timeoutSeconds ?? defaultWaitSeconds) * 1000);
        });
        let first: Awaited<typeof waiting> | 'timeout';
        try {
          first = await Promise.race([waiting, timedOut]);
        } catch (error) {
          throw restoreFailure(error, deps, what);
        } finally {
          stopTimer();
        }
        if (first !== 'timeout') return { job: toContractJob(first.job) };
        // Still running: stop the helper's wait (not the job), then answer with the job as it is now.
        cancellation.cancel();
      } finally {
        cancellation.dispose();
      }
      const { job } = await ask(what, RestoreJobRequest.type, { jobId });
      return { job: toContractJob(job) };
    },

    async 'restore.bootRepair'({ jobId, confirm }) {
      const result = await ask('repair the boot configuration', RestoreBootRepairRequest.type, {
        jobId,
        confirm,
      });
      return toContractBootRepair(result);
    },

    async 'restore.rollback'({ handle, jobId, confirmHostname }) {
      const { job } = await ask('roll back the restore', RestoreRollbackRequest.type, {
        handle,
        jobId,
        confirmHostname,
      });
      return { job: toContractJob(job) };
    },

    async 'restore.test'({ handle, hostname }) {
      const { job } = await ask('start the test restore', RestoreTestRequest.type, {
        ...(handle === undefined ? {} : { handle }),
        ...(hostname === undefined ? {} : { hostname }),
      });
      return { job: toContractJob(job) };
    },

    async 'restore.testSchedule.get'() {
      const { schedule } = await ask(
        'read the test restore schedule',
        RestoreTestScheduleGetRequest.type,
        {},
      );
      return { schedule: toContractTestSchedule(schedule) };
    },

    async 'restore.testSchedule.set'({ spec }) {
      const { schedule } = await ask('change the test restore schedule', RestoreTestScheduleSetRequest.type, {
        spec,
      });
      return { schedule: toContractTestSchedule(schedule) };
    },
  };
}

/**
 * Refusals that only restore *jobs* have (running, rolling back, test restores), beside the wizard's shared ones in
 * restore-error.ts (CONFIRMATION_MISMATCH, INCOMPATIBLE_SYSTEM, INVALID_TARGET, RESTORE_JOB_NOT_FOUND…). Same
 * contract: a string code that reaches the client as `error.data.code`.
 */
export const restoreJobErrorCodes = [
  /** Another job writes to this system, or into the same folder, right now: one at a time. */
  'RESTORE_BUSY',
  /** The job has not ended yet (boot repair, rollback of a running apply). */
  'JOB_RUNNING',
  /** Rollback of a job that was not an apply to this system, or whose apply record is missing. */
  'ROLLBACK_UNAVAILABLE',
  /** The rollback backup could not read everything it must put back: the apply was not started. */
  'ROLLBACK_INCOMPLETE',
  /** Boot repair of a job without a boot repair plan (a folder restore of Windows, no boot files restored…). */
  'BOOT_REPAIR_UNAVAILABLE',
  /** Test restore: the repository has no System state session of that machine. */
  'NO_SESSION',
  /** Test restore without a handle: the helper settings name no repository. */
  'REPOSITORY_UNSET',
  /** A job report on disk that cannot be understood (it is never overwritten by guesses). */
  'REPORT_INVALID',
] as const;

export type RestoreJobErrorCode = (typeof restoreJobErrorCodes)[number];

export class RestoreJobError extends Error {
  constructor(
    readonly code: RestoreJobErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RestoreJobError';
  }
}

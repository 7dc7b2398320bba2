/**
 * Refusals of the restore wizard's helper side. Like every error a handler throws, a RestoreError carries a string
 * code that reaches the client as `error.data.code` (server/response-errors.ts), so the UI and the CLI branch on
 * it. Engine errors (WRONG_PASSWORD, NOT_A_REPOSITORY, CORRUPT, …) are not wrapped: their codes travel as they are.
 */
export const restoreErrorCodes = [
  /** The handle was never issued, was closed, or expired after 30 idle minutes: open the repository again. */
  'RESTORE_HANDLE_UNKNOWN',
  /** A component id that the chosen session does not have. */
  'UNKNOWN_COMPONENT',
  /** Nothing to restore: no component chosen, or only components without files of their own. */
  'NO_SELECTION',
  /** The snapshot is not a System state snapshot (no `system-state` tag): the wizard restores System state only. */
  'NOT_SYSTEM_STATE',
  /** A malformed argument that the protocol's schema cannot catch (a relative path passed by a caller in the helper). */
  'INVALID_PARAMS',
  /** Applying to this system: the typed hostname is not this machine's. */
  'CONFIRMATION_MISMATCH',
  /** Applying a Windows session to Linux or the other way round. */
  'INCOMPATIBLE_SYSTEM',
  /** A restore job id the helper does not know. */
  'RESTORE_JOB_NOT_FOUND',
  /** A restore target that must not be written (inside the helper's state or the repository, not absolute…). */
  'INVALID_TARGET',
] as const;

export type RestoreErrorCode = (typeof restoreErrorCodes)[number];

export class RestoreError extends Error {
  constructor(
    readonly code: RestoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RestoreError';
  }
}

export function isRestoreError(error: unknown, code?: RestoreErrorCode): error is RestoreError {
  return error instanceof RestoreError && (code === undefined || error.code === code);
}

/**
 * Part of the renderer↔main contract (src-main/ipc/contract.ts re-exports it): Errors cross as data, always with a code the UI can branch on.
 * Loaded in the browser too: imports zod and the other contract files only (the boundary check enforces it).
 */
import { z } from 'zod';

export const errorCodes = [
  /** The payload or channel did not match the contract; the handler was never called. */
  'INVALID_REQUEST',
  /** A handler failed in a way it did not classify; the message says what happened. */
  'INTERNAL',
  /** The console link to main is down (produced by the renderer's client, never by main). */
  'DISCONNECTED',
  /** Collecting the system overview failed (a systeminformation probe threw). */
  'OVERVIEW_FAILED',
  /** No connected helper to do the work; the message carries the helper status (what is wrong, what to do). */
  'HELPER_UNAVAILABLE',
  /** The helper has no repository password for the session; the message says where to give one. */
  'PASSWORD_REQUIRED',
  /** Passwords cannot be remembered here (no usable keyring, or console mode); the message says why. */
  'SECRETS_UNAVAILABLE',
  /** The file of remembered passwords is damaged or cannot be decrypted; the message names the file. */
  'SECRETS_CORRUPT',
  /** The helper refused to start the session; the message keeps the helper's own code. */
  'SESSION_FAILED_TO_START',
  /** The helper's journal has no session with that id. */
  'SESSION_NOT_FOUND',
  /** The snapshot location cannot be used (missing, not local, not writable); the message says why. */
  'INVALID_LOCATION',
  /** Too little free space for the snapshot there; the message gives the numbers. */
  'INSUFFICIENT_SPACE',
  /** The helper refused a settings change; the message names the field and why. */
  'SETTINGS_INVALID',
  /** The helper refused a schedule; the message says why. */
  'SCHEDULE_INVALID',
  /** The helper could not compile an exclude pattern (schedule or session); the message names the pattern. */
  'INVALID_EXCLUDE',
  // The restore wizard: the helper's codes, crossing unchanged except where the engine names the same condition
  // otherwise (app/restore-requests.ts).
  /** The password does not open the repository. */
  'WRONG_PASSWORD',
  /** No repository at that path (nothing there, or not a repository). */
  'REPO_NOT_FOUND',
  /** The repository (or what was read from it) is damaged; the message says what was found. */
  'REPO_CORRUPT',
  /** Another process holds an exclusive lock on the repository. */
  'REPO_LOCKED',
  /** The opened repository was forgotten (closed, idle for 30 minutes, or the helper restarted): open it again. */
  'RESTORE_HANDLE_UNKNOWN',
  /** The repository has no such System state session (any more). */
  'SNAPSHOT_NOT_FOUND',
  /** A component id the session does not have. */
  'UNKNOWN_COMPONENT',
  /** Nothing to restore: no component chosen, or only components without files of their own. */
  'NO_SELECTION',
  /** The snapshot is not a System state snapshot. */
  'NOT_SYSTEM_STATE',
  /** Applying to this system: the hostname typed to confirm is not this machine's. */
  'CONFIRMATION_MISMATCH',
  /** A restore writes as root: it needs an administrator (polkit), not only a member of the helper's group. */
  'NOT_AUTHORIZED',
  /** A Windows session onto Linux or the other way round. */
  'INCOMPATIBLE_SYSTEM',
  /** The helper has no restore job with that id (jobs last as long as the helper runs). */
  'RESTORE_JOB_NOT_FOUND',
  /** The target must not be written (inside the helper's state or the repository, not absolute…); the message says why. */
  'INVALID_TARGET',
  /** A restored path would land outside the target. */
  'PATH_ESCAPE',
  /** Another job writes to this system or into the same folder right now: one at a time. */
  'RESTORE_BUSY',
  /** The job has not ended yet (boot repair, rollback). */
  'JOB_RUNNING',
  /** Only a finished apply to this system, with its rollback backup, can be rolled back. */
  'ROLLBACK_UNAVAILABLE',
  /** The rollback backup could not read everything it must put back: the apply was not started. */
  'ROLLBACK_INCOMPLETE',
  /** The job has no boot repair plan (a Windows folder restore, no boot files restored…). */
  'BOOT_REPAIR_UNAVAILABLE',
  /** Test restore: the repository has no System state session of that machine. */
  'NO_SESSION',
  /** Test restore: the helper settings name no repository. */
  'REPOSITORY_UNSET',
  // Remote repositories (SFTP, S3).
  /** The server cannot be reached (refused, timed out, the connection dropped); the message names it. */
  'REPO_UNREACHABLE',
  /** The server refused the SSH key or the access keys. */
  'AUTH_FAILED',
  /**
   * The SFTP server's host key is not one the user trusted (unknown, or changed); the message shows the
   * fingerprint, and `repository.hostKey` returns it for the user to compare and trust.
   */
  'HOST_KEY_MISMATCH',
  /** The remote storage refused a write for its quota. */
  'QUOTA_EXCEEDED',
  /** The helper failed the request for a reason the UI has no branch for; the message keeps the helper's code. */
  'HELPER_FAILED',
] as const;
export const ErrorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorSchema = z
  .object({ ok: z.literal(false), code: ErrorCodeSchema, message: z.string() })
  .strict();
export type ErrorResult = z.infer<typeof ErrorSchema>;
export type Result<T> = { ok: true; value: T } | ErrorResult;

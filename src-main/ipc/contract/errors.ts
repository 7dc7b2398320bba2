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

/**
 * Part of the renderer↔main contract (src-main/ipc/contract.ts re-exports it): The helper's settings and schedules.
 * Loaded in the browser too: imports zod and the other contract files only (the boundary check enforces it).
 */
import { z } from 'zod';
import { isoTime } from './primitives';
import { SessionSourceSchema } from './sessions';

/** Retention applied after a completed session (forget, not prune); null keeps everything. */
export const RetentionSchema = z
  .object({
    keepLast: z.number().int().min(1).optional(),
    keepDaily: z.number().int().min(1).optional(),
    keepWeekly: z.number().int().min(1).optional(),
    keepMonthly: z.number().int().min(1).optional(),
  })
  .strict();

/** The helper's settings. `passwordFile` is where the helper reads a password, never a password. */
export const HelperSettingsSchema = z
  .object({
    repository: z.string().nullable(),
    /** null: the default (the system disk). */
    snapshotLocation: z.string().nullable(),
    passwordFile: z.string().nullable(),
    retention: RetentionSchema.nullable(),
  })
  .strict();
export type HelperSettings = z.infer<typeof HelperSettingsSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
/** Daily or weekly at a local time; `off` disables. Weekdays: 0 = Sunday … 6 = Saturday. */
export const ScheduleSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('off') }).strict(),
  z.object({ kind: z.literal('daily'), time: hhmm }).strict(),
  z
    .object({
      kind: z.literal('weekly'),
      weekdays: z.array(z.number().int().min(0).max(6)).min(1).max(7),
      time: hhmm,
    })
    .strict(),
]);
export type ScheduleSpec = z.infer<typeof ScheduleSpecSchema>;

/** Exclude patterns in restic syntax (such as `*.tmp`); the helper compiles them and refuses a malformed one. */
export const ExcludePatternsSchema = z.array(z.string().min(1).max(4096)).max(1000);

export const ScheduleStateSchema = z
  .object({
    source: SessionSourceSchema,
    spec: ScheduleSpecSchema,
    /** Files: what a scheduled run backs up (the Files selection). */
    paths: z.array(z.string()),
    /** Files: exclude patterns (restic syntax) a scheduled run passes on. */
    excludes: z.array(z.string()),
    nextRunAt: isoTime.nullable(),
    lastRunAt: isoTime.nullable(),
    lastSessionId: z.string().nullable(),
  })
  .strict();
export type ScheduleState = z.infer<typeof ScheduleStateSchema>;

/**
 * Where a session's repository password comes from. `keychain`: the app hands over the one it remembered
 * (encrypted by the operating system's keychain); `password-file`: the helper reads the file of its settings;
 * `none`: nobody has it, so a session fails with PASSWORD_REQUIRED.
 */
export const passwordSources = ['keychain', 'password-file', 'none'] as const;
export const PasswordSourceSchema = z.enum(passwordSources);
export type PasswordSource = z.infer<typeof PasswordSourceSchema>;

/** Whether a password is remembered for the helper's repository, and where sessions get it. Never the password. */
export const PasswordStatusSchema = z
  .object({
    /** The repository of the helper's settings, which the answer is about; null while none is set. */
    repository: z.string().nullable(),
    /** The app keeps an encrypted password for that repository. */
    remembered: z.boolean(),
    /**
     * Sessions started from this app: the remembered password first (while the keychain can decrypt it), else the
     * helper's password file.
     */
    source: PasswordSourceSchema,
    /** Scheduled sessions have nobody to hand a password over: only the helper's password file. */
    scheduledSource: z.enum(['password-file', 'none']),
    /** The helper's password file (a path, never its contents). */
    passwordFile: z.string().nullable(),
    /** Whether this app can remember (and decrypt) passwords now, and if not why (console mode, locked keyring). */
    keychain: z.object({ available: z.boolean(), reason: z.string().nullable() }).strict(),
  })
  .strict();
export type PasswordStatus = z.infer<typeof PasswordStatusSchema>;

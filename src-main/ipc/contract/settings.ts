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

/** An SSH host key the user compared and trusted for a server (SHA256 fingerprint, as `ssh-keygen -lf` shows it). */
export const TrustedHostKeySchema = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535),
    fingerprint: z
      .string()
      .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a SHA256 fingerprint (SHA256:…, 43 characters)'),
  })
  .strict();
export type TrustedHostKey = z.infer<typeof TrustedHostKeySchema>;

/**
 * The helper's settings. `passwordFile`, `sshKeyFile` and `s3CredentialsFile` are where the helper reads a secret,
 * never a secret: the repository location holds no credentials either.
 */
export const HelperSettingsSchema = z
  .object({
    /** In restic's notation: a local path, sftp:… or s3:… (primitives.ts, repositoryLocation). */
    repository: z.string().nullable(),
    /** null: the default (the system disk). */
    snapshotLocation: z.string().nullable(),
    passwordFile: z.string().nullable(),
    retention: RetentionSchema.nullable(),
    /** SFTP: the private key the helper logs in with (a root-owned file, mode 0600; no passphrase). */
    sshKeyFile: z.string().nullable(),
    /** SFTP: the host keys the user trusted (repository.trustHostKey); the helper also reads its known_hosts. */
    trustedHostKeys: z.array(TrustedHostKeySchema),
    /**
     * S3: a root-owned file of mode 0600 with AWS_ACCESS_KEY_ID= and AWS_SECRET_ACCESS_KEY= lines, for scheduled
     * and restarted sessions (sessions started from the app get the keys the app remembered).
     */
    s3CredentialsFile: z.string().nullable(),
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
    /** An S3 repository: whether the app keeps its access keys (encrypted like the password); false otherwise. */
    s3CredentialsRemembered: z.boolean(),
  })
  .strict();
export type PasswordStatus = z.infer<typeof PasswordStatusSchema>;

/**
 * The host key an SFTP server presents, and whether it is trusted: `trusted` (the user trusted this key),
 * `known-host` (in the helper's known_hosts), `unknown` (never seen: show the fingerprint, let the user compare it
 * with the server's own `ssh-keygen -lf` and trust it), `changed` (another key was trusted for this server: a
 * reinstalled server, or someone in between).
 */
export const HostKeyStateSchema = z
  .object({
    host: z.string(),
    port: z.number().int(),
    /** The key's type, such as ssh-ed25519. */
    algorithm: z.string(),
    fingerprint: z.string(),
    status: z.enum(['trusted', 'known-host', 'unknown', 'changed']),
    /** `changed`: the fingerprint that was trusted before; null otherwise. */
    trustedFingerprint: z.string().nullable(),
  })
  .strict();
export type HostKeyState = z.infer<typeof HostKeyStateSchema>;

/** S3 access keys as the user types them; they travel to main once, to be remembered, and never come back. */
export const S3CredentialsSchema = z
  .object({
    accessKeyId: z.string().min(1).max(256),
    secretAccessKey: z.string().min(1).max(1024),
  })
  .strict();
export type S3Credentials = z.infer<typeof S3CredentialsSchema>;

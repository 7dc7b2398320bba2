/**
 * The one typed contract between the renderer and the main process.
 *
 * Every renderer→main call (a "request") and every main→renderer push (an "event") is declared here once, with a
 * zod schema. Main validates every inbound payload against these schemas before any handler sees it; the renderer's
 * client, the Electron preload and the console WebSocket are all typed from the same declarations, so there is no
 * second, hand-kept interface to drift out of date.
 *
 * This file must stay importable from a browser: it imports zod and the files of contract/ (its domain payloads,
 * split by area) and nothing else; the boundary check enforces it.
 */

import { z } from 'zod';
import type { Result } from './contract/errors';
import {
  AppStateSchema,
  HelperStatusSchema,
  OverviewSliceSchema,
  SystemOverviewSchema,
} from './contract/overview';
import { absolutePath, nonNegativeInt, repositoryLocation } from './contract/primitives';
import {
  BootRepairResultSchema,
  CompatibilityReportSchema,
  HostnameSchema,
  maxRestoreWaitSeconds,
  RestoreChoicesSchema,
  RestoreHandleSchema,
  RestoreJobIdSchema,
  RestoreJobSchema,
  RestoreMachineSchema,
  RestorePasswordSchema,
  RestorePlanSchema,
  RestoreRepositoryInfoSchema,
  RestoreSessionEntrySchema,
  RestoreStartParamsSchema,
  RestoreTestScheduleSchema,
  SnapshotIdSchema,
} from './contract/restore';
import {
  LogLevelSchema,
  SessionDetailSchema,
  SessionIdSchema,
  SessionLogEntrySchema,
  SessionProgressSchema,
  SessionSourceSchema,
  SessionStatusSchema,
  SessionSummarySchema,
} from './contract/sessions';
import {
  ExcludePatternsSchema,
  HelperSettingsSchema,
  HostKeyStateSchema,
  PasswordStatusSchema,
  RetentionSchema,
  S3CredentialsSchema,
  ScheduleSpecSchema,
  ScheduleStateSchema,
  TrustedHostKeySchema,
} from './contract/settings';
import {
  DiagnosticReportSchema,
  PreflightResultSchema,
  SizeEstimateSchema,
  SnapshotLocationStateSchema,
  SystemStateComponentSchema,
} from './contract/system-state';

export * from './contract/errors';
export * from './contract/overview';
export * from './contract/primitives';
export * from './contract/restore';
export * from './contract/sessions';
export * from './contract/settings';
export * from './contract/system-state';

/** Repository passwords are strings of 1 to 4096 characters, as the helper accepts them. */
const repositoryPassword = z.string().min(1).max(4096);

// ---------------------------------------------------------------------------------------------------------------
// Requests: renderer → main. Each has a params schema (validated by main) and a result schema (checked by main
// before the result leaves, so a handler bug surfaces as INTERNAL instead of malformed data in the UI).

const noParams = z.object({}).strict();

export const requests = {
  /** The whole application state, for the renderer to hydrate from once at start and after a reconnect. */
  'state.get': { params: noParams, result: AppStateSchema },
  /** The system overview; `refresh` collects it again instead of returning the cached one. */
  'system.overview': {
    params: z.object({ refresh: z.boolean().optional() }).strict(),
    result: SystemOverviewSchema,
  },
  /**
   * Starts a backup session now on the helper's repository, with the password remembered for it (if any).
   * `created` is false when a session of this source was already running: that one is returned.
   */
  'sessions.start': {
    params: z
      .object({
        source: SessionSourceSchema,
        /** Files source: what to back up (absolute paths; the helper checks them). */
        paths: z.array(z.string().min(1).max(4096)).max(10_000).optional(),
        /** Files source: patterns of entries to leave out (the helper refuses a malformed one: INVALID_EXCLUDE). */
        excludes: ExcludePatternsSchema.optional(),
      })
      .strict(),
    result: z.object({ session: SessionSummarySchema, created: z.boolean() }).strict(),
  },
  /** The newest sessions first (at most `limit`, 100 by default), optionally of one source or status. */
  'sessions.list': {
    params: z
      .object({
        limit: z.number().int().min(1).max(1000).optional(),
        source: SessionSourceSchema.optional(),
        status: SessionStatusSchema.optional(),
      })
      .strict(),
    result: z.object({ sessions: z.array(SessionSummarySchema) }).strict(),
  },
  /** One session with its attempts and every transition. SESSION_NOT_FOUND for an unknown id. */
  'sessions.show': {
    params: z.object({ id: SessionIdSchema }).strict(),
    result: z.object({ session: SessionDetailSchema }).strict(),
  },
  /** A session's log, oldest first: entries after `afterSeq` (to follow it), at most `limit` (1000 by default). */
  'sessions.log': {
    params: z
      .object({
        id: SessionIdSchema,
        afterSeq: nonNegativeInt.optional(),
        minLevel: LogLevelSchema.optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
      })
      .strict(),
    result: z.object({ entries: z.array(SessionLogEntrySchema) }).strict(),
  },
  /** Cancels a session; it ends Aborted once its cleanup ran. Cancelling a finished one changes nothing. */
  'sessions.cancel': {
    params: z.object({ id: SessionIdSchema }).strict(),
    result: z.object({ session: SessionSummarySchema }).strict(),
  },
  /** The System state components detected on this machine and the total estimate (the detected ones). */
  'systemState.components': {
    params: noParams,
    result: z
      .object({ components: z.array(SystemStateComponentSchema), estimate: SizeEstimateSchema })
      .strict(),
  },
  /** Every preflight check a System state session would run now, optionally for another location. */
  'systemState.preflight': {
    params: z.object({ location: absolutePath.optional() }).strict(),
    result: PreflightResultSchema,
  },
  /** The snapshot location (chosen or default), the default, and the drives it can be on. */
  'snapshotLocation.get': { params: noParams, result: SnapshotLocationStateSchema },
  /**
   * Validates and saves the snapshot location (null: back to the default). Refusals: INVALID_LOCATION,
   * INSUFFICIENT_SPACE, with the reason.
   */
  'snapshotLocation.set': {
    params: z.object({ location: absolutePath.nullable() }).strict(),
    result: SnapshotLocationStateSchema,
  },
  /** The diagnostic report (checks, components, provider, location, machine) as data and as text to copy. */
  'diagnostics.report': {
    params: noParams,
    result: z.object({ report: DiagnosticReportSchema, text: z.string() }).strict(),
  },
  /** The helper's settings (the repository, the snapshot location, the password file, retention). */
  'settings.get': { params: noParams, result: z.object({ settings: HelperSettingsSchema }).strict() },
  /**
   * Changes some helper settings (null clears one); the helper validates them first (SETTINGS_INVALID). The
   * snapshot location is not here: snapshotLocation.set checks its space as well.
   */
  'settings.set': {
    params: z
      .object({
        repository: repositoryLocation.nullable().optional(),
        passwordFile: absolutePath.nullable().optional(),
        retention: RetentionSchema.nullable().optional(),
        sshKeyFile: absolutePath.nullable().optional(),
        s3CredentialsFile: absolutePath.nullable().optional(),
      })
      .strict(),
    result: z.object({ settings: HelperSettingsSchema }).strict(),
  },
  /** The schedule of every data source, with the next run; the Files one holds the Files selection. */
  'schedule.get': {
    params: noParams,
    result: z.object({ schedules: z.array(ScheduleStateSchema) }).strict(),
  },
  /** Sets one data source's schedule (and, for Files, what it backs up). */
  'schedule.set': {
    params: z
      .object({
        source: SessionSourceSchema,
        spec: ScheduleSpecSchema,
        paths: z.array(absolutePath).max(10_000).optional(),
        excludes: ExcludePatternsSchema.optional(),
      })
      .strict(),
    result: z.object({ schedules: z.array(ScheduleStateSchema) }).strict(),
  },
  /**
   * Remembers the password of a repository, encrypted by the operating system's keyring, so sessions started
   * from the app can hand it to the helper. Fails with SECRETS_UNAVAILABLE where that is not possible.
   */
  'repository.rememberPassword': {
    params: z.object({ repository: repositoryLocation, password: repositoryPassword }).strict(),
    result: z.object({ remembered: z.literal(true) }).strict(),
  },
  /** Forgets the remembered password of a repository (nothing to do if there is none). */
  'repository.forgetPassword': {
    params: z.object({ repository: repositoryLocation }).strict(),
    result: z.object({ forgotten: z.literal(true) }).strict(),
  },
  /**
   * Whether a password is remembered for the repository of the helper's settings and where sessions get theirs
   * (the keychain, the helper's password file, or nowhere). Never returns or decrypts the password.
   */
  'repository.passwordStatus': { params: noParams, result: PasswordStatusSchema },
  /**
   * Remembers the S3 access keys of a repository, encrypted by the keyring like a password, so sessions and the
   * restore wizard started from the app can hand them to the helper. SECRETS_UNAVAILABLE where that is impossible.
   */
  'repository.rememberS3Credentials': {
    params: z.object({ repository: repositoryLocation, credentials: S3CredentialsSchema }).strict(),
    result: z.object({ remembered: z.literal(true) }).strict(),
  },
  /** Forgets the remembered S3 access keys of a repository (nothing to do if there are none). */
  'repository.forgetS3Credentials': {
    params: z.object({ repository: repositoryLocation }).strict(),
    result: z.object({ forgotten: z.literal(true) }).strict(),
  },
  /**
   * Connects to an SFTP repository's server (the one given, else the helper's) only far enough to see its host
   * key, and says whether that key is trusted. Never trusts anything by itself. REPO_UNREACHABLE when the server
   * cannot be reached, SETTINGS_INVALID when the location is not SFTP.
   */
  'repository.hostKey': {
    params: z.object({ repository: repositoryLocation.optional() }).strict(),
    result: HostKeyStateSchema,
  },
  /**
   * Trusts a host key the user compared with the server's (replacing the one trusted before for that server). The
   * helper refuses (HOST_KEY_MISMATCH) when the server does not present that key right now.
   */
  'repository.trustHostKey': {
    params: TrustedHostKeySchema,
    result: z.object({ settings: HelperSettingsSchema }).strict(),
  },

  // The restore wizard (contract/restore.ts). The password travels in restore.open only; the other requests name
  // the opened repository by its handle.
  /**
   * Opens a repository for the wizard (WRONG_PASSWORD, REPO_NOT_FOUND, REPO_CORRUPT). Without `password`, the one
   * remembered for that repository is used (PASSWORD_REQUIRED when there is none).
   */
  'restore.open': {
    params: z
      .object({
        repository: repositoryLocation,
        password: RestorePasswordSchema.optional(),
        /** An S3 repository: its access keys, else the ones remembered for it. */
        s3Credentials: S3CredentialsSchema.optional(),
      })
      .strict(),
    result: RestoreRepositoryInfoSchema,
  },
  /** Forgets an opened repository (its key leaves the helper's memory); handles also expire when idle. */
  'restore.close': {
    params: z.object({ handle: RestoreHandleSchema }).strict(),
    result: z.object({ closed: z.boolean() }).strict(),
  },
  /** Every machine with System state sessions in the repository, newest first. */
  'restore.machines': {
    params: z.object({ handle: RestoreHandleSchema }).strict(),
    result: z.object({ machines: z.array(RestoreMachineSchema) }).strict(),
  },
  /** One machine's System state sessions, newest first, with size and components. */
  'restore.sessions': {
    params: z.object({ handle: RestoreHandleSchema, hostname: HostnameSchema }).strict(),
    result: z.object({ sessions: z.array(RestoreSessionEntrySchema) }).strict(),
  },
  /** The session's machine against this machine, item by item (pass, warn, fail). */
  'restore.compatibility': {
    params: z.object({ handle: RestoreHandleSchema, snapshotId: SnapshotIdSchema }).strict(),
    result: CompatibilityReportSchema,
  },
  /** What a restore with these choices would do; changes nothing. */
  'restore.plan': { params: RestoreChoicesSchema, result: RestorePlanSchema },
  /** Starts a restore job; it then changes as `restore.changed` events. */
  'restore.start': {
    params: RestoreStartParamsSchema,
    result: z.object({ job: RestoreJobSchema }).strict(),
  },
  /** A restore job as it is now (RESTORE_JOB_NOT_FOUND once the helper restarted). */
  'restore.job': {
    params: z.object({ jobId: RestoreJobIdSchema }).strict(),
    result: z.object({ job: RestoreJobSchema }).strict(),
  },
  /** Every restore job since the helper started, newest first. */
  'restore.jobs': { params: noParams, result: z.object({ jobs: z.array(RestoreJobSchema) }).strict() },
  /** Cancels a running job; what was written stays (an apply's rollback backup can undo it). */
  'restore.cancel': {
    params: z.object({ jobId: RestoreJobIdSchema }).strict(),
    result: z.object({ job: RestoreJobSchema }).strict(),
  },
  /**
   * The job once it ended, or as it is after `timeoutSeconds` (60 by default) if it still runs: a caller that
   * cannot follow the events waits in bounded steps instead of one request that may last hours.
   */
  'restore.wait': {
    params: z
      .object({
        jobId: RestoreJobIdSchema,
        timeoutSeconds: z.number().int().min(1).max(maxRestoreWaitSeconds).optional(),
      })
      .strict(),
    result: z.object({ job: RestoreJobSchema }).strict(),
  },
  /** Runs the planned boot repair in a finished job's target; only with `confirm: true`. */
  'restore.bootRepair': {
    params: z.object({ jobId: RestoreJobIdSchema, confirm: z.literal(true) }).strict(),
    result: BootRepairResultSchema,
  },
  /** Undoes an apply to this system with its rollback backup; `confirmHostname` must be this machine's name. */
  'restore.rollback': {
    params: z
      .object({ handle: RestoreHandleSchema, jobId: RestoreJobIdSchema, confirmHostname: HostnameSchema })
      .strict(),
    result: z.object({ job: RestoreJobSchema }).strict(),
  },
  /**
   * Test restore: the latest System state session into a scratch folder, verified, then removed; never touches
   * the system. Defaults: the helper's own repository and this machine.
   */
  'restore.test': {
    params: z
      .object({ handle: RestoreHandleSchema.optional(), hostname: HostnameSchema.optional() })
      .strict(),
    result: z.object({ job: RestoreJobSchema }).strict(),
  },
  /** The test restore's schedule, its next run and the last test restore's outcome. */
  'restore.testSchedule.get': {
    params: noParams,
    result: z.object({ schedule: RestoreTestScheduleSchema }).strict(),
  },
  /** Sets the test restore's schedule (`off` stops it); SCHEDULE_INVALID with the reason. */
  'restore.testSchedule.set': {
    params: z.object({ spec: ScheduleSpecSchema }).strict(),
    result: z.object({ schedule: RestoreTestScheduleSchema }).strict(),
  },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;

// ---------------------------------------------------------------------------------------------------------------
// Events: main → renderer. `*.changed` of a slice replaces that slice of AppState; the session events are live
// streams forwarded from the helper, for whichever screen shows sessions.

export const events = {
  /** The overview slice changed (collection finished, failed, or was refreshed). */
  'overview.changed': OverviewSliceSchema,
  /** The helper link changed state. */
  'helper.statusChanged': HelperStatusSchema,
  /** A session changed status or phase (journaled by the helper first). */
  'session.changed': z.object({ session: SessionSummarySchema }).strict(),
  /** Progress of a running session, at most 10 a second per session (the helper thins it). */
  'session.progress': SessionProgressSchema,
  /** A restore job changed phase, progressed (at most 10 a second) or ended. */
  'restore.changed': z.object({ job: RestoreJobSchema }).strict(),
} as const satisfies Record<string, z.ZodType>;

// ---------------------------------------------------------------------------------------------------------------
// Derived types: both sides of the contract are typed from the declarations above.

export type RequestChannel = keyof typeof requests;
export type RequestParams<C extends RequestChannel> = z.input<(typeof requests)[C]['params']>;
export type ValidatedParams<C extends RequestChannel> = z.output<(typeof requests)[C]['params']>;
export type RequestResult<C extends RequestChannel> = z.output<(typeof requests)[C]['result']>;

export type EventChannel = keyof typeof events;
export type EventPayload<E extends EventChannel> = z.output<(typeof events)[E]>;

/** What main implements: one handler per request, receiving only validated params. */
export type RequestHandlers = {
  [C in RequestChannel]: (params: ValidatedParams<C>) => Promise<RequestResult<C>>;
};

/** What the renderer uses, whatever the transport (Electron preload or console WebSocket). */
export interface BackupManagerApi {
  invoke<C extends RequestChannel>(channel: C, params: RequestParams<C>): Promise<Result<RequestResult<C>>>;
  /** Returns a function that removes the listener. */
  subscribe<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

// ---------------------------------------------------------------------------------------------------------------
// Console wire format (JSON text frames over the loopback WebSocket).

/** Client → server: one request. `id` correlates the reply. */
export const WireRequestSchema = z
  .object({ id: z.number().int().nonnegative(), channel: z.string(), params: z.unknown() })
  .strict();
/** Server → client: the reply to request `id` (null when the frame was too malformed to carry an id). */
export type WireReply = { kind: 'reply'; id: number | null; result: Result<unknown> };
/** Server → client: a pushed event. */
export type WireEvent = { kind: 'event'; event: EventChannel; payload: unknown };
export type WireServerMessage = WireReply | WireEvent;

/** Frames larger than this are refused by the console server (the contract has no large payloads). */
export const maxWireFrameBytes = 256 * 1024;

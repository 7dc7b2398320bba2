/**
 * The one typed contract between the renderer and the main process.
 *
 * Every renderer→main call (a "request") and every main→renderer push (an "event") is declared here once, with a
 * zod schema. Main validates every inbound payload against these schemas before any handler sees it; the renderer's
 * client, the Electron preload and the console WebSocket are all typed from the same declarations, so there is no
 * second, hand-kept interface to drift out of date.
 *
 * This file must stay importable from a browser: it imports zod and nothing else (the boundary check enforces it).
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------------------
// Errors cross as data, always with a code the UI can branch on.

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

// ---------------------------------------------------------------------------------------------------------------
// Domain payloads.

const nonNegativeInt = z.number().int().nonnegative();
/** Times as the helper writes them: ISO-8601, UTC. */
const isoTime = z.iso.datetime({ offset: true });
/** Absolute on the helper's machine (POSIX or a Windows drive path); the helper checks the rest. */
const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), { message: 'must be an absolute path' });

export const FilesystemSchema = z
  .object({
    /** Device or volume, e.g. `/dev/vda1` or `C:`. */
    device: z.string(),
    /** Where it is mounted, e.g. `/` or `C:`. */
    mount: z.string(),
    /** Filesystem type, e.g. `ext4`, `btrfs`, `NTFS`. */
    type: z.string(),
    sizeBytes: nonNegativeInt,
    usedBytes: nonNegativeInt,
    /** Space an ordinary write can still use (reserved blocks excluded). */
    freeBytes: nonNegativeInt,
    readOnly: z.boolean(),
    /** True for the filesystem holding the operating system (`/` or the Windows system drive). */
    isSystem: z.boolean(),
  })
  .strict();
export type Filesystem = z.infer<typeof FilesystemSchema>;

export const BootModeSchema = z.enum(['uefi', 'bios', 'unknown']);
export type BootMode = z.infer<typeof BootModeSchema>;

export const SystemOverviewSchema = z
  .object({
    hostname: z.string(),
    os: z
      .object({
        /** Node's platform name: `linux`, `win32`, `darwin`, … */
        platform: z.string(),
        distro: z.string(),
        release: z.string(),
        codename: z.string(),
        kernel: z.string(),
        arch: z.string(),
        /**
         * Windows Server editions need extra checks (Shadow Copy on every drive). `null` where the OS has no such
         * distinction (Linux distributions).
         */
        serverEdition: z.boolean().nullable(),
      })
      .strict(),
    bootMode: BootModeSchema,
    filesystems: z.array(FilesystemSchema),
    /** ISO-8601 time the data was collected. */
    collectedAt: z.string(),
  })
  .strict();
export type SystemOverview = z.infer<typeof SystemOverviewSchema>;

/** The overview as the renderer holds it: collected lazily, so it can still be loading or have failed. */
export const OverviewSliceSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('loading') }).strict(),
  z.object({ status: z.literal('ready'), overview: SystemOverviewSchema }).strict(),
  z.object({ status: z.literal('error'), code: ErrorCodeSchema, message: z.string() }).strict(),
]);
export type OverviewSlice = z.infer<typeof OverviewSliceSchema>;

/**
 * The link from main to the elevated helper. `untrusted`: something answers on the helper's socket but is not the
 * helper (wrong owner); `unreachable`: the helper is installed but does not answer (stopped, crashed, refused us).
 */
export const helperStates = [
  'connected',
  'connecting',
  'not-installed',
  'version-mismatch',
  'untrusted',
  'unreachable',
] as const;
export const HelperStateSchema = z.enum(helperStates);
export type HelperState = z.infer<typeof HelperStateSchema>;

/** The link from main to the elevated helper, and what the user can do about it. */
export const HelperStatusSchema = z
  .object({
    state: HelperStateSchema,
    /** One plain sentence for the user: what is the matter. */
    detail: z.string(),
    /** What the user (or the help desk) can do about it; empty when nothing needs doing. */
    action: z.string(),
    /** The version the helper reported, once it answered; null before. */
    helperVersion: z.string().nullable(),
  })
  .strict();
export type HelperStatus = z.infer<typeof HelperStatusSchema>;

export const AppInfoSchema = z
  .object({
    version: z.string(),
    /** Which transport the renderer is being served over. */
    mode: z.enum(['electron', 'console']),
  })
  .strict();
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** Everything the renderer hydrates from once; each event afterwards replaces exactly one slice. */
export const AppStateSchema = z
  .object({
    app: AppInfoSchema,
    overview: OverviewSliceSchema,
    helper: HelperStatusSchema,
  })
  .strict();
export type AppState = z.infer<typeof AppStateSchema>;

/*
 * Backup sessions as the UI shows them. The helper protocol has richer shapes (helper-protocol/session-model.ts),
 * but this file may import zod only, so the lists are repeated here; a test in src-main/app keeps them equal.
 */
export const sessionSources = ['system-state', 'files'] as const;
export const SessionSourceSchema = z.enum(sessionSources);
export type SessionSource = z.infer<typeof SessionSourceSchema>;

export const sessionStatuses = [
  'in-process',
  'completed',
  'completed-with-errors',
  'failed',
  'aborted',
  'interrupted',
  'restarted',
  'not-started',
  'no-selection',
] as const;
export const SessionStatusSchema = z.enum(sessionStatuses);
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

export const sessionPhases = [
  'queued',
  'preflight',
  'snapshot',
  'collect',
  'backup',
  'verify',
  'cleanup',
  'done',
] as const;
export const SessionPhaseSchema = z.enum(sessionPhases);
export type SessionPhase = z.infer<typeof SessionPhaseSchema>;

export const SessionFailureSchema = z
  .object({
    /**
     * The helper's failure code (WRONG_PASSWORD, INSUFFICIENT_SPACE, …). A plain string on purpose: a code the
     * helper adds later must still reach the UI (which shows the message) instead of failing the whole result.
     */
    code: z.string(),
    message: z.string(),
    /** The troubleshooting check that explains the failure, if any. */
    check: z.string().nullable(),
  })
  .strict();
export type SessionFailure = z.infer<typeof SessionFailureSchema>;

export const SessionSummarySchema = z
  .object({
    id: z.string(),
    source: SessionSourceSchema,
    trigger: z.enum(['manual', 'schedule']),
    status: SessionStatusSchema,
    phase: SessionPhaseSchema,
    /** 0 while queued (no attempt started yet), 1 for the first run; each automatic restart adds one. */
    attempt: nonNegativeInt,
    maxAttempts: z.number().int().positive(),
    /** ISO-8601 times; null while not reached. */
    createdAt: isoTime,
    startedAt: isoTime.nullable(),
    endedAt: isoTime.nullable(),
    failure: SessionFailureSchema.nullable(),
  })
  .strict();
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

/** Generated by the helper: `YYYYMMDD-HHMMSS-xxxxxx`. */
export const SessionIdSchema = z.string().regex(/^\d{8}-\d{6}-[0-9a-f]{6}$/, 'not a session id');

export const SessionStatsSchema = z
  .object({
    filesNew: nonNegativeInt,
    filesChanged: nonNegativeInt,
    filesUnmodified: nonNegativeInt,
    bytesProcessed: nonNegativeInt,
    bytesAdded: nonNegativeInt,
    /** Entries that could not be read (the snapshot was written without them). */
    warnings: nonNegativeInt,
  })
  .strict();

export const SessionAttemptSchema = z
  .object({
    attempt: z.number().int().positive(),
    startedAt: isoTime,
    endedAt: isoTime.nullable(),
    /** How the attempt ended; null while it runs. */
    outcome: SessionStatusSchema.nullable(),
    failure: SessionFailureSchema.nullable(),
  })
  .strict();

export const SessionTransitionSchema = z
  .object({
    seq: nonNegativeInt,
    at: isoTime,
    attempt: nonNegativeInt,
    phase: SessionPhaseSchema,
    status: SessionStatusSchema,
    detail: z.string().nullable(),
  })
  .strict();

/** One session for its detail screen: the summary, what it backed up where, its attempts and every transition. */
export const SessionDetailSchema = SessionSummarySchema.extend({
  /** Files: the selected paths. System state: the component paths (known after preflight). */
  paths: z.array(z.string()),
  repository: z.string(),
  /** When an interrupted session runs again. */
  nextAttemptAt: isoTime.nullable(),
  /** The repository snapshot the session wrote. */
  snapshotId: z.string().nullable(),
  stats: SessionStatsSchema.nullable(),
  attempts: z.array(SessionAttemptSchema),
  transitions: z.array(SessionTransitionSchema),
}).strict();
export type SessionDetail = z.infer<typeof SessionDetailSchema>;

export const logLevels = ['debug', 'info', 'warning', 'error'] as const;
export const LogLevelSchema = z.enum(logLevels);

export const SessionLogEntrySchema = z
  .object({
    seq: nonNegativeInt,
    at: isoTime,
    attempt: nonNegativeInt,
    level: LogLevelSchema,
    message: z.string(),
  })
  .strict();
export type SessionLogEntry = z.infer<typeof SessionLogEntrySchema>;

/** Live progress of a running session (at most 10 a second per session). */
export const SessionProgressSchema = z
  .object({
    sessionId: z.string(),
    attempt: z.number().int().positive(),
    phase: SessionPhaseSchema,
    filesDone: nonNegativeInt,
    filesTotal: nonNegativeInt.nullable(),
    bytesDone: nonNegativeInt,
    bytesTotal: nonNegativeInt.nullable(),
    /** Over the last seconds. */
    bytesPerSecond: z.number().nonnegative(),
    etaSeconds: z.number().nonnegative().nullable(),
    currentItem: z.string().nullable(),
  })
  .strict();
export type SessionProgress = z.infer<typeof SessionProgressSchema>;

/*
 * System state, the snapshot location and troubleshooting, as the helper reports them. The helper protocol has
 * the same shapes (helper-protocol/system-state-model.ts); src-main/app/system-state-mapping.ts copies them
 * field by field, so the compiler finds a field that one side has and the other does not.
 */
export const CheckStatusSchema = z.enum(['pass', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

/** A preflight or troubleshooting check: the same words the CLI prints and the diagnostic report holds. */
export const PreflightCheckSchema = z
  .object({
    /** Stable id: `free-space`, `services`, `vss-writers`, `provider-health`, `mbr-2tb-limit`, … */
    id: z.string(),
    status: CheckStatusSchema,
    /** `OK` when it passes, else the code to branch on (INSUFFICIENT_SPACE, SERVICE_STOPPED, …). */
    code: z.string(),
    title: z.string(),
    /** What was observed, one fact per line. */
    evidence: z.array(z.string()),
    /** What to do about it; empty when nothing is needed. */
    fix: z.string(),
  })
  .strict();
export type PreflightCheck = z.infer<typeof PreflightCheckSchema>;

export const SizeEstimateSchema = z.object({ bytes: nonNegativeInt, files: nonNegativeInt }).strict();

export const SystemStateComponentSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    detected: z.boolean(),
    /** Why it is (or is not) detected. */
    evidence: z.array(z.string()),
    estimate: SizeEstimateSchema,
    /** What a backup of it reads. */
    paths: z.array(z.string()),
  })
  .strict();
export type SystemStateComponent = z.infer<typeof SystemStateComponentSchema>;

/** A local drive the snapshot location can be on. */
export const SnapshotDriveSchema = z
  .object({
    mountPoint: z.string(),
    device: z.string(),
    fsType: z.string(),
    totalBytes: nonNegativeInt,
    freeBytes: nonNegativeInt,
    isSystemDrive: z.boolean(),
    /** Whether the snapshot provider can keep its snapshot data there, and why (not). */
    snapshotData: z.object({ possible: z.boolean(), reason: z.string() }).strict(),
  })
  .strict();
export type SnapshotDrive = z.infer<typeof SnapshotDriveSchema>;

export const SnapshotLocationStateSchema = z
  .object({
    /** Where the next session puts its snapshot data and staging folder. */
    current: z.string(),
    /** `settings`: chosen by the user; `default`: the system disk. */
    source: z.enum(['default', 'settings']),
    /** The system-disk default. */
    default: z.string(),
    /** The snapshot technology of this machine (btrfs, lvm, vss, temp-copy) and why. */
    provider: z.object({ kind: z.string(), reason: z.string() }).strict(),
    /** Writable local drives, the system disk first, then by free space. */
    drives: z.array(SnapshotDriveSchema),
  })
  .strict();
export type SnapshotLocationState = z.infer<typeof SnapshotLocationStateSchema>;

/** The free-space check in numbers, and the drive its one-click fix moves the snapshot location to. */
export const FreeSpaceSummarySchema = z
  .object({
    location: z.string(),
    driveMount: z.string(),
    freeBytes: nonNegativeInt,
    estimateBytes: nonNegativeInt,
    /** Fails under this (1.1 × the estimate), warns under warnBelowBytes (1.5 ×). */
    failBelowBytes: nonNegativeInt,
    warnBelowBytes: nonNegativeInt,
    status: CheckStatusSchema,
    suggestedDrive: SnapshotDriveSchema.nullable(),
  })
  .strict();
export type FreeSpaceSummary = z.infer<typeof FreeSpaceSummarySchema>;

const locationSourceSchema = z.enum(['default', 'settings', 'override']);

export const PreflightResultSchema = z
  .object({
    checks: z.array(PreflightCheckSchema),
    overall: CheckStatusSchema,
    location: z.string(),
    /** `override`: the location the request asked to check. */
    locationSource: locationSourceSchema,
    /** Null when the location is not on a local drive (the free-space check fails with INVALID_LOCATION). */
    freeSpace: FreeSpaceSummarySchema.nullable(),
  })
  .strict();
export type PreflightResult = z.infer<typeof PreflightResultSchema>;

/** The report for the help desk, secrets already removed by the helper. */
export const DiagnosticReportSchema = z
  .object({
    generatedAt: isoTime,
    product: z.string(),
    machine: z
      .object({ hostname: z.string(), platform: z.string(), release: z.string(), arch: z.string() })
      .strict(),
    snapshot: z
      .object({
        provider: z.string(),
        providerReason: z.string(),
        location: z.string(),
        locationSource: locationSourceSchema,
      })
      .strict(),
    overall: CheckStatusSchema,
    checks: z.array(PreflightCheckSchema),
    components: z.array(
      z
        .object({
          id: z.string(),
          title: z.string(),
          detected: z.boolean(),
          evidence: z.array(z.string()),
          estimate: SizeEstimateSchema,
        })
        .strict(),
    ),
  })
  .strict();
export type DiagnosticReport = z.infer<typeof DiagnosticReportSchema>;

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

export const ScheduleStateSchema = z
  .object({
    source: SessionSourceSchema,
    spec: ScheduleSpecSchema,
    /** Files: what a scheduled run backs up (the Files selection). */
    paths: z.array(z.string()),
    nextRunAt: isoTime.nullable(),
    lastRunAt: isoTime.nullable(),
    lastSessionId: z.string().nullable(),
  })
  .strict();
export type ScheduleState = z.infer<typeof ScheduleStateSchema>;

/** Repository passwords are strings of 1 to 4096 characters, as the helper accepts them. */
const repositoryLocation = z.string().min(1).max(4096);
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
        repository: absolutePath.nullable().optional(),
        passwordFile: absolutePath.nullable().optional(),
        retention: RetentionSchema.nullable().optional(),
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

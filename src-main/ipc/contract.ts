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
    /** 1 for the first run; each automatic restart adds one. */
    attempt: z.number().int().positive(),
    maxAttempts: z.number().int().positive(),
    /** ISO-8601 times; null while not reached. */
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    failure: SessionFailureSchema.nullable(),
  })
  .strict();
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

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
  /** The newest sessions first (at most `limit`, 100 by default). */
  'sessions.list': {
    params: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    result: z.object({ sessions: z.array(SessionSummarySchema) }).strict(),
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
// Events: main → renderer. Each event's payload replaces one slice of AppState.

export const events = {
  /** The overview slice changed (collection finished, failed, or was refreshed). */
  'overview.changed': OverviewSliceSchema,
  /** The helper link changed state. */
  'helper.statusChanged': HelperStatusSchema,
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

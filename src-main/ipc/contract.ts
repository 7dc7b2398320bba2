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

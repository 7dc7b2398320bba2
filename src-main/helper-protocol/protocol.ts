/**
 * The helper protocol, declared the vscode-jsonrpc way: one namespace per request or notification, with its
 * method name, its typed `RequestType`/`NotificationType`, and the zod schema the helper validates every params
 * object with (jsonrpc itself validates nothing). The unprivileged client (main, CLI) and the elevated helper both
 * import this file; it must stay free of behaviour.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import { z } from 'zod';
import { restoreRequests } from './restore-protocol';
import {
  type HelperSettings,
  helperSettingsSchema,
  logLevelSchema,
  repositoryLocationText,
  type ScheduleState,
  type SessionDetail,
  type SessionLogEntry,
  type SessionProgress,
  type SessionSummary,
  s3CredentialsSchema,
  scheduleSpecSchema,
  sessionIdSchema,
  sessionSourceSchema,
  sessionStatusSchema,
  trustedHostKeySchema,
} from './session-model';
import type {
  DiagnosticReportResult,
  PreflightResult,
  SnapshotLocationState,
  SystemStateComponentsResult,
} from './system-state-model';

/**
 * Where the installed helper listens: the packages' systemd unit (resources/linux) and Windows service definition
 * (resources/windows) pass the same path, and the app and the CLI look there unless told otherwise.
 */
export function defaultHelperSocketPath(platform: NodeJS.Platform): string {
  return platform === 'win32' ? '\\\\.\\pipe\\backup-manager-helper' : '/run/backup-manager/helper.sock';
}

/**
 * Bumped on every incompatible change; `initialize` refuses a client speaking another version.
 * 2: System state requests (components, preflight, snapshot location, diagnostic report).
 * 3: the restore wizard (restore-protocol.ts: restore/open … restore/test, the test-restore schedule, and the
 *    restore/changed notification); session summaries carry `interruptions` and `errors`, and their `stats` from
 *    the end of the backup phase on.
 */
export const helperProtocolVersion = 3;

/** Application error codes (JSON-RPC reserves -32768…-32000). The string code travels in `error.data.code`. */
export const HelperErrorCodes = {
  ProtocolVersionMismatch: 1001,
  NotInitialized: 1002,
  SessionNotFound: 1003,
  InvalidRequest: 1004,
  PasswordRequired: 1005,
  Unavailable: 1006,
  Internal: 1099,
} as const;

/** The `data` of every error the helper returns: a stable string code the client branches on. */
export interface HelperErrorData {
  code: string;
}

const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), {
    message: 'must be an absolute path',
  });

export type { S3CredentialsParams } from './session-model';

export const initializeParamsSchema = z
  .object({ protocolVersion: z.number().int(), client: z.string().min(1).max(200) })
  .strict();
export interface InitializeResult {
  protocolVersion: number;
  helperVersion: string;
  pid: number;
  /** The helper runs as the same user as its clients (development and tests only). */
  testMode: boolean;
}
/** The first request on every connection: agrees on the protocol version; every other request waits for it. */
export namespace InitializeRequest {
  export const method = 'initialize' as const;
  export const params = initializeParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, InitializeResult, HelperErrorData>(method);
}

/** Exclude patterns (restic syntax); the helper also compiles them and refuses a malformed one (INVALID_EXCLUDE). */
export const excludePatternsSchema = z.array(z.string().min(1).max(4096)).max(1000);

export const sessionStartParamsSchema = z
  .object({
    source: sessionSourceSchema,
    /** Files source: what to back up (absolute paths). */
    paths: z.array(absolutePath).max(10_000).optional(),
    /** Files source: patterns of entries to leave out. */
    excludes: excludePatternsSchema.optional(),
    /** Overrides the repository of the settings for this session (restic's notation). */
    repository: repositoryLocationText.optional(),
    /** Handed over per session (Electron decrypts it with safeStorage); kept in the helper's memory only. */
    password: z.string().min(1).max(4096).optional(),
    /** An S3 repository's access keys, handed over like the password and kept in memory for this session only. */
    s3Credentials: s3CredentialsSchema.optional(),
  })
  .strict();
export interface SessionStartResult {
  session: SessionSummary;
  /** False when a session of this data source was already queued or running: that one is returned. */
  created: boolean;
}
/** Starts a session now (or returns the one of the same data source that is already running). */
export namespace SessionStartRequest {
  export const method = 'session/start' as const;
  export const params = sessionStartParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, SessionStartResult, HelperErrorData>(method);
}

export const sessionListParamsSchema = z
  .object({
    source: sessionSourceSchema.optional(),
    status: sessionStatusSchema.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
/** The newest sessions first. */
export namespace SessionListRequest {
  export const method = 'session/list' as const;
  export const params = sessionListParamsSchema;
  export const type = new RequestType<
    z.infer<typeof params>,
    { sessions: SessionSummary[] },
    HelperErrorData
  >(method);
}

export const sessionIdParamsSchema = z.object({ id: sessionIdSchema }).strict();
/** One session with its attempts and every journaled transition. */
export namespace SessionShowRequest {
  export const method = 'session/show' as const;
  export const params = sessionIdParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, { session: SessionDetail }, HelperErrorData>(
    method,
  );
}

export const sessionLogParamsSchema = z
  .object({
    id: sessionIdSchema,
    /** Only entries after this sequence number (for following a log). */
    afterSeq: z.number().int().min(0).optional(),
    minLevel: logLevelSchema.optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();
/** A session's log, oldest first. */
export namespace SessionLogRequest {
  export const method = 'session/log' as const;
  export const params = sessionLogParamsSchema;
  export const type = new RequestType<
    z.infer<typeof params>,
    { entries: SessionLogEntry[] },
    HelperErrorData
  >(method);
}

/** Cancels a session at any phase; it ends Aborted once its cleanup ran. Cancelling a finished one is a no-op. */
export namespace SessionCancelRequest {
  export const method = 'session/cancel' as const;
  export const params = sessionIdParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, { session: SessionSummary }, HelperErrorData>(
    method,
  );
}

/**
 * Resolves when the session reaches a terminal status. Long: the client cancels it with its cancellation token
 * (that stops the wait, not the session).
 */
export namespace SessionWaitRequest {
  export const method = 'session/wait' as const;
  export const params = sessionIdParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, { session: SessionSummary }, HelperErrorData>(
    method,
  );
}

/** The schedule of every data source, with the next due time. */
export namespace ScheduleGetRequest {
  export const method = 'schedule/get' as const;
  export const params = z.object({}).strict();
  export const type = new RequestType<
    z.infer<typeof params>,
    { schedules: ScheduleState[] },
    HelperErrorData
  >(method);
}

export const scheduleSetParamsSchema = z
  .object({
    source: sessionSourceSchema,
    spec: scheduleSpecSchema,
    paths: z.array(absolutePath).max(10_000).optional(),
    excludes: excludePatternsSchema.optional(),
  })
  .strict();
/** Sets one data source's schedule. */
export namespace ScheduleSetRequest {
  export const method = 'schedule/set' as const;
  export const params = scheduleSetParamsSchema;
  export const type = new RequestType<
    z.infer<typeof params>,
    { schedules: ScheduleState[] },
    HelperErrorData
  >(method);
}

/** The helper's settings (repository, snapshot location, password file, retention). */
export namespace SettingsGetRequest {
  export const method = 'settings/get' as const;
  export const params = z.object({}).strict();
  export const type = new RequestType<z.infer<typeof params>, { settings: HelperSettings }, HelperErrorData>(
    method,
  );
}

// Trusted host keys change only through repository/trustHostKey, which checks the server presents that key.
export const settingsSetParamsSchema = helperSettingsSchema
  .omit({ trustedHostKeys: true })
  .partial()
  .strict();
/** Changes some settings; the others keep their values. Paths are validated before anything is saved. */
export namespace SettingsSetRequest {
  export const method = 'settings/set' as const;
  export const params = settingsSetParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, { settings: HelperSettings }, HelperErrorData>(
    method,
  );
}

/**
 * What an SFTP server's host key is and whether it is trusted (`trusted` by the user, in the helper's
 * `known-host`s, `unknown`, or `changed` from the one trusted). The connection stops after the key exchange.
 */
export interface HostKeyState {
  host: string;
  port: number;
  algorithm: string;
  fingerprint: string;
  status: 'trusted' | 'known-host' | 'unknown' | 'changed';
  trustedFingerprint: string | null;
}
export namespace RepositoryHostKeyRequest {
  export const method = 'repository/hostKey' as const;
  export const params = z.object({ repository: repositoryLocationText.optional() }).strict();
  export const type = new RequestType<z.infer<typeof params>, HostKeyState, HelperErrorData>(method);
}

/** Trusts a host key for a server, after checking the server presents it now (HOST_KEY_MISMATCH otherwise). */
export namespace RepositoryTrustHostKeyRequest {
  export const method = 'repository/trustHostKey' as const;
  export const params = trustedHostKeySchema;
  export const type = new RequestType<z.infer<typeof params>, { settings: HelperSettings }, HelperErrorData>(
    method,
  );
}

/** The System state components detected on this machine, and the estimate of what a session backs up. */
export namespace SystemStateComponentsRequest {
  export const method = 'system-state/components' as const;
  export const params = z.object({}).strict();
  export const type = new RequestType<z.infer<typeof params>, SystemStateComponentsResult, HelperErrorData>(
    method,
  );
}

export const systemStatePreflightParamsSchema = z
  .object({
    /** Check this location instead of the current one (before choosing it). */
    location: absolutePath.optional(),
  })
  .strict();
/** Every preflight check a System state session would run now, with the free-space numbers. */
export namespace SystemStatePreflightRequest {
  export const method = 'system-state/preflight' as const;
  export const params = systemStatePreflightParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, PreflightResult, HelperErrorData>(method);
}

/** The snapshot location: the current one (chosen or default), the default, and the drives it can be on. */
export namespace SnapshotLocationGetRequest {
  export const method = 'snapshot-location/get' as const;
  export const params = z.object({}).strict();
  export const type = new RequestType<z.infer<typeof params>, SnapshotLocationState, HelperErrorData>(method);
}

export const snapshotLocationSetParamsSchema = z
  .object({
    /** null: back to the default (the system disk). */
    location: absolutePath.nullable(),
  })
  .strict();
/**
 * Validates a location (exists, local, writable, enough free space for the estimate) and saves it in the helper's
 * settings; a refusal is an error with code INVALID_LOCATION or INSUFFICIENT_SPACE and the reason.
 */
export namespace SnapshotLocationSetRequest {
  export const method = 'snapshot-location/set' as const;
  export const params = snapshotLocationSetParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, SnapshotLocationState, HelperErrorData>(method);
}

/** The diagnostic report (checks, components, snapshot provider and location, machine), secrets removed. */
export namespace DiagnosticReportRequest {
  export const method = 'diagnostics/report' as const;
  export const params = z.object({}).strict();
  export const type = new RequestType<z.infer<typeof params>, DiagnosticReportResult, HelperErrorData>(
    method,
  );
}

/** Progress of a running session, at most 10 per second per session. */
export namespace SessionProgressNotification {
  export const method = 'session/progress' as const;
  export const type = new NotificationType<SessionProgress>(method);
}

/** A session changed status or phase (journaled first, then announced). */
export namespace SessionChangedNotification {
  export const method = 'session/changed' as const;
  export const type = new NotificationType<{ session: SessionSummary }>(method);
}

/** Every request the helper serves, for the explicit handler map (anything else is MethodNotFound). */
export const helperRequests = [
  InitializeRequest,
  SessionStartRequest,
  SessionListRequest,
  SessionShowRequest,
  SessionLogRequest,
  SessionCancelRequest,
  SessionWaitRequest,
  ScheduleGetRequest,
  ScheduleSetRequest,
  SettingsGetRequest,
  SettingsSetRequest,
  RepositoryHostKeyRequest,
  RepositoryTrustHostKeyRequest,
  SystemStateComponentsRequest,
  SystemStatePreflightRequest,
  SnapshotLocationGetRequest,
  SnapshotLocationSetRequest,
  DiagnosticReportRequest,
  ...restoreRequests,
] as const;

export type HelperRequest = (typeof helperRequests)[number];

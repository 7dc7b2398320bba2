/**
 * The restore wizard's part of the helper protocol (declared like protocol.ts: a namespace per request or
 * notification with its zod params schema). The repository is opened once with its password (`restore/open`); the
 * other requests name it by the returned handle, so the key derivation (scrypt) runs once per wizard.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import { z } from 'zod';
import type { HelperErrorData } from './protocol';
import type {
  BootRepairResult,
  CompatibilityReport,
  RestoreJob,
  RestoreMachine,
  RestorePlan,
  RestoreRepositoryInfo,
  RestoreSessionEntry,
} from './restore-model';
import {
  repositoryLocationText,
  type ScheduleSpec,
  s3CredentialsSchema,
  scheduleSpecSchema,
} from './session-model';

const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), { message: 'must be an absolute path' });
const handleSchema = z.string().regex(/^[0-9a-f]{32}$/, 'a handle from restore/open');
const snapshotIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a full snapshot ID (64 hex digits)');
const jobIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'a restore job ID');
const uuidText = z.string().regex(/^[0-9A-Fa-f-]{4,64}$/, 'a filesystem UUID or volume serial');

export const restoreTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), path: absolutePath }).strict(),
  z.object({ kind: z.literal('system'), confirmHostname: z.string().min(1).max(255) }).strict(),
]);

export const restoreOpenParamsSchema = z
  .object({
    /** A local folder or USB disk (absolute path), or a remote location in restic's notation (sftp:, s3:). */
    repository: repositoryLocationText,
    password: z.string().min(1).max(4096),
    /** An S3 repository: the access keys (else the helper's S3 credentials file or environment). */
    s3Credentials: s3CredentialsSchema.optional(),
  })
  .strict();
/** Opens a repository with its password (WRONG_PASSWORD, REPO_NOT_FOUND, CORRUPT); works on a machine that never backed up. */
export namespace RestoreOpenRequest {
  export const method = 'restore/open' as const;
  export const params = restoreOpenParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, RestoreRepositoryInfo, HelperErrorData>(method);
}

export const restoreHandleParamsSchema = z.object({ handle: handleSchema }).strict();
/** Forgets an opened repository (its key leaves the helper's memory). Handles also expire after 30 idle minutes. */
export namespace RestoreCloseRequest {
  export const method = 'restore/close' as const;
  export const params = restoreHandleParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, { closed: boolean }, HelperErrorData>(method);
}

/** Every machine with System state sessions in the repository, newest first, whatever this machine is called. */
export namespace RestoreMachinesRequest {
  export const method = 'restore/machines' as const;
  export const params = restoreHandleParamsSchema;
  export const type = new RequestType<
    z.infer<typeof params>,
    { machines: RestoreMachine[] },
    HelperErrorData
  >(method);
}

export const restoreSessionsParamsSchema = z
  .object({ handle: handleSchema, hostname: z.string().min(1).max(255) })
  .strict();
/** One machine's System state sessions, newest first, with size and components. */
export namespace RestoreSessionsRequest {
  export const method = 'restore/sessions' as const;
  export const params = restoreSessionsParamsSchema;
  export const type = new RequestType<
    z.infer<typeof params>,
    { sessions: RestoreSessionEntry[] },
    HelperErrorData
  >(method);
}

export const restoreSnapshotParamsSchema = z
  .object({ handle: handleSchema, snapshotId: snapshotIdSchema })
  .strict();
/** The session's machine manifest and configuration against this machine, item by item. */
export namespace RestoreCompatibilityRequest {
  export const method = 'restore/compatibility' as const;
  export const params = restoreSnapshotParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, CompatibilityReport, HelperErrorData>(method);
}

export const restorePlanParamsSchema = z
  .object({
    handle: handleSchema,
    snapshotId: snapshotIdSchema,
    /** Component ids of the session; empty is refused (NO_SELECTION). */
    components: z.array(z.string().min(1).max(200)).min(1).max(50),
    target: restoreTargetSchema,
    /** Old UUID → UUID of a filesystem here, chosen by the user where the helper could not match one. */
    uuidOverrides: z.record(uuidText, uuidText).optional(),
    /** Old disk → new disk for the disk layout script (e.g. /dev/sda → /dev/nvme0n1). */
    diskMap: z.record(absolutePath, absolutePath).optional(),
    /** Windows domain controllers: how SYSVOL is restored. */
    sysvolMode: z.enum(['authoritative', 'non-authoritative']).optional(),
  })
  .strict();
/** What a restore with these choices would do: UUID remap, boot repair, services, missing packages, disk script. */
export namespace RestorePlanRequest {
  export const method = 'restore/plan' as const;
  export const params = restorePlanParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, RestorePlan, HelperErrorData>(method);
}

export const restoreStartParamsSchema = restorePlanParamsSchema.extend({
  /** Rewrite UUIDs in the restored fstab/crypttab/bootloader configuration as planned (default true). */
  remapUuids: z.boolean().optional(),
  /** Enable the recorded services that the restored /etc does not already enable (default true). */
  enableServices: z.boolean().optional(),
});
/** Starts a restore job; progress arrives as restore/changed notifications. */
export namespace RestoreStartRequest {
  export const method = 'restore/start' as const;
  export const params = restoreStartParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, { job: RestoreJob }, HelperErrorData>(method);
}

export const restoreJobParamsSchema = z.object({ jobId: jobIdSchema }).strict();
/** A job's current state (jobs are kept for the helper's lifetime; their reports are also written to disk). */
export namespace RestoreJobRequest {
  export const method = 'restore/job' as const;
  export const params = restoreJobParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, { job: RestoreJob }, HelperErrorData>(method);
}

/** Every job of this helper's lifetime, newest first. */
export namespace RestoreJobsRequest {
  export const method = 'restore/jobs' as const;
  export const params = z.object({}).strict();
  export const type = new RequestType<z.infer<typeof params>, { jobs: RestoreJob[] }, HelperErrorData>(
    method,
  );
}

/** Cancels a running job; what was written so far stays (an apply's rollback snapshot can undo it). */
export namespace RestoreCancelRequest {
  export const method = 'restore/cancel' as const;
  export const params = restoreJobParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, { job: RestoreJob }, HelperErrorData>(method);
}

/** Resolves when the job ends. Long: cancel it with the token (that stops the wait, not the job). */
export namespace RestoreWaitRequest {
  export const method = 'restore/wait' as const;
  export const params = restoreJobParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, { job: RestoreJob }, HelperErrorData>(method);
}

export const restoreBootRepairParamsSchema = z
  .object({ jobId: jobIdSchema, confirm: z.literal(true) })
  .strict();
/** Runs the planned boot repair (initramfs, bootloader) in a chroot of a finished job's target; only when confirmed. */
export namespace RestoreBootRepairRequest {
  export const method = 'restore/boot-repair' as const;
  export const params = restoreBootRepairParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, BootRepairResult, HelperErrorData>(method);
}

export const restoreRollbackParamsSchema = z
  .object({ handle: handleSchema, jobId: jobIdSchema, confirmHostname: z.string().min(1).max(255) })
  .strict();
/** Undoes an apply to this system: restores its rollback snapshot and removes the files the apply created. */
export namespace RestoreRollbackRequest {
  export const method = 'restore/rollback' as const;
  export const params = restoreRollbackParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, { job: RestoreJob }, HelperErrorData>(method);
}

export const restoreTestParamsSchema = z
  .object({
    /** Default: the repository (and password) of the helper's settings, i.e. this machine's own backups. */
    handle: handleSchema.optional(),
    /** Default: this machine's hostname. */
    hostname: z.string().min(1).max(255).optional(),
  })
  .strict();
/** Test restore: the latest System state session into a scratch folder, verified, reported, removed; never touches the system. */
export namespace RestoreTestRequest {
  export const method = 'restore/test' as const;
  export const params = restoreTestParamsSchema;
  export const type = new RequestType<z.infer<typeof params>, { job: RestoreJob }, HelperErrorData>(method);
}

/** The test restore's schedule, when it runs next, and the outcome of the last test restore (scheduled or not). */
export interface RestoreTestScheduleState {
  spec: ScheduleSpec;
  nextRunAt: string | null;
  /** The due time of the last scheduled run (null: never ran on schedule). */
  lastRunAt: string | null;
  /** The last test restore of any trigger, kept across helper restarts (from its report on disk). */
  lastJob: RestoreJob | null;
}

/** The test restore's schedule (it restores this machine's latest System state session from the settings' repository). */
export namespace RestoreTestScheduleGetRequest {
  export const method = 'restore/test-schedule/get' as const;
  export const params = z.object({}).strict();
  export const type = new RequestType<
    z.infer<typeof params>,
    { schedule: RestoreTestScheduleState },
    HelperErrorData
  >(method);
}

export const restoreTestScheduleSetParamsSchema = z.object({ spec: scheduleSpecSchema }).strict();
/** Sets the test restore's schedule (`off` stops it); due times before now never run. */
export namespace RestoreTestScheduleSetRequest {
  export const method = 'restore/test-schedule/set' as const;
  export const params = restoreTestScheduleSetParamsSchema;
  export const type = new RequestType<
    z.infer<typeof params>,
    { schedule: RestoreTestScheduleState },
    HelperErrorData
  >(method);
}

/** A restore job changed phase, progressed (at most 10 per second) or ended. */
export namespace RestoreChangedNotification {
  export const method = 'restore/changed' as const;
  export const type = new NotificationType<{ job: RestoreJob }>(method);
}

export const restoreRequests = [
  RestoreOpenRequest,
  RestoreCloseRequest,
  RestoreMachinesRequest,
  RestoreSessionsRequest,
  RestoreCompatibilityRequest,
  RestorePlanRequest,
  RestoreStartRequest,
  RestoreJobRequest,
  RestoreJobsRequest,
  RestoreCancelRequest,
  RestoreWaitRequest,
  RestoreBootRepairRequest,
  RestoreRollbackRequest,
  RestoreTestRequest,
  RestoreTestScheduleGetRequest,
  RestoreTestScheduleSetRequest,
] as const;

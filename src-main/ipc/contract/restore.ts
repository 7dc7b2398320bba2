/**
 * Part of the renderer↔main contract (src-main/ipc/contract.ts re-exports it): the restore wizard's payloads — the
 * machines and System state sessions of a repository, the compatibility report, the restore plan, and restore jobs.
 * Loaded in the browser too: imports zod and the other contract files only (the boundary check enforces it).
 *
 * The helper protocol declares the same shapes (helper-protocol/restore-model.ts), but this file may import zod
 * only, so they are repeated here; app/restore-mapping.ts copies them field by field and its test keeps the
 * lists equal.
 */
import { z } from 'zod';
import { absolutePath, isoTime, nonNegativeInt } from './primitives';
import { ScheduleSpecSchema } from './settings';

/** The handle `restore.open` returns; every later request names the opened repository by it. */
export const RestoreHandleSchema = z.string().regex(/^[0-9a-f]{32}$/, 'not a handle from restore.open');
/** A full snapshot ID (64 hex digits), as `restore.sessions` lists them. */
export const SnapshotIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'not a full snapshot ID');
export const RestoreJobIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'not a restore job ID');
/** A filesystem UUID or a Windows volume serial, as fstab, crypttab and the bootloader name them. */
export const FilesystemUuidSchema = z
  .string()
  .regex(/^[0-9A-Fa-f-]{4,64}$/, 'not a filesystem UUID or volume serial');
export const HostnameSchema = z.string().min(1).max(255);
/** Repository passwords are strings of 1 to 4096 characters, as the helper accepts them. */
export const RestorePasswordSchema = z.string().min(1).max(4096);

export const restoreCheckStatuses = ['pass', 'warn', 'fail'] as const;
export const RestoreCheckStatusSchema = z.enum(restoreCheckStatuses);
export type RestoreCheckStatus = z.infer<typeof RestoreCheckStatusSchema>;

export const RestoreRepositoryInfoSchema = z
  .object({
    handle: RestoreHandleSchema,
    repository: z.string(),
    repositoryId: z.string(),
    /** System state snapshots in it, of every machine. */
    systemStateSessions: nonNegativeInt,
  })
  .strict();
export type RestoreRepositoryInfo = z.infer<typeof RestoreRepositoryInfoSchema>;

export const RestoreMachineSchema = z
  .object({
    hostname: z.string(),
    /** This machine's own hostname matches (the wizard still lists every machine). */
    isThisMachine: z.boolean(),
    sessions: nonNegativeInt,
    latestTime: isoTime,
    os: z
      .object({ family: z.enum(['linux', 'windows']), name: z.string(), version: z.string() })
      .strict()
      .nullable(),
    arch: z.string().nullable(),
    bootMode: z.enum(['uefi', 'bios', 'unknown']).nullable(),
  })
  .strict();
export type RestoreMachine = z.infer<typeof RestoreMachineSchema>;

export const RestoreComponentSchema = z
  .object({ id: z.string(), title: z.string(), paths: z.array(z.string()) })
  .strict();
export type RestoreComponent = z.infer<typeof RestoreComponentSchema>;

export const RestoreSessionEntrySchema = z
  .object({
    snapshotId: SnapshotIdSchema,
    shortId: z.string(),
    time: isoTime,
    hostname: z.string(),
    sizeBytes: nonNegativeInt,
    files: nonNegativeInt,
    components: z.array(RestoreComponentSchema),
    /** A rollback backup the wizard took before applying a restore to this system. */
    rollback: z.boolean(),
  })
  .strict();
export type RestoreSessionEntry = z.infer<typeof RestoreSessionEntrySchema>;

export const CompatibilityItemSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    status: RestoreCheckStatusSchema,
    explanation: z.string(),
    action: z.string(),
    evidence: z.array(z.string()),
  })
  .strict();
export type CompatibilityItem = z.infer<typeof CompatibilityItemSchema>;

export const CompatibilityReportSchema = z
  .object({
    backedUpHostname: z.string(),
    thisHostname: z.string(),
    items: z.array(CompatibilityItemSchema),
    overall: RestoreCheckStatusSchema,
    /** False when the session has no machine manifest: only what its files say is compared. */
    manifestFound: z.boolean(),
  })
  .strict();
export type CompatibilityReport = z.infer<typeof CompatibilityReportSchema>;

/** A folder (the default; e.g. a new disk mounted at /mnt/target), or this system after typing its hostname. */
export const RestoreTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), path: absolutePath }).strict(),
  z.object({ kind: z.literal('system'), confirmHostname: HostnameSchema }).strict(),
]);
export type RestoreTarget = z.infer<typeof RestoreTargetSchema>;

export const sysvolModes = ['authoritative', 'non-authoritative'] as const;
export const SysvolModeSchema = z.enum(sysvolModes);
export type SysvolMode = z.infer<typeof SysvolModeSchema>;

export const PlannedCommandSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    argv: z.array(z.string()),
    available: z.boolean(),
    reason: z.string(),
  })
  .strict();
export type PlannedCommand = z.infer<typeof PlannedCommandSchema>;

export const UuidRemapEntrySchema = z
  .object({
    from: z.string(),
    /** null: no filesystem here could be matched; the user may choose one (uuidOverrides). */
    to: z.string().nullable(),
    mountpoint: z.string().nullable(),
    reason: z.string(),
    references: z.array(z.object({ file: z.string(), line: nonNegativeInt }).strict()),
  })
  .strict();
export type UuidRemapEntry = z.infer<typeof UuidRemapEntrySchema>;

export const serviceActions = ['already-enabled', 'enable', 'unit-missing'] as const;

export const WindowsRestoreStepSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    detail: z.string(),
    requires: z.string().nullable(),
    commands: z.array(z.array(z.string())),
  })
  .strict();

export const RestorePlanSchema = z
  .object({
    snapshotId: SnapshotIdSchema,
    target: RestoreTargetSchema,
    /** The root the restored system will live in: the folder, or / (the helper's system root). */
    targetRoot: z.string(),
    components: z.array(RestoreComponentSchema),
    uuidRemap: z.object({ entries: z.array(UuidRemapEntrySchema), unresolved: nonNegativeInt }).strict(),
    bootRepair: z
      .object({
        bindMounts: z.array(z.string()),
        steps: z.array(PlannedCommandSchema),
        notes: z.array(z.string()),
      })
      .strict()
      .nullable(),
    services: z.array(
      z.object({ unit: z.string(), action: z.enum(serviceActions), detail: z.string() }).strict(),
    ),
    missingPackages: z
      .object({
        packageManager: z.enum(['dpkg', 'rpm']).nullable(),
        recorded: nonNegativeInt,
        missing: z.array(z.string()),
        installCommand: z.string().nullable(),
        notes: z.array(z.string()),
      })
      .strict()
      .nullable(),
    /** Recreates the disk layout on new disks, for review: never executed by Backup Manager. */
    diskLayoutScript: z
      .object({
        script: z.string(),
        diskMap: z.record(z.string(), z.string()),
        warnings: z.array(z.string()),
      })
      .strict()
      .nullable(),
    windows: z
      .object({
        domainController: z.boolean(),
        sysvolMode: SysvolModeSchema.nullable(),
        requirements: z.array(z.string()),
        steps: z.array(WindowsRestoreStepSchema),
        warnings: z.array(z.string()),
      })
      .strict()
      .nullable(),
    notes: z.array(z.string()),
  })
  .strict();
export type RestorePlan = z.infer<typeof RestorePlanSchema>;

export const restoreJobKinds = ['restore', 'rollback', 'test-restore'] as const;
export const RestoreJobKindSchema = z.enum(restoreJobKinds);
export type RestoreJobKind = z.infer<typeof RestoreJobKindSchema>;

export const restoreJobStates = [
  'running',
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
] as const;
export const RestoreJobStateSchema = z.enum(restoreJobStates);
export type RestoreJobState = z.infer<typeof RestoreJobStateSchema>;

export const restoreJobPhases = [
  'prepare',
  'rollback-backup',
  'restore',
  'verify',
  'post-restore',
  'done',
] as const;
export const RestoreJobPhaseSchema = z.enum(restoreJobPhases);
export type RestoreJobPhase = z.infer<typeof RestoreJobPhaseSchema>;

export const RestoreJobProgressSchema = z
  .object({
    filesDone: nonNegativeInt,
    filesTotal: nonNegativeInt.nullable(),
    bytesDone: nonNegativeInt,
    bytesTotal: nonNegativeInt.nullable(),
    currentItem: z.string().nullable(),
    bytesPerSecond: z.number().nonnegative().nullable(),
    etaSeconds: z.number().nonnegative().nullable(),
  })
  .strict();
export type RestoreJobProgress = z.infer<typeof RestoreJobProgressSchema>;

export const restoreChecklistStatuses = ['done', 'todo', 'skipped', 'failed'] as const;

export const RestoreChecklistItemSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.enum(restoreChecklistStatuses),
    detail: z.string(),
  })
  .strict();
export type RestoreChecklistItem = z.infer<typeof RestoreChecklistItemSchema>;

export const RestoreJobSchema = z
  .object({
    id: RestoreJobIdSchema,
    kind: RestoreJobKindSchema,
    state: RestoreJobStateSchema,
    phase: RestoreJobPhaseSchema,
    snapshotId: z.string(),
    hostname: z.string(),
    target: RestoreTargetSchema,
    targetRoot: z.string(),
    startedAt: isoTime,
    finishedAt: isoTime.nullable(),
    progress: RestoreJobProgressSchema,
    /** Apply to this system: the rollback snapshot taken first (restore.rollback undoes the apply with it). */
    rollbackSnapshotId: z.string().nullable(),
    failures: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() }).strict()),
    verification: z
      .object({
        filesChecked: nonNegativeInt,
        bytesChecked: nonNegativeInt,
        mismatches: z.array(z.object({ path: z.string(), reason: z.string() }).strict()),
      })
      .strict()
      .nullable(),
    checklist: z.array(RestoreChecklistItemSchema),
    /**
     * A failed or cancelled job: the helper's code (WRONG_PASSWORD, PATH_ESCAPE, INSUFFICIENT_SPACE, CANCELLED…).
     * A plain string on purpose: a code the helper adds later must still reach the UI, which shows the message.
     */
    error: z.object({ code: z.string(), message: z.string() }).strict().nullable(),
  })
  .strict();
export type RestoreJob = z.infer<typeof RestoreJobSchema>;

export const BootRepairResultSchema = z
  .object({
    steps: z.array(
      z.object({ id: z.string(), title: z.string(), ok: z.boolean(), output: z.string() }).strict(),
    ),
    ok: z.boolean(),
  })
  .strict();
export type BootRepairResult = z.infer<typeof BootRepairResultSchema>;

/** What a restore would do, or does: the params `restore.plan` and `restore.start` share. */
export const RestoreChoicesSchema = z
  .object({
    handle: RestoreHandleSchema,
    snapshotId: SnapshotIdSchema,
    /** Component ids of the session; empty is refused (the wizard's "No selection" state never asks). */
    components: z.array(z.string().min(1).max(200)).min(1).max(50),
    target: RestoreTargetSchema,
    /** Old UUID → UUID of a filesystem here, chosen where the helper could not match one. */
    uuidOverrides: z.record(FilesystemUuidSchema, FilesystemUuidSchema).optional(),
    /** Old disk → new disk for the disk layout script (e.g. /dev/sda → /dev/nvme0n1). */
    diskMap: z.record(absolutePath, absolutePath).optional(),
    /** Windows domain controllers: how SYSVOL is restored. */
    sysvolMode: SysvolModeSchema.optional(),
  })
  .strict();
export type RestoreChoices = z.infer<typeof RestoreChoicesSchema>;

export const RestoreStartParamsSchema = RestoreChoicesSchema.extend({
  /** Rewrite UUIDs in the restored configuration as planned (default true). */
  remapUuids: z.boolean().optional(),
  /** Enable the recorded services the restored configuration does not enable yet (default true). */
  enableServices: z.boolean().optional(),
}).strict();

/** The longest `restore.wait` answers after: past it, the job as it is now (still running). */
export const maxRestoreWaitSeconds = 600;

/** The test restore's schedule, its next run, and the last test restore (scheduled or not, kept across restarts). */
export const RestoreTestScheduleSchema = z
  .object({
    spec: ScheduleSpecSchema,
    nextRunAt: isoTime.nullable(),
    /** The due time of the last scheduled run (null: never ran on schedule). */
    lastRunAt: isoTime.nullable(),
    lastJob: RestoreJobSchema.nullable(),
  })
  .strict();
export type RestoreTestSchedule = z.infer<typeof RestoreTestScheduleSchema>;

/**
 * Part of the renderer↔main contract (src-main/ipc/contract.ts re-exports it): System state, the snapshot location, preflight and troubleshooting.
 * Loaded in the browser too: imports zod and the other contract files only (the boundary check enforces it).
 */
import { z } from 'zod';
import { isoTime, nonNegativeInt } from './primitives';

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
    /** A failure that stops a session ("Back up now" is blocked); false for passing, warning and other checks. */
    blocksBackup: z.boolean(),
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

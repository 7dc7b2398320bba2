/**
 * Part of the renderer↔main contract (src-main/ipc/contract.ts re-exports it): The system overview, the helper link and the app's state slices.
 * Loaded in the browser too: imports zod and the other contract files only (the boundary check enforces it).
 */
import { z } from 'zod';
import { ErrorCodeSchema } from './errors';
import { nonNegativeInt } from './primitives';

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

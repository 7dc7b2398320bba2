/**
 * The machine manifest: what the restore wizard compares with a replacement machine (OS, boot mode, disks and
 * partition styles, filesystem UUIDs, network interfaces, CPU). Written as machine-manifest.json into the
 * staging folder and backed up with System state; the schema is the contract for the wizard, which reads it
 * from repositories written by older versions too (hence `version`).
 */
import { z } from 'zod';

export const machineManifestSchema = z.object({
  version: z.literal(1),
  collectedAt: z.string().datetime(),
  hostname: z.string().min(1),
  os: z.object({
    family: z.enum(['linux', 'windows']),
    name: z.string(),
    version: z.string(),
    id: z.string().nullable(),
    serverEdition: z.boolean().nullable(),
  }),
  kernel: z.string(),
  arch: z.string(),
  bootMode: z.enum(['uefi', 'bios', 'unknown']),
  disks: z.array(
    z.object({
      name: z.string(),
      path: z.string().nullable(),
      sizeBytes: z.number().int().nonnegative(),
      partitionStyle: z.enum(['gpt', 'mbr', 'none', 'unknown']),
      model: z.string().nullable(),
      removable: z.boolean(),
    }),
  ),
  filesystems: z.array(
    z.object({
      /** Linux: the block device (`/dev/sda2`); Windows: the drive (`C:`). */
      device: z.string(),
      mountpoints: z.array(z.string()),
      type: z.string(),
      /** Linux: the filesystem UUID; Windows: the volume serial number (8 hex digits, as `vol` shows it). */
      uuid: z.string().nullable(),
      label: z.string().nullable(),
    }),
  ),
  /** MACs in one form on both systems (lower case, colons), so that a Windows and a Linux manifest compare. */
  networkInterfaces: z.array(z.object({ name: z.string(), mac: z.string().nullable() })),
  cpu: z.object({ model: z.string(), logicalCores: z.number().int().nonnegative() }),
  /** What could not be read, so that the wizard knows a field is missing rather than empty. */
  notes: z.array(z.string()),
});

export type MachineManifest = z.infer<typeof machineManifestSchema>;

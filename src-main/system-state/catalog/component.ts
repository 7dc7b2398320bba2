/**
 * A System state component: one part of the OS configuration that a replacement machine needs (registry hives,
 * /etc, boot files, disk layout…), whether it exists on this machine and why we think so, and how big it is.
 */
import { z } from 'zod';

export type OsFamily = 'linux' | 'windows';

export interface SizeEstimate {
  bytes: number;
  files: number;
}

export interface ComponentDefinition {
  /** Stable id, e.g. `linux.configuration`, `windows.registry`. */
  id: string;
  os: OsFamily;
  title: string;
  description: string;
}

export interface DetectedComponent extends ComponentDefinition {
  detected: boolean;
  /** Why it is (or is not) detected: paths found, roles, command results, missing tools. */
  evidence: string[];
  estimate: SizeEstimate;
  /** Files and folders the backup reads for it (inside the snapshot), absolute on the live system. */
  paths: string[];
}

export const sizeEstimateSchema = z.object({
  bytes: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
});

export const detectedComponentSchema = z.object({
  id: z.string(),
  os: z.enum(['linux', 'windows']),
  title: z.string(),
  description: z.string(),
  detected: z.boolean(),
  evidence: z.array(z.string()),
  estimate: sizeEstimateSchema,
  paths: z.array(z.string()),
});

export function addEstimates(estimates: readonly SizeEstimate[]): SizeEstimate {
  return estimates.reduce((sum, e) => ({ bytes: sum.bytes + e.bytes, files: sum.files + e.files }), {
    bytes: 0,
    files: 0,
  });
}

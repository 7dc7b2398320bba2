/**
 * The components record: which System state components a session backed up and where each lives on the machine
 * (`components.json`, written next to machine-manifest.json in the staging folder and backed up with System
 * state). The restore wizard offers exactly these components and restores exactly these paths, instead of guessing
 * them from the snapshot's top-level paths; older sessions without the file are still understood (the helper
 * derives their components from the catalogs). `version` lets later versions change the shape.
 */
import { z } from 'zod';
import type { DetectedComponent } from '../catalog/component';

/** File name inside the staging folder (beside `machine-manifest.json`). */
export const componentsRecordFile = 'components.json';

export const recordedComponentSchema = z.object({
  /** The catalog id (`linux.configuration`, `windows.registry`, …). */
  id: z.string().min(1),
  title: z.string(),
  /**
   * Files and folders backed up for it, absolute on the backed-up machine. Empty for a component that is all
   * exports (software inventory: the package selections and enabled units live in the staging folder).
   */
  paths: z.array(z.string().min(1)),
});

export const componentsRecordSchema = z.object({
  version: z.literal(1),
  components: z.array(recordedComponentSchema),
});

export type RecordedComponent = z.infer<typeof recordedComponentSchema>;
export type ComponentsRecord = z.infer<typeof componentsRecordSchema>;

/** The record of a session: its detected components only (what was actually backed up), in catalog order. */
export function componentsRecordOf(components: readonly DetectedComponent[]): ComponentsRecord {
  return {
    version: 1,
    components: components
      .filter((c) => c.detected)
      .map((c) => ({ id: c.id, title: c.title, paths: [...c.paths] })),
  };
}

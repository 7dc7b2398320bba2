/**
 * Everything the restore planners need from one System state session, read from the repository before anything is
 * restored: the snapshot, its machine manifest, its components, the configuration files that name disks, UUIDs and
 * network interfaces (fstab, bootloader, network configuration), the disk layout exports and the software
 * inventory. What is missing or unusable is a null plus a note, never an error: a session made by an older version
 * must still be restorable.
 */
import path from 'node:path';
import { EngineError, isEngineError } from '../../engine/errors';
import { isId } from '../../engine/ids';
import type { Repository } from '../../engine/repository/repository';
import type { Snapshot } from '../../engine/repository/snapshot';
import type { RestoreComponent } from '../../helper-protocol/restore-model';
import type { MachineManifest } from '../../system-state/manifest/machine-manifest';
import type { RecordedFile, RecordedLayout } from '../../system-state/restore/restore-analysis-model';
import { isInside } from '../sessions/session-paths';
import { recordsWindowsPaths } from './derived-components';
import { readConfigFiles } from './recorded-config-files';
import { readRecordedManifest, readRecordedText } from './recorded-files';
import { readRecordedLayout } from './recorded-layout';
import { isSystemStateSnapshot } from './restore-catalog';
import { RestoreError } from './restore-error';
import { isStagingPath, recordedStaging } from './restore-staging-paths';
import { readSessionComponents } from './session-components';
import { cachingTreeLoader } from './snapshot-trees';

export interface RestoreInputs {
  snapshot: Snapshot & { id: string };
  manifest: MachineManifest | null;
  components: RestoreComponent[];
  configFiles: RecordedFile[];
  layout: RecordedLayout;
  enabledUnits: string | null;
  dpkgSelections: string | null;
  rpmPackages: string | null;
  windows: { bcdeditEnum?: string; systeminfo?: string };
  /** What could not be read, and why (no manifest, a file skipped for its size, a damaged export…). */
  notes: string[];
}

/** Reads the inputs of the System state session `snapshotId` (a full ID). */
export async function readRestoreInputs(repository: Repository, snapshotId: string): Promise<RestoreInputs> {
  if (!isId(snapshotId))
    throw new RestoreError(
      'INVALID_PARAMS',
      `${JSON.stringify(snapshotId)} is not a full snapshot ID (64 hex digits)`,
    );
  let snapshot: Snapshot;
  try {
    snapshot = await repository.loadSnapshot(snapshotId);
  } catch (error) {
    if (isEngineError(error, 'NOT_FOUND'))
      throw new EngineError('NOT_FOUND', `no snapshot ${snapshotId} in the repository`, { cause: error });
    throw error;
  }
  if (!isSystemStateSnapshot(snapshot))
    throw new RestoreError(
      'NOT_SYSTEM_STATE',
      `snapshot ${snapshotId.slice(0, 8)} is not a System state session (tags: ${snapshot.tags?.join(', ') || 'none'}); restore it with \`backup-manager restore\``,
    );
  const notes: string[] = [];
  const loadTree = cachingTreeLoader(repository);
  const recorded = await readRecordedManifest(repository, snapshot, { loadTree });
  if (recorded.note !== null) notes.push(recorded.note);
  const components = await readSessionComponents(repository, { id: snapshotId, snapshot }, { loadTree });
  if (components.note !== null) notes.push(components.note);
  const configFiles = await readConfigFiles(repository, snapshot, loadTree);
  notes.push(...configFiles.notes);
  const layout = await readRecordedLayout(repository, snapshot, recorded.manifest, loadTree);
  notes.push(...layout.notes);
  const exportText = async (recordedPath: string): Promise<string | null> => {
    const read = await readRecordedText(repository, snapshot, recordedPath, { loadTree });
    if (read.kind === 'found') return read.text;
    if (read.kind === 'unusable') notes.push(`${recordedPath} cannot be used (${read.reason}).`);
    return null;
  };
  const enabledUnits = await exportText(recordedStaging.enabledUnits);
  const dpkgSelections = await exportText(recordedStaging.dpkgSelections);
  const rpmPackages = await exportText(recordedStaging.rpmPackages);
  const bcdeditEnum = await exportText(recordedStaging.bcdeditEnum);
  return {
    snapshot: { ...snapshot, id: snapshotId },
    manifest: recorded.manifest,
    components: components.components,
    configFiles: configFiles.files,
    layout: layout.layout,
    enabledUnits,
    dpkgSelections,
    rpmPackages,
    // No session exports systeminfo (windows-export-plan.ts); the Windows planner works without it.
    windows: bcdeditEnum === null ? {} : { bcdeditEnum },
    notes,
  };
}

/** The operating system family of the session: its manifest's, else what its recorded paths look like. */
export function osFamilyOf(inputs: RestoreInputs): 'linux' | 'windows' {
  if (inputs.manifest !== null) return inputs.manifest.os.family;
  if (inputs.components.some((c) => c.id.startsWith('windows.'))) return 'windows';
  if (inputs.components.some((c) => c.id.startsWith('linux.'))) return 'linux';
  return recordsWindowsPaths(inputs.snapshot.paths) ? 'windows' : 'linux';
}

/** The chosen components of the session, in the session's order. UNKNOWN_COMPONENT / NO_SELECTION as below. */
export function chosenComponents(inputs: RestoreInputs, componentIds: readonly string[]): RestoreComponent[] {
  if (componentIds.length === 0)
    throw new RestoreError('NO_SELECTION', 'no component chosen: choose at least one component to restore');
  const known = new Set(inputs.components.map((c) => c.id));
  const unknown = componentIds.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new RestoreError(
      'UNKNOWN_COMPONENT',
      `session ${inputs.snapshot.id.slice(0, 8)} has no component ${unknown.join(', ')} (it has: ${[...known].join(', ') || 'none'})`,
    );
  const wanted = new Set(componentIds);
  return inputs.components.filter((c) => wanted.has(c.id));
}

/**
 * The recorded paths to restore for the chosen components: deduplicated, sorted, without paths inside another
 * one, and never the staging folder (the exports are read from the repository; they are not part of the system).
 * UNKNOWN_COMPONENT for an id the session does not have; NO_SELECTION when nothing is chosen or the chosen
 * components have no files of their own — an empty include list would mean "restore everything" to the engine.
 */
export function includePathsFor(inputs: RestoreInputs, componentIds: string[]): string[] {
  const chosen = chosenComponents(inputs, componentIds);
  const paths = normalizeRecordedPaths(chosen.flatMap((c) => c.paths));
  if (paths.length === 0)
    throw new RestoreError(
      'NO_SELECTION',
      `${chosen.map((c) => c.title).join(', ')} ${chosen.length === 1 ? 'has' : 'have'} no files to restore ` +
        '(their recorded exports are applied after a restore): choose a component with files as well, such as the system configuration',
    );
  return paths;
}

/**
 * Absolute POSIX paths normalized, deduplicated, sorted, and those inside another one dropped; the staging folder
 * and the root itself (which holds the staging folder) are never restored. Windows paths (`C:\…`) are only
 * deduplicated: they name distinct files and folders of the Windows folder.
 */
function normalizeRecordedPaths(paths: readonly string[]): string[] {
  const posix = [...new Set(paths.filter((p) => p.startsWith('/')).map((p) => path.posix.resolve('/', p)))]
    .filter((p) => p !== '/' && !isStagingPath(p))
    .sort();
  const outermost = posix.filter((p) => !posix.some((other) => other !== p && isInside(p, other)));
  const others = [...new Set(paths.filter((p) => !p.startsWith('/')))].sort();
  return [...outermost, ...others];
}

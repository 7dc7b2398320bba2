/**
 * Reading what a System state session recorded about its machine — the machine manifest, the components record,
 * the exports — with the difference between "not there" and "there but unusable" kept as a note. A session made by
 * an older version, a damaged blob or a hand-edited file must leave the wizard working with what it can read.
 */
import { z } from 'zod';
import { type EngineError, type EngineErrorCode, isEngineError } from '../../engine/errors';
import type { Id } from '../../engine/ids';
import type { Repository } from '../../engine/repository/repository';
import { readSnapshotFile } from '../../engine/restore/snapshot-file-reader';
import type { TreeLoader } from '../../engine/restore/tree-walker';
import { type MachineManifest, machineManifestSchema } from '../../system-state/manifest/machine-manifest';
import { recordedStaging } from './restore-staging-paths';

/** Exports and records are small; anything bigger than this is not what our sessions write. */
export const maxRecordBytes = 16 * 1024 * 1024;

export type RecordedText =
  | { kind: 'found'; text: string }
  | { kind: 'absent' }
  /** There, but it cannot be used (damaged, too large, not a file); `reason` says why. */
  | { kind: 'unusable'; reason: string };

/** Engine errors that describe the recorded entry itself; anything else (I/O, cancellation) is the caller's error. */
const aboutTheEntry: readonly EngineErrorCode[] = [
  'CORRUPT',
  'NOT_FOUND',
  'TOO_LARGE',
  'INVALID_ARGUMENT',
  'PATH_ESCAPE',
];

function isAboutTheEntry(error: unknown): error is EngineError {
  return isEngineError(error) && aboutTheEntry.includes(error.code);
}

/** The text of a recorded file (UTF-8). */
export async function readRecordedText(
  repository: Repository,
  snapshot: { tree: Id },
  recordedPath: string,
  options: { maxBytes?: number; loadTree?: TreeLoader } = {},
): Promise<RecordedText> {
  try {
    const bytes = await readSnapshotFile(repository, snapshot, recordedPath, {
      maxBytes: options.maxBytes ?? maxRecordBytes,
      loadTree: options.loadTree,
    });
    return bytes === null ? { kind: 'absent' } : { kind: 'found', text: bytes.toString('utf8') };
  } catch (error) {
    if (isAboutTheEntry(error)) return { kind: 'unusable', reason: `${error.code}: ${error.message}` };
    throw error;
  }
}

/** A recorded JSON file validated by `schema`; a file that is no JSON or fails validation is unusable. */
export async function readRecordedJson<T>(
  repository: Repository,
  snapshot: { tree: Id },
  recordedPath: string,
  schema: z.ZodType<T>,
  options: { loadTree?: TreeLoader } = {},
): Promise<{ kind: 'found'; value: T } | { kind: 'absent' } | { kind: 'unusable'; reason: string }> {
  const read = await readRecordedText(repository, snapshot, recordedPath, {
    maxBytes: 1024 * 1024,
    loadTree: options.loadTree,
  });
  if (read.kind !== 'found') return read;
  let json: unknown;
  try {
    json = JSON.parse(read.text);
  } catch (error) {
    return { kind: 'unusable', reason: `not JSON (${(error as Error).message})` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { kind: 'unusable', reason: `not valid: ${z.prettifyError(parsed.error)}` };
  return { kind: 'found', value: parsed.data };
}

export interface RecordedManifest {
  manifest: MachineManifest | null;
  /** Why there is none: null when found; a sentence for the wizard's notes otherwise. */
  note: string | null;
}

/** The session's machine manifest (`/.backup-manager/system-state/machine-manifest.json`). */
export async function readRecordedManifest(
  repository: Repository,
  snapshot: { tree: Id },
  options: { loadTree?: TreeLoader } = {},
): Promise<RecordedManifest> {
  const read = await readRecordedJson(
    repository,
    snapshot,
    recordedStaging.manifest,
    machineManifestSchema,
    options,
  );
  if (read.kind === 'found') return { manifest: read.value, note: null };
  if (read.kind === 'absent')
    return {
      manifest: null,
      note: `The session has no machine manifest (${recordedStaging.manifest}): it was made by an older version.`,
    };
  return {
    manifest: null,
    note: `The session's machine manifest cannot be used (${read.reason}).`,
  };
}

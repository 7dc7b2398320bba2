/**
 * The rollback-backup phase of an apply to this system: before anything is overwritten, the paths the apply will
 * write are backed up from the system root into the same repository, recorded under their live paths (a test-mode
 * helper's sandbox root is mapped the way a session maps its snapshot, through the engine's `sourceMap`), tagged
 * `system-state` + `rollback` so the wizard lists it as this machine's rollback point. A rollback snapshot that
 * misses entries could not undo the apply, so an incomplete one fails the job before anything is written.
 */
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { backup } from '../../engine/archiver/archiver';
import type { Repository } from '../../engine/repository/repository';
import { systemStateTag } from '../sessions/session-backup';
import { type SourceMapping, toRecordedPath } from '../sessions/session-paths';
import { rollbackTag } from './restore-catalog';
import { RestoreJobError } from './restore-job-error';
import type { JobControl } from './restore-jobs';
import { progressOf } from './restore-phases';

export interface RollbackBackup {
  /** null when none of the paths existed: there is nothing to put back, only created entries to remove. */
  snapshotId: string | null;
  /** The include paths that existed (what the snapshot holds). */
  paths: string[];
}

async function existsUnder(root: string, live: string): Promise<boolean> {
  try {
    await lstat(path.join(root, live));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}

export async function takeRollbackBackup(
  control: JobControl,
  repository: Repository,
  options: { systemRoot: string; includePaths: readonly string[]; hostname: string; workers?: number },
): Promise<RollbackBackup> {
  control.setPhase('rollback-backup');
  const paths: string[] = [];
  for (const include of options.includePaths)
    if (await existsUnder(options.systemRoot, include)) paths.push(include);
  if (paths.length === 0) {
    control.log('info', 'rollback backup: none of the paths exists on this system yet; nothing to back up');
    return { snapshotId: null, paths };
  }
  const sourceMap: SourceMapping[] =
    options.systemRoot === '/'
      ? []
      : paths.map((p) => ({ path: p, readFrom: path.join(options.systemRoot, p) }));
  const warnings: string[] = [];
  control.log('info', `rollback backup of ${paths.join(', ')} from ${options.systemRoot}`);
  const summary = await backup(repository, {
    paths,
    sourceMap,
    tags: [systemStateTag, rollbackTag],
    // This machine's name as the wizard lists machines (sessions record the same os.hostname()).
    hostname: options.hostname,
    workers: options.workers,
    signal: control.signal,
    onProgress: (progress) =>
      control.progress(progressOf(progress, (item) => toRecordedPath(sourceMap, item))),
    onWarning: (warning) => {
      warnings.push(`${warning.path}: ${warning.message}`);
      control.log('warning', `rollback backup: ${warning.path}: ${warning.message}`);
    },
  });
  if (summary.entriesLeftOut > 0 || summary.xattrsUnavailable !== null)
    throw new RestoreJobError(
      'ROLLBACK_INCOMPLETE',
      `the rollback backup (snapshot ${summary.snapshotId.slice(0, 8)}) misses ${summary.entriesLeftOut} entries ` +
        `(${[summary.xattrsUnavailable, ...warnings.slice(0, 3)].filter(Boolean).join('; ')}): nothing was applied, ` +
        'because the apply could not be undone',
    );
  control.log(
    'info',
    `rollback snapshot ${summary.snapshotId.slice(0, 8)} saved (${summary.filesNew + summary.filesChanged + summary.filesUnmodified} files)`,
  );
  return { snapshotId: summary.snapshotId, paths };
}

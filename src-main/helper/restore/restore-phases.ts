/**
 * The phases every restore job shares — writing the files and verifying them — on the engine's restorer and
 * restore verifier, with their progress mapped onto the job and every entry that was not restored (or does not
 * match afterwards) listed on it. Used by the restore, rollback and test-restore jobs alike.
 */
import { lchownSync } from 'node:fs';
import type { Id } from '../../engine/ids';
import { ProgressMeter, type ProgressSnapshot } from '../../engine/progress/progress-meter';
import type { Repository } from '../../engine/repository/repository';
import { verifyRestore } from '../../engine/restore/restore-verifier';
import { type RestoreSummary, restore } from '../../engine/restore/restorer';
import type { RestoreJobProgress } from '../../helper-protocol/restore-model';
import { restoredFilesItem, verificationItem } from './restore-checklist';
import type { JobControl } from './restore-jobs';

export function progressOf(
  progress: ProgressSnapshot,
  item: (current: string) => string = (current) => current,
): RestoreJobProgress {
  return {
    filesDone: progress.filesDone,
    filesTotal: progress.totalsFinal ? progress.filesTotal : null,
    bytesDone: progress.bytesDone,
    bytesTotal: progress.totalsFinal ? progress.bytesTotal : null,
    currentItem: progress.currentItem === null ? null : item(progress.currentItem),
    bytesPerSecond: progress.elapsedSeconds > 0 ? progress.bytesPerSecond : null,
    etaSeconds: progress.etaSeconds,
  };
}

/** The engine shows paths relative to the target (`etc/fstab`); the job shows them as the snapshot records them. */
export function recordedItem(relative: string): string {
  return relative.startsWith('/') ? relative : `/${relative}`;
}

export interface FilesOptions {
  tree: Id;
  target: string;
  include: readonly string[];
  workers?: number;
}

/** The restore phase: writes the selection into the target; entries that fail are listed, the rest goes on. */
export async function restoreFiles(
  control: JobControl,
  repository: Repository,
  options: FilesOptions,
): Promise<RestoreSummary> {
  control.setPhase('restore');
  const summary = await restore(repository, {
    source: { tree: options.tree },
    target: options.target,
    include: options.include,
    signal: control.signal,
    workers: options.workers,
    onProgress: (progress) => control.progress(progressOf(progress, recordedItem)),
    onFailure: (failure) => {
      control.log('warning', `not restored: ${failure.path}: ${failure.code}: ${failure.message}`);
      control.fail({ path: recordedItem(failure.path), code: failure.code, message: failure.message });
    },
  });
  control.log(
    'info',
    `restored ${summary.files} files, ${summary.directories} directories, ${summary.symlinks} symlinks ` +
      `(${summary.bytes} bytes) into ${options.target}; ${summary.failures.length} not restored, ` +
      `${summary.warningCount} warnings`,
  );
  for (const warning of summary.warnings.slice(0, 20))
    control.log('warning', `${warning.path}: ${warning.message}`);
  return summary;
}

/**
 * The verify phase: every restored entry re-read and compared with the snapshot (each file's content hashed blob by
 * blob against the repository). Entries that could not be restored show up as missing.
 */
export async function verifyFiles(
  control: JobControl,
  repository: Repository,
  options: FilesOptions & { filesTotal: number; bytesTotal: number },
): Promise<void> {
  control.setPhase('verify');
  const meter = new ProgressMeter((progress) => control.progress(progressOf(progress)));
  meter.addTotals(options.filesTotal, options.bytesTotal);
  meter.finishTotals();
  let files = 0;
  const summary = await verifyRestore(repository, {
    source: { tree: options.tree },
    target: options.target,
    include: options.include,
    signal: control.signal,
    onFileVerified: (bytes) => {
      files++;
      meter.addDone(1, bytes);
    },
  });
  meter.flush();
  const verification = control.job.verification ?? { filesChecked: 0, bytesChecked: 0, mismatches: [] };
  control.job.verification = { ...verification, filesChecked: files, bytesChecked: summary.bytes };
  for (const mismatch of summary.mismatches)
    control.mismatch({ path: recordedItem(mismatch.path), reason: mismatch.message });
  control.changed();
  control.log(
    summary.mismatches.length === 0 ? 'info' : 'warning',
    `verified ${files} files (${summary.bytes} bytes, ${summary.entries} entries): ` +
      `${summary.mismatches.length} mismatches`,
  );
}

/**
 * Both phases as every job runs them, each followed by its checklist item: the selection written into the target,
 * then every entry written re-read against the snapshot. `where` names the target in the checklist (a test restore
 * says "a scratch folder" rather than its temporary path).
 */
export async function restoreAndVerify(
  control: JobControl,
  repository: Repository,
  options: FilesOptions,
  where: string = options.target,
): Promise<void> {
  const restored = await restoreFiles(control, repository, options);
  control.check(restoredFilesItem(restored, where));
  await verifyFiles(control, repository, {
    ...options,
    filesTotal: restored.files + restored.hardlinks,
    bytesTotal: restored.bytes,
  });
  control.check(verificationItem(control.job.verification));
}

/** lchown for code that must not follow a symlink (the apply record's directories are never links). */
export const chownNoFollow = (path: Buffer, uid: number, gid: number) => lchownSync(path, uid, gid);

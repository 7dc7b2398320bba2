/**
 * The checklist items every restore job shows after its files are written: what was restored and what the
 * verification found. (The post-restore steps add theirs in post-restore.ts.)
 */
import type { RestoreSummary } from '../../engine/restore/restorer';
import type { RestoreChecklistItem, RestoreJob } from '../../helper-protocol/restore-model';

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function restoredFilesItem(summary: RestoreSummary, target: string): RestoreChecklistItem {
  const what =
    `${plural(summary.files, 'file')}, ${plural(summary.directories, 'folder')}, ` +
    `${plural(summary.symlinks, 'symbolic link')} (${summary.bytes} bytes) into ${target}`;
  return summary.failures.length === 0
    ? { id: 'restored-files', title: 'Files restored', status: 'done', detail: `Restored ${what}.` }
    : {
        id: 'restored-files',
        title: 'Files restored',
        status: 'failed',
        detail: `Restored ${what}; ${plural(summary.failures.length, 'entry', 'entries')} could not be restored (listed with the job).`,
      };
}

export function verificationItem(verification: RestoreJob['verification']): RestoreChecklistItem {
  if (verification === null)
    return { id: 'verification', title: 'Verification', status: 'skipped', detail: 'Not verified.' };
  const checked = `${plural(verification.filesChecked, 'file')} (${verification.bytesChecked} bytes) re-read and compared with the repository`;
  return verification.mismatches.length === 0
    ? { id: 'verification', title: 'Verification', status: 'done', detail: `${checked}: all match.` }
    : {
        id: 'verification',
        title: 'Verification',
        status: 'failed',
        detail: `${checked}: ${plural(verification.mismatches.length, 'entry', 'entries')} differ or are missing (listed with the job).`,
      };
}

/**
 * Which failing preflight checks stop a session, in one place: the session runner applies it, and the preflight the
 * UI shows before "Back up now" carries its verdict per check (`blocksBackup`), so the app never guesses.
 * - The Linux services check: the helper is demonstrably running (it runs the session); what the check adds is
 *   that it is not installed or enabled as a service, which matters for scheduled sessions after a reboot. On
 *   Windows it covers Cryptographic Services and VSS, which the snapshot needs: there it blocks.
 * - The 2 TB rule for MBR dynamic disks (LVM/md): a constraint of the restore onto a replacement disk, not of the
 *   backup.
 */
import type { CheckResult } from '../../system-state/preflight/check';

export type NonBlockingReason = 'helper-is-running' | 'restore-constraint';

/** Why a failing check does not stop a session, or null when it does (or does not fail). */
export function nonBlockingReason(
  check: Pick<CheckResult, 'id' | 'status'>,
  windows: boolean,
): NonBlockingReason | null {
  if (check.status !== 'fail') return null;
  if (check.id === 'services' && !windows) return 'helper-is-running';
  if (check.id === 'mbr-2tb-limit') return 'restore-constraint';
  return null;
}

export function checkBlocksSession(check: Pick<CheckResult, 'id' | 'status'>, windows: boolean): boolean {
  return check.status === 'fail' && nonBlockingReason(check, windows) === null;
}

/** The log line's explanation of a failing check that does not block. */
export const nonBlockingExplanations: Record<NonBlockingReason, string> = {
  'helper-is-running':
    'Not blocking: the helper is running (it runs this session), but it is not installed or enabled as a ' +
    'service, so scheduled sessions will not survive a reboot.',
  'restore-constraint': 'Not blocking: this limits which disks a restore can use, not the backup.',
};

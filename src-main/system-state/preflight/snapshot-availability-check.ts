/**
 * After creation, and during the session: the snapshot must still exist (the system may delete shadow copies
 * when their storage fills; a btrfs/LVM snapshot can be removed by hand) and the machine must not have restarted
 * since the session began (a reboot discards VSS shadow copies and interrupts everything), detected through the
 * kernel's boot id.
 */
import { readFile } from 'node:fs/promises';
import type { SnapshotHandle, SnapshotProvider } from '../snapshots/snapshot-provider';
import type { CheckResult } from './check';

export const bootIdPath = '/proc/sys/kernel/random/boot_id';

export async function readBootId(file = bootIdPath): Promise<string> {
  return (await readFile(file, 'utf8')).trim();
}

export async function snapshotAvailabilityCheck(
  provider: SnapshotProvider,
  handle: SnapshotHandle,
  sessionBootId: string,
  currentBootId: string,
): Promise<CheckResult> {
  const base = { id: 'snapshot-availability', title: 'Snapshot still available' };
  if (sessionBootId !== currentBootId)
    return {
      ...base,
      status: 'fail',
      code: 'SNAPSHOT_UNAVAILABLE',
      evidence: [
        `the machine restarted since the session began (boot id ${sessionBootId} → ${currentBootId})`,
      ],
      fix: 'The session is restarted automatically with a new snapshot. If restarts happen during backups, schedule them outside the backup window.',
    };
  const availability = await provider.isAvailable(handle);
  if (!availability.available)
    return {
      ...base,
      status: 'fail',
      code: 'SNAPSHOT_UNAVAILABLE',
      evidence: availability.evidence,
      fix: 'The snapshot was deleted by the system (often: its storage filled up). Give the snapshot location more free space, then the session restarts with a new snapshot.',
    };
  return {
    ...base,
    status: 'pass',
    code: 'OK',
    evidence: [...availability.evidence, `boot id unchanged (${currentBootId})`],
    fix: '',
  };
}

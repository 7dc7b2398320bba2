/**
 * After creation, and during the session: the snapshot must still exist (the system may delete shadow copies
 * when their storage fills; a btrfs/LVM snapshot can be removed by hand) and the machine must not have restarted
 * since the session began (a reboot discards VSS shadow copies and interrupts everything), detected through a
 * boot id: the kernel's random boot id on Linux, the last boot time on Windows.
 */
import { readFile } from 'node:fs/promises';
import type { CommandRunner } from '../command-runner/command-runner';
import { fromNodeError, SystemStateError } from '../errors';
import { readWindowsOsInfo } from '../platform/windows/windows-os-info';
import type { SnapshotHandle, SnapshotProvider } from '../snapshots/snapshot-provider';
import type { CheckResult } from './check';

export const bootIdPath = '/proc/sys/kernel/random/boot_id';

export async function readBootId(file = bootIdPath): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    throw fromNodeError(error, `reading the boot id (${file})`);
  }
}

/** The boot id of the running machine: recorded when a session begins, compared by the check. */
export async function currentBootId(platform: NodeJS.Platform, runner: CommandRunner): Promise<string> {
  if (platform !== 'win32') return readBootId();
  const os = await readWindowsOsInfo(runner);
  if (!os.info?.lastBootUpTime)
    throw new SystemStateError('COMMAND_FAILED', `Windows last boot time unknown: ${os.evidence}`);
  return `last boot ${os.info.lastBootUpTime}`;
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

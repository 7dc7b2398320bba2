/**
 * Which snapshot technology this machine uses: VSS on Windows; on Linux btrfs when the root filesystem is btrfs,
 * LVM when it is a logical volume (and the LVM tools exist), else the temporary copy.
 */
import type { CommandRunner } from '../command-runner/command-runner';
import type { LocalDrive } from '../location/local-drives';
import type { SnapshotProviderKind } from './snapshot-provider';

export interface ProviderChoice {
  kind: SnapshotProviderKind;
  reason: string;
}

export async function chooseProvider(
  platform: NodeJS.Platform,
  systemDrive: LocalDrive | undefined,
  runner: CommandRunner,
): Promise<ProviderChoice> {
  if (platform === 'win32') return { kind: 'vss', reason: 'Windows: Volume Shadow Copy Service' };
  if (systemDrive === undefined)
    return { kind: 'temp-copy', reason: 'the system filesystem could not be identified' };
  if (systemDrive.fsType === 'btrfs') return { kind: 'btrfs', reason: `/ is btrfs (${systemDrive.device})` };
  if (/^\/dev\/mapper\/|^\/dev\/dm-/.test(systemDrive.device)) {
    const lvm = await runner.run({ argv: ['lvs', '--version'], timeoutMs: 10_000 });
    if (lvm.kind === 'exited' && lvm.exitCode === 0)
      return { kind: 'lvm', reason: `/ is on device-mapper volume ${systemDrive.device}` };
    return { kind: 'temp-copy', reason: `/ is on ${systemDrive.device} but the LVM tools are not installed` };
  }
  return {
    kind: 'temp-copy',
    reason: `/ is ${systemDrive.fsType} on ${systemDrive.device}: no snapshot technology, files are copied`,
  };
}

/** Whether the provider's snapshot data can live on a drive (the staging folder can live on any local drive). */
export function snapshotDataPlacement(
  kind: SnapshotProviderKind,
  drive: LocalDrive,
  systemDrive: LocalDrive | undefined,
): { possible: boolean; reason: string } {
  switch (kind) {
    case 'temp-copy':
      return drive.readOnly
        ? { possible: false, reason: 'read-only filesystem' }
        : { possible: true, reason: 'the temporary copy is written here' };
    case 'btrfs':
      return drive.mountPoint === systemDrive?.mountPoint
        ? { possible: true, reason: 'btrfs snapshots live inside the snapshotted filesystem' }
        : {
            possible: false,
            reason: `btrfs snapshot data stays on ${systemDrive?.mountPoint ?? '/'}; only the staging folder goes here`,
          };
    case 'lvm':
      return {
        possible: false,
        reason:
          "LVM snapshot data lives in the volume group's free extents; only the staging folder goes here",
      };
    case 'vss':
      return drive.fsType.toUpperCase() === 'NTFS'
        ? { possible: true, reason: 'NTFS: can hold the shadow copy storage' }
        : { possible: false, reason: `${drive.fsType}: shadow copy storage needs NTFS` };
  }
}

/** Reads the partition tables the 2 TB check needs: Linux (lsblk + sfdisk --json) and Windows (diskpart). */
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { flattenDevices, parseLsblk } from '../platform/linux/lsblk-json';
import { parseSfdiskJson } from '../platform/linux/sfdisk-json';
import type { DiskpartDisk } from '../platform/windows/diskpart';
import { parseDiskpartDisks } from '../platform/windows/diskpart';
import type { LinuxDiskLayout } from './mbr-limit-check';

export async function probeLinuxDiskLayouts(
  runner: CommandRunner,
): Promise<{ layouts: LinuxDiskLayout[]; unreadable: string[] }> {
  const lsblk = await runner.run({
    argv: ['lsblk', '--json', '--bytes', '--output', 'NAME,PATH,TYPE,SIZE,PTTYPE,FSTYPE'],
  });
  if (!succeeded(lsblk)) return { layouts: [], unreadable: [`lsblk: ${describeResult(lsblk)}`] };
  const layouts: LinuxDiskLayout[] = [];
  const unreadable: string[] = [];
  for (const disk of parseLsblk(lsblk.stdout).filter(
    (d) => d.type === 'disk' && d.partitionTableType !== null && d.path,
  )) {
    const sfdisk = await runner.run({ argv: ['sfdisk', '--json', disk.path as string] });
    if (!succeeded(sfdisk)) {
      unreadable.push(`${disk.path}: ${describeResult(sfdisk)}`);
      continue;
    }
    const members = flattenDevices(disk.children)
      .filter((p) => p.fsType === 'LVM2_member' || p.fsType === 'linux_raid_member')
      .map((p) => p.path ?? p.name);
    layouts.push({
      disk: disk.path as string,
      table: parseSfdiskJson(sfdisk.stdout),
      lvmOrMdPartitions: members,
    });
  }
  return { layouts, unreadable };
}

/** diskpart's disk list; a diskpart that does not answer (not an administrator) is reported, not thrown. */
export async function probeWindowsDisks(
  runner: CommandRunner,
): Promise<{ disks: DiskpartDisk[]; unreadable: string[] }> {
  const listed = await runner.run({ argv: ['diskpart'], input: 'list disk\nexit\n', timeoutMs: 60_000 });
  if (!succeeded(listed)) return { disks: [], unreadable: [`diskpart: ${describeResult(listed)}`] };
  return { disks: parseDiskpartDisks(listed.stdout), unreadable: [] };
}

/**
 * The 2 TB rule: on an MBR disk, sector numbers are 32-bit, so with 512-byte sectors nothing past 2 TiB is
 * addressable by Windows' dynamic disks. Windows: the used space of each MBR dynamic disk must not exceed 2 TiB.
 * Linux analogue: on each MBR ("dos") disk holding LVM physical volumes or md members, the span used by
 * partitions (last sector) must stay within 2 TiB. (Linux itself can address partitions that start below and
 * end above 2 TiB, but a replacement machine or another OS may not, and the layout cannot be recreated.)
 * A bigger disk whose used span fits gets a warning: the space beyond 2 TiB is unusable.
 */

import { formatBytes } from '../format-bytes';
import type { PartitionTable } from '../platform/linux/sfdisk-json';
import { mbrLvmType, mbrRaidType } from '../platform/linux/sfdisk-json';
import type { DiskpartDisk } from '../platform/windows/diskpart';
import type { CheckResult } from './check';

export const mbrLimitBytes = 2 * 1024 ** 4;
const title = 'Dynamic disks / LVM and md on MBR: 2 TB limit';

export function windowsMbrLimitCheck(
  disks: readonly DiskpartDisk[],
  unreadable: readonly string[] = [],
): CheckResult {
  const mbrDynamic = mbrDynamicDisks(disks);
  const evidence: string[] = [...unreadable];
  let status: CheckResult['status'] = 'pass';
  for (const disk of mbrDynamic) {
    const used = disk.sizeBytes - disk.freeBytes;
    evidence.push(
      `Disk ${disk.number}: MBR dynamic, ${formatBytes(disk.sizeBytes)}, ${formatBytes(used)} used by dynamic volumes`,
    );
    if (used > mbrLimitBytes) status = 'fail';
    else if (disk.sizeBytes > mbrLimitBytes && status === 'pass') status = 'warn';
  }
  if (mbrDynamic.length === 0 && unreadable.length === 0)
    evidence.push(`${disks.length} disk(s), none is an MBR dynamic disk`);
  return result(
    status,
    evidence,
    'Convert the disk to GPT (back up, clean, convert gpt in diskpart) or move volumes so that at most 2 TB of each MBR dynamic disk is used.',
    unreadable.length > 0 ? 'Run the check as an administrator: diskpart must list the disks.' : null,
  );
}

/** The disks the Windows rule applies to: dynamic, MBR, present. */
export function mbrDynamicDisks(disks: readonly DiskpartDisk[]): DiskpartDisk[] {
  return disks.filter((d) => d.dynamic && !d.gpt && d.status !== 'Missing');
}

export interface LinuxDiskLayout {
  disk: string;
  table: PartitionTable;
  /** Partitions that hold LVM PVs or md members according to lsblk (besides the MBR type ids). */
  lvmOrMdPartitions: readonly string[];
}

export function linuxMbrLimitCheck(
  layouts: readonly LinuxDiskLayout[],
  unreadable: readonly string[] = [],
): CheckResult {
  const evidence: string[] = [...unreadable];
  let status: CheckResult['status'] = 'pass';
  for (const { disk, table, lvmOrMdPartitions } of layouts) {
    if (table.label !== 'dos') {
      evidence.push(`${disk}: ${table.label} partition table`);
      continue;
    }
    const members = mbrLvmOrMdMembers({ disk, table, lvmOrMdPartitions });
    if (members.length === 0) {
      evidence.push(`${disk}: MBR, no LVM or md partition`);
      continue;
    }
    const spanBytes = partitionSpanBytes(table);
    evidence.push(
      `${disk}: MBR with LVM/md on ${members.map((m) => m.node).join(', ')}; partitions end at ${formatBytes(spanBytes)} (${table.sectorSize}-byte sectors)`,
    );
    if (spanBytes > mbrLimitBytes) status = 'fail';
  }
  if (layouts.length === 0 && unreadable.length === 0) evidence.push('no partitioned disk found');
  return result(
    status,
    evidence,
    'Move the LVM/md data below 2 TiB or convert the disk to a GPT partition table (sgdisk --mbrtogpt) before relying on this layout for a restore.',
    unreadable.length > 0
      ? 'Install util-linux (lsblk) and fdisk (sfdisk) and run the check as root: the partition tables must be read.'
      : null,
  );
}

/** The partitions of an MBR table that hold LVM physical volumes or md members (none for other tables). */
export function mbrLvmOrMdMembers(layout: LinuxDiskLayout): PartitionTable['partitions'] {
  if (layout.table.label !== 'dos') return [];
  return layout.table.partitions.filter(
    (p) => p.type === mbrLvmType || p.type === mbrRaidType || layout.lvmOrMdPartitions.includes(p.node),
  );
}

/** Where the last partition of a table ends, in bytes from the start of the disk (0 without partitions). */
export function partitionSpanBytes(table: PartitionTable): number {
  return Math.max(0, ...table.partitions.map((p) => (p.start + p.size) * table.sectorSize));
}

/**
 * A disk whose table could not be read is not known to respect the rule: a warning (COMMAND_FAILED) with what
 * to do, unless a readable disk already fails.
 */
function result(
  status: CheckResult['status'],
  evidence: string[],
  fix: string,
  unreadableFix: string | null,
): CheckResult {
  const base = { id: 'mbr-2tb-limit', title, evidence };
  if (status === 'fail') return { ...base, status, code: 'MBR_OVER_2TB', fix };
  if (unreadableFix !== null) return { ...base, status: 'warn', code: 'COMMAND_FAILED', fix: unreadableFix };
  if (status === 'warn')
    return { ...base, status, code: 'OK', fix: `Space beyond 2 TiB on an MBR disk is unusable. ${fix}` };
  return { ...base, status, code: 'OK', fix: '' };
}

/**
 * How much disk the backed-up layout needs, per disk, and which disk here would receive each one. The need is
 * the space the layout *used*, not the old disk's size: a 1 TB disk whose partitions end at 480 GB fits on a 512 GB
 * disk. Best source first: the partition table (sfdisk: where the last partition ends, plus GPT's backup table),
 * lsblk (the partitions' sizes: a lower bound), LVM (a whole-disk physical volume's size), diskpart (size minus
 * free space); without any layout export only the manifest's disk size is known, and the need is marked uncertain.
 *
 * Pairing: the biggest need goes to the biggest disk here, and so on ("largest fits first"). If that pairing does
 * not fit, no other does. Removable disks here (USB sticks, the disk the backup came from) are never targets.
 */
import { isSystemStateError } from '../errors';
import { formatBytes } from '../format-bytes';
import type { MachineManifest } from '../manifest/machine-manifest';
import type { BlockDevice } from '../platform/linux/lsblk-json';
import { flattenDevices, parseLsblk } from '../platform/linux/lsblk-json';
import type { PhysicalVolume } from '../platform/linux/lvm-report';
import { parsePhysicalVolumes } from '../platform/linux/lvm-report';
import { parseSfdiskJson } from '../platform/linux/sfdisk-json';
import type { DiskpartDisk } from '../platform/windows/diskpart';
import { parseDiskpartDisks } from '../platform/windows/diskpart';
import type { LinuxDiskLayout } from '../preflight/mbr-limit-check';
import { partitionSpanBytes } from '../preflight/mbr-limit-check';
import type { RecordedLayout } from './restore-analysis-model';

export type PartitionStyle = MachineManifest['disks'][number]['partitionStyle'];

export interface DiskNeed {
  /** The disk's name on the backed-up machine: `sda`, `nvme0n1`, `Disk 0`. */
  disk: string;
  bytes: number;
  /** True when at least `bytes` are surely needed; false when only the old disk's size is known. */
  certain: boolean;
  style: PartitionStyle;
  /** How the need was found, for the evidence. */
  basis: string;
}

export interface TargetDisk {
  name: string;
  sizeBytes: number;
  style: PartitionStyle;
  model: string | null;
}

export interface LayoutReading {
  needs: DiskNeed[];
  /** The partition tables for the 2 TB rule (Linux). */
  linuxLayouts: LinuxDiskLayout[];
  /** diskpart's disks (Windows), null when not recorded. */
  diskpartDisks: DiskpartDisk[] | null;
  /** Exports that were recorded but could not be read. */
  unreadable: string[];
  notes: string[];
  /** Where the needs come from: the recorded layout, the manifest's disk sizes, or nothing. */
  source: 'layout' | 'manifest' | 'none';
}

/** Devices that are not disks to restore onto: RAM and compressed swap, loop images, optical drives. */
const notADisk = /^(zram|loop|ram|sr|fd|nbd)\d*$/;
/** Whole-disk names (as opposed to partitions, md arrays and device-mapper nodes). */
const wholeDiskName = /^(sd[a-z]+|vd[a-z]+|xvd[a-z]+|hd[a-z]+|nvme\d+n\d+|mmcblk\d+)$/;

const baseName = (device: string) => device.replace(/^\/dev\//, '');

export function readBackedUpLayout(backedUp: MachineManifest, layout: RecordedLayout): LayoutReading {
  const reading: LayoutReading = {
    needs: [],
    linuxLayouts: [],
    diskpartDisks: null,
    unreadable: [],
    notes: [],
    source: 'none',
  };
  if (backedUp.os.family === 'windows') readWindows(layout, reading);
  else readLinux(backedUp, layout, reading);
  if (reading.source === 'none') manifestFallback(backedUp, reading);
  return reading;
}

function readWindows(layout: RecordedLayout, reading: LayoutReading): void {
  if (layout.diskpartListDisk === null) return;
  const disks = parseDiskpartDisks(layout.diskpartListDisk);
  if (disks.length === 0) {
    reading.unreadable.push('diskpart list disk: the recorded output has no disk table');
    return;
  }
  reading.diskpartDisks = disks;
  reading.source = 'layout';
  for (const d of disks) {
    if (d.status === 'Missing') {
      reading.notes.push(
        `Disk ${d.number} was missing on the backed-up machine (a failed dynamic disk): not counted`,
      );
      continue;
    }
    const used = Math.max(0, d.sizeBytes - d.freeBytes);
    const what = `${d.dynamic ? 'dynamic' : 'basic'} ${d.gpt ? 'GPT' : 'MBR'}`;
    if (used === 0) {
      reading.notes.push(
        `Disk ${d.number} (${what}, ${formatBytes(d.sizeBytes)}) had nothing allocated: not counted`,
      );
      continue;
    }
    reading.needs.push({
      disk: `Disk ${d.number}`,
      bytes: used,
      certain: true,
      style: d.gpt ? 'gpt' : 'mbr',
      basis: `diskpart: ${what} disk of ${formatBytes(d.sizeBytes)} with ${formatBytes(d.freeBytes)} free (diskpart rounds to whole units)`,
    });
  }
}

function readLinux(backedUp: MachineManifest, layout: RecordedLayout, reading: LayoutReading): void {
  const lsblk = tryRead(reading, 'lsblk', layout.lsblkJson, parseLsblk);
  const pvs = tryRead(reading, 'lvm fullreport', layout.lvmReportJson, parsePhysicalVolumes) ?? [];
  const covered = new Set<string>();
  const partitionNodes = new Set<string>();
  for (const { disk, json } of layout.sfdisk) {
    const table = tryRead(reading, `sfdisk ${disk}`, json, parseSfdiskJson);
    if (table === null) continue;
    const name = baseName(disk);
    covered.add(name);
    for (const p of table.partitions) partitionNodes.add(p.node);
    const lsblkDisk = lsblk?.find((d) => d.name === name || d.path === disk);
    const members = [
      ...flattenDevices(lsblkDisk?.children ?? [])
        .filter((p) => p.fsType === 'LVM2_member' || p.fsType === 'linux_raid_member')
        .map((p) => p.path ?? `/dev/${p.name}`),
      ...pvs.filter((pv) => table.partitions.some((p) => p.node === pv.name)).map((pv) => pv.name),
    ];
    reading.linuxLayouts.push({ disk, table, lvmOrMdPartitions: [...new Set(members)] });
    const span = partitionSpanBytes(table);
    const gpt = table.label === 'gpt';
    // GPT keeps a backup of its table in the last 33 sectors of the disk.
    const bytes = span === 0 ? 0 : span + (gpt ? 33 * table.sectorSize : 0);
    if (bytes === 0) {
      reading.notes.push(`${name}: partition table without partitions: not counted`);
      continue;
    }
    reading.needs.push({
      disk: name,
      bytes,
      certain: true,
      style: gpt ? 'gpt' : table.label === 'dos' ? 'mbr' : 'unknown',
      basis: `sfdisk: ${table.partitions.length} partition(s) ending at ${formatBytes(span)} (${table.sectorSize}-byte sectors)${gpt ? ' plus the backup GPT' : ''}`,
    });
  }
  if (lsblk !== null)
    for (const d of lsblk.filter(
      (x) => x.type === 'disk' && !notADisk.test(x.name) && !covered.has(x.name),
    )) {
      covered.add(d.name);
      lsblkNeed(d, pvs, reading);
    }
  for (const pv of pvs) {
    const name = baseName(pv.name);
    const knownDisk = backedUp.disks.some((d) => d.name === name || d.path === pv.name);
    if (covered.has(name) || partitionNodes.has(pv.name) || !(knownDisk || wholeDiskName.test(name)))
      continue;
    covered.add(name);
    reading.needs.push(pvNeed(name, pv));
  }
  if (layout.sfdisk.length > 0 || lsblk !== null || pvs.length > 0) {
    reading.source = 'layout';
    for (const d of backedUp.disks.filter(
      (x) => !covered.has(x.name) && !x.removable && !notADisk.test(x.name),
    )) {
      if (d.partitionStyle === 'gpt' || d.partitionStyle === 'mbr')
        reading.needs.push({
          disk: d.name,
          bytes: d.sizeBytes,
          certain: false,
          style: d.partitionStyle,
          basis: `machine manifest: its partition table was not recorded, only the disk's size (${formatBytes(d.sizeBytes)})`,
        });
      else reading.notes.push(`${d.name}: no partition table and no recorded use: not counted`);
    }
  }
}

function lsblkNeed(d: BlockDevice, pvs: readonly PhysicalVolume[], reading: LayoutReading): void {
  if (d.removable) {
    reading.notes.push(`${d.name}: removable disk on the backed-up machine: not counted`);
    return;
  }
  const parts = flattenDevices(d.children).filter((c) => c.type === 'part');
  const style: PartitionStyle =
    d.partitionTableType === 'gpt' ? 'gpt' : d.partitionTableType === 'dos' ? 'mbr' : 'none';
  if (parts.length > 0) {
    const bytes = parts.reduce((sum, p) => sum + p.sizeBytes, 0);
    reading.needs.push({
      disk: d.name,
      bytes,
      certain: true,
      style,
      basis: `lsblk: ${parts.length} partition(s) of ${formatBytes(bytes)} together (gaps between them not known)`,
    });
    return;
  }
  const pv = pvs.find((p) => p.name === d.path || baseName(p.name) === d.name);
  if (pv !== undefined) reading.needs.push(pvNeed(d.name, pv));
  else if (d.fsType !== null)
    reading.needs.push({
      disk: d.name,
      bytes: d.sizeBytes,
      certain: true,
      style,
      basis: `lsblk: the whole disk holds ${d.fsType} (${formatBytes(d.sizeBytes)})`,
    });
  else reading.notes.push(`${d.name}: no partitions and no filesystem on the backed-up machine: not counted`);
}

function pvNeed(name: string, pv: PhysicalVolume): DiskNeed {
  return {
    disk: name,
    bytes: pv.sizeBytes,
    certain: true,
    style: 'none',
    basis: `LVM: whole-disk physical volume of ${pv.vgName || 'a volume group'}, ${formatBytes(pv.sizeBytes)}`,
  };
}

function manifestFallback(backedUp: MachineManifest, reading: LayoutReading): void {
  const disks = backedUp.disks.filter((d) => !d.removable && d.sizeBytes > 0 && !notADisk.test(d.name));
  if (disks.length === 0) return;
  reading.source = 'manifest';
  for (const d of disks)
    reading.needs.push({
      disk: d.name,
      bytes: d.sizeBytes,
      certain: false,
      style: d.partitionStyle,
      basis: `machine manifest: no disk layout was recorded, only the disk's size (${formatBytes(d.sizeBytes)})`,
    });
}

/** An export that does not parse is evidence (`unreadable`), not a crash: the report still compares the rest. */
function tryRead<T>(
  reading: LayoutReading,
  what: string,
  text: string | null,
  parse: (t: string) => T,
): T | null {
  if (text === null) return null;
  try {
    return parse(text);
  } catch (error) {
    if (!isSystemStateError(error)) throw error;
    reading.unreadable.push(`${what}: ${error.message}`);
    return null;
  }
}

/** The disks here a layout can be recreated on, biggest first, and the ones left out with why. */
export function targetDisks(here: MachineManifest): { targets: TargetDisk[]; skipped: string[] } {
  const targets: TargetDisk[] = [];
  const skipped: string[] = [];
  for (const d of here.disks) {
    if (notADisk.test(d.name) || d.sizeBytes === 0) continue;
    if (d.removable)
      skipped.push(
        `${d.name} (${formatBytes(d.sizeBytes)}${d.model ? `, ${d.model}` : ''}): removable, not a target`,
      );
    else targets.push({ name: d.name, sizeBytes: d.sizeBytes, style: d.partitionStyle, model: d.model });
  }
  return { targets: targets.sort((a, b) => b.sizeBytes - a.sizeBytes), skipped };
}

export interface DiskPairing {
  pairs: { need: DiskNeed; target: TargetDisk }[];
  unpairedNeeds: DiskNeed[];
  unusedTargets: TargetDisk[];
}

export function pairDisks(needs: readonly DiskNeed[], targets: readonly TargetDisk[]): DiskPairing {
  const sortedNeeds = [...needs].sort((a, b) => b.bytes - a.bytes);
  const sortedTargets = [...targets].sort((a, b) => b.sizeBytes - a.sizeBytes);
  const pairs = sortedNeeds.slice(0, sortedTargets.length).map((need, i) => ({
    need,
    target: sortedTargets[i] as TargetDisk,
  }));
  return {
    pairs,
    unpairedNeeds: sortedNeeds.slice(sortedTargets.length),
    unusedTargets: sortedTargets.slice(sortedNeeds.length),
  };
}

/**
 * Sizes as disks are sold (decimal GB/TB), which is what a help-desk person and the label on the disk say. Needs
 * round up and capacities down, so a report never says "needs 256 GB, has 256 GB" for a disk that does not fit.
 */
export function diskSize(bytes: number, round: 'up' | 'down'): string {
  const f = round === 'up' ? Math.ceil : Math.floor;
  // Two decimals at most ("2.01 TB", "4 TB"): one would turn a 2.0004 TB need into "2.1 TB".
  if (bytes >= 1e12) return `${f(bytes / 1e10) / 100} TB`;
  if (bytes >= 1e9) return `${f(bytes / 1e9)} GB`;
  return `${f(bytes / 1e6)} MB`;
}

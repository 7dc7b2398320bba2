/**
 * The bash script that recreates the backed-up disk layout on this machine's disks, for review: partition tables
 * (from the recorded sfdisk JSON, replayed through sfdisk's own dump syntax with the recorded disk and partition
 * UUIDs), md arrays, LUKS containers, LVM and filesystems with their UUIDs and labels. It is shown and saved,
 * never executed by the helper: it erases disks. The script refuses to run without CONFIRM=yes, and checks every
 * disk (present, unused, sector size, big enough) before it changes any.
 */
import { SystemStateError } from '../errors';
import {
  createDeviceMapper,
  isDevicePath,
  oneLine,
  partitionNumber,
  partitionPath,
  shellCommand,
  shellWord,
} from './device-names';
import {
  filesystemSection,
  luksSection,
  lvmSection,
  mdSection,
  type StackContext,
} from './disk-layout-stack';
import {
  type BlockNode,
  parseBlockTree,
  parseLvmFullReport,
  parseMdadmScan,
  parseRecordedSfdisk,
  type RecordedPartitionTable,
} from './recorded-layout-readers';
import type { DiskLayoutScript, RecordedLayout } from './restore-analysis-model';

export interface DiskLayoutScriptInput {
  layout: RecordedLayout;
  diskMap: Readonly<Record<string, string>>;
  /** The session the layout was recorded in, for the script's header. */
  origin?: { snapshotId: string; hostname: string; time: string };
  /** Sizes in bytes of this machine's disks (new disk path → bytes), to warn before a table that cannot fit. */
  newDiskSizes?: Readonly<Record<string, number>>;
}

export function diskLayoutScript(input: DiskLayoutScriptInput): DiskLayoutScript {
  const { layout } = input;
  if (layout.sfdisk.length === 0)
    throw new SystemStateError(
      'INVALID_ARGUMENT',
      'the recorded layout has no partition table (no sfdisk export): there is nothing to recreate',
    );
  for (const entry of layout.sfdisk)
    if (!isDevicePath(entry.disk))
      throw new SystemStateError(
        'INVALID_ARGUMENT',
        `recorded disk ${JSON.stringify(entry.disk)} is not a /dev path`,
      );
  const tables = layout.sfdisk.map((entry) => ({
    disk: entry.disk,
    table: parseRecordedSfdisk(entry.json, entry.disk),
  }));
  const { mapper, warnings } = createDeviceMapper(
    tables.map((t) => t.disk),
    input.diskMap,
  );
  const tree = layout.lsblkJson === null ? [] : parseBlockTree(layout.lsblkJson);
  const context: StackContext = {
    mapper,
    warnings,
    nodes: nodesOnDisks(
      tree,
      tables.map((t) => t.disk),
    ),
    renamed: new Map(),
    created: new Set(),
    tools: new Set(['sfdisk', 'partx', 'blockdev', 'lsblk']),
  };

  const partitionLines = tables.flatMap(({ disk, table }) => partitionSection(context, disk, table, input));
  if (layout.lsblkJson === null)
    warnings.push(
      'No lsblk export was recorded: filesystems (and RAID levels) are unknown, so only partition tables, arrays named with their level and LVM are recreated.',
    );
  else if (context.nodes.length > 0 && context.nodes.every((n) => n.fsType === null))
    warnings.push(
      'The recorded lsblk has no filesystem information (udev was not running when it was recorded): no filesystem is created.',
    );
  const mdLines = layout.mdadmScan === null ? [] : mdSection(context, parseMdadmScan(layout.mdadmScan));
  const luksLow = luksSection(context, false);
  const lvmLines =
    layout.lvmReportJson === null ? [] : lvmSection(context, parseLvmFullReport(layout.lvmReportJson));
  const luksHigh = luksSection(context, true);
  const fsLines = filesystemSection(context);
  if (fsLines.some((line) => line.startsWith('mkfs.btrfs '))) context.tools.add('blkid');
  warnings.push(
    'The new disks get the recorded partition, array and filesystem UUIDs: disconnect the old disks before booting, or the system sees each UUID twice.',
  );

  const newDisks = Object.values(mapper.disks);
  const script = [
    ...header(input, mapper.disks, mapper.unmapped, warnings),
    'set -euo pipefail',
    '',
    `DISKS=(${newDisks.map(shellWord).join(' ')})`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a template
    'LVM_BACKUP_DIR=${LVM_BACKUP_DIR:-$(dirname "$0")/lvm}',
    'die() { echo "disk-layout: $*" >&2; exit 1; }',
    '',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a template
    'if [[ "${CONFIRM:-}" != yes ]]; then',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a template
    '  echo "This script DESTROYS ALL DATA on: ${DISKS[*]}" >&2',
    '  echo "Read it first, then run it again as: CONFIRM=yes bash $0" >&2',
    '  exit 2',
    'fi',
    '[[ $(id -u) -eq 0 ]] || die "run it as root"',
    `for tool in ${[...context.tools].sort().join(' ')}; do`,
    '  command -v "$tool" >/dev/null || die "$tool is not installed"',
    'done',
    '',
    ...preflightFunctions(btrfsUuids(fsLines).length > 0),
    '# Every disk is checked before any is changed.',
    ...tables.map(({ disk, table }) => {
      const newDisk = mapper.disks[disk] ?? disk;
      return shellCommand(['check_disk', newDisk, String(table.sectorSize), String(requiredSectors(table))]);
    }),
    ...btrfsUuids(fsLines).map((uuid) => shellCommand(['check_btrfs_uuid', uuid])),
    '',
    ...partitionLines,
    ...section('RAID arrays', mdLines),
    ...section('Encrypted containers', luksLow),
    ...section('LVM', lvmLines),
    ...section('Encrypted containers on logical volumes', luksHigh),
    ...section('Filesystems (with their recorded UUIDs and labels)', fsLines),
    'echo "Done. The recreated layout:"',
    `lsblk -o NAME,SIZE,TYPE,FSTYPE,UUID,LABEL ${newDisks.map(shellWord).join(' ')}`,
    '',
  ].join('\n');
  return { script, diskMap: { ...mapper.disks }, warnings };
}

function header(
  input: DiskLayoutScriptInput,
  disks: Record<string, string>,
  unmapped: readonly string[],
  warnings: readonly string[],
): string[] {
  const newDisks = Object.values(disks);
  const origin = input.origin
    ? `${input.origin.hostname}, System state session ${input.origin.snapshotId.slice(0, 8)} of ${input.origin.time}`
    : 'a System state session (origin not given)';
  return [
    '#!/bin/bash',
    `# Disk layout of ${oneLine(origin)}.`,
    '# Generated by Backup Manager for review; the helper never runs it.',
    '#',
    `# !!! THIS SCRIPT DESTROYS ALL DATA ON: ${newDisks.join(' ')} !!!`,
    '#',
    '# Recorded disk -> disk it writes to:',
    ...Object.entries(disks).map(
      ([from, to]) =>
        `#   ${from} -> ${to}${unmapped.includes(from) ? '   (NOT MAPPED: keeps its recorded name)' : ''}`,
    ),
    '#',
    '# Run it as root: CONFIRM=yes bash <this file>. LVM volume groups are restored exactly from their recorded',
    '# metadata (disk-layout/lvm/<vg>.vg of the session) when those files are in ./lvm next to this script or in',
    '# $LVM_BACKUP_DIR; otherwise they are recreated from the LVM report.',
    ...(warnings.length > 0 ? ['#', '# Warnings:', ...warnings.map((w) => `#   - ${oneLine(w)}`)] : []),
    '',
  ];
}

function preflightFunctions(btrfs: boolean): string[] {
  return [
    '# check_disk DISK SECTOR_SIZE MIN_SECTORS: a block device, nothing on it in use, same sector size, big enough.',
    'check_disk() {',
    '  local disk=$1 sector_size=$2 min_sectors=$3 name',
    '  [[ -b $disk ]] || die "$disk is not a block device"',
    '  if lsblk -n -o MOUNTPOINT "$disk" | grep -q "[^[:space:]]"; then die "$disk (or a partition of it) is mounted or used as swap"; fi',
    '  name=$(basename "$(readlink -f "$disk")")',
    '  for holder in /sys/class/block/"$name"/holders/* /sys/class/block/"$name"/"$name"*/holders/*; do',
    '    [[ -e $holder ]] && die "$disk is in use by $(basename "$holder") (RAID, LVM or encryption): stop it first"',
    '  done',
    '  local actual; actual=$(blockdev --getss "$disk")',
    '  [[ $actual -eq $sector_size ]] || die "$disk has $actual-byte sectors; the recorded table uses $sector_size"',
    '  local sectors=$(( $(blockdev --getsize64 "$disk") / actual ))',
    '  (( sectors >= min_sectors )) || die "$disk has $sectors sectors; the recorded partitions need $min_sectors (edit the last partition)"',
    '}',
    '',
    '# wait_partitions DISK PARTITION...: the kernel and /dev know the new partitions.',
    'wait_partitions() {',
    '  local disk=$1; shift',
    '  partx -u "$disk" 2>/dev/null || true  # when the re-read sfdisk asked for did not reach the kernel',
    '  partx -a "$disk" 2>/dev/null || true  # adds the ones still missing (errors for the others are expected)',
    '  command -v udevadm >/dev/null && udevadm settle 2>/dev/null || true',
    '  local part tries',
    '  for part in "$@"; do',
    '    for ((tries = 0; tries < 100; tries++)); do [[ -b $part ]] && break; sleep 0.1; done',
    '    [[ -b $part ]] || die "$part did not appear after partitioning $disk"',
    '  done',
    '}',
    '',
    ...(btrfs
      ? [
          '# check_btrfs_uuid UUID: mkfs.btrfs refuses a UUID another device of this machine has (the old disk, still',
          '# connected); found before anything is changed rather than halfway.',
          'check_btrfs_uuid() {',
          '  local uuid=$1 dev disk ours',
          '  for dev in $(blkid -t UUID="$uuid" -o device 2>/dev/null || true); do',
          '    ours=no',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a template
          '    for disk in "${DISKS[@]}"; do',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a template
          '      if [[ $dev == "$disk" ]] || [[ $dev == "$disk"* && ${dev#"$disk"} =~ ^p?[0-9]+$ ]]; then ours=yes; fi',
          '    done',
          '    [[ $ours == yes ]] || die "btrfs UUID $uuid is already on $dev (the old disk?): mkfs.btrfs refuses a duplicate; disconnect that disk first"',
          '  done',
          '}',
          '',
        ]
      : []),
  ];
}

/** Sectors the disk needs: the end of the last partition, plus GPT's backup header and entries at the end. */
export function requiredSectors(table: RecordedPartitionTable): number {
  const end = Math.max(0, ...table.partitions.map((p) => p.start + p.size));
  const backupGpt = table.label === 'gpt' ? 1 + Math.ceil((128 * 128) / table.sectorSize) : 0;
  return end + backupGpt;
}

function partitionSection(
  context: StackContext,
  disk: string,
  table: RecordedPartitionTable,
  input: DiskLayoutScriptInput,
): string[] {
  const newDisk = context.mapper.disks[disk] ?? disk;
  const partitions = table.partitions.map((p) => {
    const number = partitionNumber(disk, p.node);
    if (number === null)
      throw new SystemStateError(
        'UNEXPECTED_OUTPUT',
        `sfdisk JSON of ${disk}: partition ${p.node} is not on ${disk}`,
      );
    return { ...p, newNode: partitionPath(newDisk, number) };
  });
  const size = input.newDiskSizes?.[newDisk];
  const neededBytes = requiredSectors(table) * table.sectorSize;
  if (size !== undefined && size < neededBytes)
    context.warnings.push(
      `${disk}'s partitions need ${neededBytes} bytes but ${newDisk} has ${size}: shrink the last partition in the script (drop its size= to use the rest of the disk) and lower check_disk's minimum, after checking that the data fits.`,
    );
  for (const p of table.partitions) context.created.add(p.node);
  const dump = [
    `label: ${table.label}`,
    ...(table.id ? [`label-id: ${table.id}`] : []),
    `device: ${newDisk}`,
    'unit: sectors',
    ...(table.label === 'gpt' && table.firstLba !== null ? [`first-lba: ${table.firstLba}`] : []),
    `sector-size: ${table.sectorSize}`,
    '',
    ...partitions.map((p) =>
      [
        `${p.newNode} : start=${p.start}`,
        `size=${p.size}`,
        `type=${p.type}`,
        ...(p.uuid ? [`uuid=${p.uuid}`] : []),
        ...(p.name !== null ? [`name="${sfdiskString(p.name)}"`] : []),
        ...(p.attrs ? [`attrs="${sfdiskString(p.attrs)}"`] : []),
        ...(p.bootable ? ['bootable'] : []),
      ].join(', '),
    ),
  ];
  return [
    `# --- Partition table of ${disk} (${table.label}, ${table.partitions.length} partitions) on ${newDisk} ---`,
    `sfdisk --wipe always --wipe-partitions always ${shellWord(newDisk)} <<'SFDISK_TABLE'`,
    ...dump,
    'SFDISK_TABLE',
    shellCommand(['wait_partitions', newDisk, ...partitions.map((p) => p.newNode)]),
    '',
  ];
}

/** sfdisk's dump quoting: `"` and `\` (and anything not printable ASCII) as \xHH, byte by byte. */
export function sfdiskString(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text))
    out +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`;
  return out;
}

/** The UUIDs the script gives to new btrfs filesystems (read back from its own mkfs.btrfs lines). */
function btrfsUuids(fsLines: readonly string[]): string[] {
  return fsLines.flatMap((line) => /^mkfs\.btrfs .*-U ([0-9a-fA-F-]{36})/.exec(line)?.[1] ?? []);
}

function section(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : [`# --- ${title} ---`, ...lines, ''];
}

/** lsblk nodes under the recorded disks, parents first, each device once. */
function nodesOnDisks(tree: readonly BlockNode[], disks: readonly string[]): BlockNode[] {
  const seen = new Set<string>();
  const out: BlockNode[] = [];
  let level = tree.filter((n) => disks.includes(n.path));
  // Breadth first: an md array or LV appears under each of its members, and comes after all of them.
  while (level.length > 0) {
    const next: BlockNode[] = [];
    for (const node of level) {
      if (seen.has(node.path)) continue;
      seen.add(node.path);
      out.push(node);
      next.push(...node.children);
    }
    level = next;
  }
  return out;
}

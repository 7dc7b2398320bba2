/**
 * The disk lines of the compatibility report: do the backed-up disks' contents fit on the disks here, does the
 * partition style change, and does the 2 TB rule of MBR disks hold for the disks here. All three read the same
 * layout reading and pairing (disk-needs.ts), so they talk about the same disk pairs.
 */
import { formatBytes } from '../format-bytes';
import type { MachineManifest } from '../manifest/machine-manifest';
import {
  linuxMbrLimitCheck,
  mbrDynamicDisks,
  mbrLimitBytes,
  mbrLvmOrMdMembers,
  partitionSpanBytes,
  windowsMbrLimitCheck,
} from '../preflight/mbr-limit-check';
import type { DiskNeed, DiskPairing, LayoutReading, TargetDisk } from './disk-needs';
import { diskSize } from './disk-needs';
import type { CompatibilityItem, RestoreCheckStatus } from './restore-analysis-model';

export interface DiskContext {
  backedUp: MachineManifest;
  here: MachineManifest;
  reading: LayoutReading;
  targets: TargetDisk[];
  skipped: string[];
  pairing: DiskPairing;
}

export function worst(statuses: readonly RestoreCheckStatus[]): RestoreCheckStatus {
  if (statuses.includes('fail')) return 'fail';
  return statuses.includes('warn') ? 'warn' : 'pass';
}

const styleName = {
  gpt: 'GPT',
  mbr: 'MBR',
  none: 'no partition table',
  unknown: 'an unknown partition table',
};

function needLine(n: DiskNeed): string {
  return `backed up: ${n.disk} (${styleName[n.style]}) needs ${diskSize(n.bytes, 'up')} (${formatBytes(n.bytes)})${n.certain ? '' : ' at most'} — ${n.basis}`;
}

function targetLine(t: TargetDisk): string {
  return `here: ${t.name} (${styleName[t.style]}) ${diskSize(t.sizeBytes, 'down')} (${formatBytes(t.sizeBytes)})${t.model ? `, ${t.model}` : ''}`;
}

export function disksItem(ctx: DiskContext): CompatibilityItem {
  const { reading, targets, pairing } = ctx;
  const evidence = [
    ...reading.needs.map(needLine),
    ...targets.map(targetLine),
    ...ctx.skipped.map((s) => `here: ${s}`),
    ...pairing.pairs.map(
      ({ need, target }) =>
        `${need.disk} → ${target.name}: ${need.bytes <= target.sizeBytes ? 'fits' : `${diskSize(need.bytes - target.sizeBytes, 'up')} too small`}`,
    ),
    ...reading.unreadable.map((u) => `unreadable: ${u}`),
    ...reading.notes,
  ];
  const base = { id: 'disks' as const, title: 'Disks: number and sizes', evidence };
  if (reading.needs.length === 0)
    return {
      ...base,
      status: 'warn',
      explanation:
        'The backup does not say which disks the backed-up machine had or how much of them it used, so the disks here cannot be compared with them.',
      action: 'Check by hand that the disks here are big enough for the data being restored.',
    };
  if (targets.length === 0)
    return {
      ...base,
      status: 'fail',
      explanation: `This computer has no fixed disk to put the backed-up layout on (removable disks are not used). The layout needs ${diskSize(Math.max(...reading.needs.map((n) => n.bytes)), 'up')} on its largest disk.`,
      action: 'Connect an internal disk, or restore to a folder only.',
    };
  const tooSmall = pairing.pairs.filter(({ need, target }) => need.bytes > target.sizeBytes);
  const failing = tooSmall.filter(({ need }) => need.certain);
  const explanation: string[] = [];
  const action: string[] = [];
  const statuses: RestoreCheckStatus[] = [];
  for (const [i, { need, target }] of tooSmall.entries()) {
    const largest = i === 0 && target === targets[0];
    explanation.push(
      need.certain
        ? `The layout needs ${diskSize(need.bytes, 'up')} on one disk (${need.disk}); ${largest ? 'the largest disk here' : `the disk here it would go to (${target.name})`} has ${diskSize(target.sizeBytes, 'down')}${largest ? ` (${target.name})` : ''}.`
        : `The backed-up disk ${need.disk} had ${diskSize(need.bytes, 'down')}; how much of it was used was not recorded, and the disk here it would go to (${target.name}) has ${diskSize(target.sizeBytes, 'down')}.`,
    );
    statuses.push(need.certain ? 'fail' : 'warn');
  }
  if (failing.length > 0)
    action.push(
      `Use ${failing.length === 1 ? 'a disk' : 'disks'} of at least ${failing.map(({ need }) => `${diskSize(need.bytes, 'up')} for ${need.disk}`).join(', ')}, or restore to a folder only and recreate smaller partitions by hand (edit the disk layout script before running it).`,
    );
  if (tooSmall.length > failing.length)
    action.push(
      'Check how full the backed-up disk was (the restored files must fit) before restoring onto the smaller disk.',
    );
  if (pairing.unpairedNeeds.length > 0) {
    statuses.push('warn');
    explanation.push(
      `The backed-up machine used ${reading.needs.length} disks; this computer has ${targets.length} (removable disks not counted): ${pairing.unpairedNeeds.map((n) => n.disk).join(', ')} ${pairing.unpairedNeeds.length === 1 ? 'has' : 'have'} no disk to go to.`,
    );
    action.push(
      `Add a disk, or place the partitions of ${pairing.unpairedNeeds.map((n) => n.disk).join(', ')} by hand: the disk layout script leaves them unmapped.`,
    );
  }
  if (pairing.unusedTargets.length > 0) {
    statuses.push('warn');
    explanation.push(
      `This computer has ${targets.length} disks and the backed-up layout used ${reading.needs.length}: ${pairing.unusedTargets.map((t) => t.name).join(', ')} ${pairing.unusedTargets.length === 1 ? 'is' : 'are'} not needed for it.`,
    );
    action.push(
      'Check the disk map: the suggested pairing puts the largest need on the largest disk; unused disks stay untouched.',
    );
  }
  const status = worst(statuses);
  if (status === 'pass')
    explanation.push(
      `Every backed-up disk fits on a disk here: ${pairing.pairs.map(({ need, target }) => `${need.disk} needs ${diskSize(need.bytes, 'up')}, ${target.name} has ${diskSize(target.sizeBytes, 'down')}`).join('; ')}.`,
    );
  if (reading.source === 'manifest')
    explanation.push('No disk layout was recorded with this backup, so only the old disks’ sizes are known.');
  return { ...base, status, explanation: explanation.join(' '), action: action.join(' ') };
}

export function partitionStyleItem(ctx: DiskContext): CompatibilityItem {
  const { pairing, here } = ctx;
  const evidence: string[] = [];
  const explanation: string[] = [];
  const statuses: RestoreCheckStatus[] = [];
  const windows = ctx.backedUp.os.family === 'windows';
  for (const { need, target } of pairing.pairs) {
    evidence.push(`${need.disk} (${styleName[need.style]}) → ${target.name} (${styleName[target.style]})`);
    const changes =
      (need.style === 'gpt' && target.style === 'mbr') || (need.style === 'mbr' && target.style === 'gpt');
    if (changes) {
      statuses.push('warn');
      explanation.push(
        `The backed-up disk ${need.disk} had ${styleName[need.style]}; ${target.name} here has ${styleName[target.style]}. Recreating the backed-up layout replaces ${target.name}'s partition table and erases the disk; restoring into its existing partitions keeps ${styleName[target.style]}${windows ? ' — Windows starts in UEFI mode only from GPT and in BIOS mode only from MBR' : target.style === 'gpt' && here.bootMode === 'bios' ? ' — GRUB then needs a 1 MiB BIOS boot partition to start in BIOS mode' : target.style === 'mbr' && here.bootMode === 'uefi' ? ' — UEFI then needs an EFI System Partition (type ef) on it' : ''}.`,
      );
    }
    if (need.style === 'mbr' && target.sizeBytes > mbrLimitBytes) {
      statuses.push('warn');
      explanation.push(
        `${need.disk} used an MBR partition table; ${target.name} here has ${diskSize(target.sizeBytes, 'down')}, and MBR cannot address more than 2 TiB (2.2 TB) of a disk with 512-byte sectors: recreated as MBR, the rest of ${target.name} stays unusable.`,
      );
    }
  }
  const base = { id: 'partition-style' as const, title: 'Partition style (GPT or MBR)', evidence };
  if (pairing.pairs.length === 0)
    return {
      ...base,
      status: 'warn',
      explanation:
        'No backed-up disk could be paired with a disk here, so partition styles were not compared.',
      action: 'See the disks line above.',
    };
  const status = worst(statuses);
  return {
    ...base,
    status,
    explanation:
      status === 'pass'
        ? 'The disks here use the same partition style as the backed-up disks (or have none yet, and the disk layout script writes it).'
        : explanation.join(' '),
    action:
      status === 'pass'
        ? ''
        : 'Decide before restoring: keep the partitions here (the restore remaps UUIDs and the boot repair step installs the boot loader for this disk), or recreate the backed-up layout with the disk layout script (GPT is the safe choice for disks over 2 TiB).',
  };
}

export function mbrLimitItem(ctx: DiskContext): CompatibilityItem {
  const { reading, pairing } = ctx;
  const windows = ctx.backedUp.os.family === 'windows';
  const targetOf = (disk: string) => pairing.pairs.find((p) => p.need.disk === disk)?.target ?? null;
  const title = 'Dynamic disks / LVM and md on MBR: 2 TB limit';
  // `over`: the disk already uses more than MBR can address, so it cannot be recreated as MBR at all.
  const limited: { disk: string; what: string; over: boolean }[] = windows
    ? mbrDynamicDisks(reading.diskpartDisks ?? []).map((d) => ({
        disk: `Disk ${d.number}`,
        what: 'MBR dynamic disk',
        over: d.sizeBytes - d.freeBytes > mbrLimitBytes,
      }))
    : reading.linuxLayouts
        .filter((l) => mbrLvmOrMdMembers(l).length > 0)
        .map((l) => ({
          disk: l.disk.replace(/^\/dev\//, ''),
          what: 'MBR disk with LVM or md RAID',
          over: partitionSpanBytes(l.table) > mbrLimitBytes,
        }));
  const recorded = windows ? reading.diskpartDisks !== null : reading.linuxLayouts.length > 0;
  if (!recorded) {
    const mbrDisks = ctx.backedUp.disks.filter((d) => d.partitionStyle === 'mbr' && !d.removable);
    return {
      id: 'mbr-2tb-limit',
      title,
      status: mbrDisks.length > 0 ? 'warn' : 'pass',
      explanation:
        mbrDisks.length > 0
          ? `The backed-up machine had MBR disks (${mbrDisks.map((d) => d.name).join(', ')}) but its disk layout was not recorded, so it is not known whether ${windows ? 'dynamic volumes' : 'LVM or md RAID'} on them stay within 2 TB.`
          : 'The backed-up machine had no MBR disk, so the 2 TB limit of MBR disks does not apply.',
      action: mbrDisks.length > 0 ? 'Use GPT when recreating the disks here; it has no 2 TB limit.' : '',
      evidence: [
        ...reading.unreadable.map((u) => `unreadable: ${u}`),
        ...ctx.backedUp.disks.map(
          (d) => `backed up: ${d.name} ${styleName[d.partitionStyle]}, ${formatBytes(d.sizeBytes)}`,
        ),
      ],
    };
  }
  const unreadable = reading.unreadable.filter((u) => u.startsWith(windows ? 'diskpart' : 'sfdisk'));
  const check = windows
    ? windowsMbrLimitCheck(reading.diskpartDisks ?? [], unreadable)
    : linuxMbrLimitCheck(reading.linuxLayouts, unreadable);
  const statuses: RestoreCheckStatus[] = [check.status];
  const explanation: string[] = [];
  const evidence = [...check.evidence];
  if (check.status === 'fail')
    explanation.push(
      windows
        ? 'On the backed-up machine an MBR dynamic disk uses more than 2 TiB (2.2 TB). A replacement disk cannot hold that as an MBR dynamic disk: it must be a GPT dynamic disk.'
        : 'On the backed-up machine, LVM or md RAID on an MBR disk reaches beyond 2 TiB (2.2 TB; possible there only with 4096-byte sectors). A disk here with 512-byte sectors cannot hold that MBR layout: it must be recreated with GPT.',
    );
  else if (check.status === 'warn' && check.code === 'OK')
    explanation.push(
      'On the backed-up machine an MBR dynamic disk was bigger than 2 TiB: the space beyond 2 TiB could not be used there either.',
    );
  else if (check.code === 'COMMAND_FAILED')
    explanation.push(
      'Part of the recorded disk layout could not be read, so the 2 TB limit could not be checked for every disk.',
    );
  for (const { disk, what, over } of limited) {
    const target = targetOf(disk);
    if (target === null) {
      evidence.push(`${disk} (${what}): no disk here paired with it`);
      continue;
    }
    evidence.push(
      `${disk} (${what}) → ${target.name} here, ${diskSize(target.sizeBytes, 'down')} (${formatBytes(target.sizeBytes)})`,
    );
    if (target.sizeBytes > mbrLimitBytes && !over) {
      statuses.push('warn');
      explanation.push(
        `Recreating ${disk} (${what}) on ${target.name} here (${diskSize(target.sizeBytes, 'down')}) as MBR leaves everything beyond 2 TiB unusable.`,
      );
    }
  }
  const status = worst(statuses);
  if (status === 'pass')
    explanation.push(
      limited.length === 0
        ? `No ${windows ? 'dynamic disk of the backed-up machine used MBR' : 'LVM or md RAID of the backed-up machine was on an MBR disk'}, so the 2 TB limit does not apply.`
        : `The ${windows ? 'MBR dynamic disks' : 'MBR disks with LVM or md RAID'} stay within 2 TiB, and the disks here that would receive them are not bigger than MBR can address.`,
    );
  return {
    id: 'mbr-2tb-limit',
    title,
    status,
    explanation: explanation.join(' '),
    action:
      status === 'pass'
        ? ''
        : windows
          ? 'Create the disk here as a GPT dynamic disk (diskpart: clean, convert gpt, convert dynamic) before restoring the volumes.'
          : 'Recreate the disk with a GPT partition table (label: gpt in the disk layout script; on a BIOS machine add a 1 MiB BIOS boot partition for GRUB).',
    evidence,
  };
}

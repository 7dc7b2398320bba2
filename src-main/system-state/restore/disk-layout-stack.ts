/**
 * The layers above the partition tables in the disk layout script: md arrays, LUKS containers, LVM and the
 * filesystems, each recreated with the recorded identity (array UUID, LUKS UUID, PV UUIDs, filesystem UUID and
 * label) so that the restored fstab, crypttab, mdadm.conf and bootloader configuration find them unchanged.
 * Each builder returns bash lines and adds warnings for what it cannot recreate (it never guesses a RAID level).
 */
import { SystemStateError } from '../errors';
import type { DeviceMapper } from './device-names';
import { oneLine, shellCommand, shellWord } from './device-names';
import type { BlockNode, RecordedMdArray, RecordedVolumeGroup } from './recorded-layout-readers';

export interface StackContext {
  mapper: DeviceMapper;
  warnings: string[];
  /** lsblk nodes on the recorded disks, parents before children, each once (an md array has several parents). */
  nodes: BlockNode[];
  /** Recorded device path → the path the script creates it under (md arrays are named as the scan names them). */
  renamed: Map<string, string>;
  /** Recorded paths of the devices the script creates (partitions, arrays, opened containers). */
  created: Set<string>;
  /** Tools the script calls, checked before anything is changed. */
  tools: Set<string>;
}

export function stackPath(context: StackContext, recordedPath: string): string {
  return context.renamed.get(recordedPath) ?? context.mapper.map(recordedPath);
}

const uuidHex = (uuid: string) => uuid.replace(/[-:]/g, '').toLowerCase();

export function mdSection(context: StackContext, arrays: readonly RecordedMdArray[]): string[] {
  const lines: string[] = [];
  for (const array of arrays) {
    if (array.container) {
      context.warnings.push(
        `${array.device} is firmware RAID (${array.metadata ?? 'container'}): create it in the RAID firmware setup, not with this script.`,
      );
      continue;
    }
    const members = context.nodes.filter(
      (n) => n.fsType === 'linux_raid_member' && n.uuid !== null && uuidHex(n.uuid) === uuidHex(array.uuid),
    );
    const mdNode = members.flatMap((m) => m.children).find((c) => /^(raid\d+|linear)$/.test(c.type));
    const memberPaths = array.devices.length > 0 ? array.devices : members.map((m) => m.path);
    if (memberPaths.length === 0) {
      // A plain scan names no member and no level; without lsblk there is nothing to fill them in from.
      context.warnings.push(
        `${array.device}: neither its RAID level nor its members are recorded (plain mdadm --detail --scan, no lsblk): the command is commented out; fill in --level and the member partitions and run it by hand.`,
      );
      lines.push(
        `# RAID array ${oneLine(array.device)} (UUID ${array.uuid})`,
        `# ${shellCommand(['mdadm', '--create', array.device, '--run', `--metadata=${array.metadata ?? '1.2'}`, '--level=LEVEL?', '--raid-devices=N?', `--uuid=${array.uuid}`, 'MEMBERS?'])}`,
      );
      continue;
    }
    if (!memberPaths.some((p) => context.mapper.isOnRecordedDisk(p))) {
      context.warnings.push(
        `${array.device}: none of its members (${memberPaths.join(', ')}) is on a recorded disk; not recreated.`,
      );
      continue;
    }
    const level = array.level ?? mdNode?.type ?? null;
    const raidDevices = array.raidDevices ?? memberPaths.length;
    const devices = memberPaths.map((p) => stackPath(context, p));
    const missing = Math.max(0, raidDevices - devices.length);
    const spares = Math.max(0, devices.length - raidDevices);
    if (missing > 0)
      context.warnings.push(
        `${array.device} had ${raidDevices} devices but only ${devices.length} were recorded: it is created degraded ("missing"); add a disk with mdadm --add later.`,
      );
    const metadata = array.metadata ?? '1.2';
    const argv = [
      'mdadm',
      '--create',
      array.device,
      '--run',
      `--metadata=${metadata}`,
      `--level=${level ?? 'LEVEL?'}`,
      `--raid-devices=${raidDevices}`,
      ...(spares > 0 ? [`--spare-devices=${spares}`] : []),
      `--uuid=${array.uuid}`,
      // 0.90 superblocks have no name.
      ...(array.name !== null && !metadata.startsWith('0.') ? [`--name=${array.name}`] : []),
      ...devices,
      ...Array.from({ length: missing }, () => 'missing'),
    ];
    lines.push(`# RAID array ${oneLine(array.device)} (UUID ${array.uuid})`);
    if (level === null) {
      context.warnings.push(
        `${array.device}: its RAID level is not recorded (plain mdadm --detail --scan, no lsblk): the command is commented out; fill in --level and run it by hand.`,
      );
      lines.push(`# ${shellCommand(argv)}`);
      continue;
    }
    context.tools.add('mdadm');
    lines.push(shellCommand(argv));
    if (mdNode !== undefined) context.renamed.set(mdNode.path, array.device);
    if (mdNode !== undefined) context.created.add(mdNode.path);
    context.created.add(array.device);
  }
  return lines;
}

/** LUKS containers whose device is (or is not) a logical volume: those on LVs can only be made after LVM. */
export function luksSection(context: StackContext, onLogicalVolumes: boolean): string[] {
  const lines: string[] = [];
  for (const node of context.nodes) {
    if (node.fsType !== 'crypto_LUKS' || (node.type === 'lvm') !== onLogicalVolumes) continue;
    if (!context.created.has(node.path) && !context.mapper.isOnRecordedDisk(node.path)) continue;
    const opened = node.children.find((c) => c.type === 'crypt');
    const device = stackPath(context, node.path);
    const version = node.fsVersion === '1' ? 'luks1' : 'luks2';
    context.tools.add('cryptsetup');
    lines.push(
      `# Encrypted container on ${oneLine(device)}: cryptsetup asks for confirmation and a new passphrase`,
    );
    lines.push(
      shellCommand([
        'cryptsetup',
        'luksFormat',
        '--type',
        version,
        ...(node.uuid ? ['--uuid', node.uuid] : []),
        device,
      ]),
    );
    if (opened !== undefined) {
      lines.push(shellCommand(['cryptsetup', 'open', device, opened.name]));
      context.created.add(opened.path);
    }
    context.warnings.push(
      `${device} becomes a new LUKS container (${node.uuid ?? 'new UUID'}): the old passphrase and key files do not carry over; update key files named in /etc/crypttab.`,
    );
  }
  return lines;
}

export function lvmSection(context: StackContext, groups: readonly RecordedVolumeGroup[]): string[] {
  const lines: string[] = [];
  for (const vg of groups) {
    for (const name of [vg.name, ...vg.lvs.map((lv) => lv.name)])
      if (!/^[A-Za-z0-9+_.-]+$/.test(name))
        throw new SystemStateError(
          'UNEXPECTED_OUTPUT',
          `lvm fullreport: ${JSON.stringify(name)} is not an LVM name`,
        );
    const ours = vg.pvs.filter(
      (pv) => context.created.has(pv.name) || context.mapper.isOnRecordedDisk(pv.name),
    );
    if (ours.length === 0) {
      context.warnings.push(
        `Volume group ${vg.name}: none of its physical volumes is on a recorded disk; not recreated.`,
      );
      continue;
    }
    if (ours.length < vg.pvs.length)
      context.warnings.push(
        `Volume group ${vg.name} also spans ${vg.pvs
          .filter((pv) => !ours.includes(pv))
          .map((pv) => pv.name)
          .join(', ')}, which the script does not recreate: vgcreate will miss it.`,
      );
    const pvs = ours.map((pv) => ({ ...pv, device: stackPath(context, pv.name) }));
    const backup = `"$LVM_BACKUP_DIR"/${shellWord(`${vg.name}.vg`)}`;
    const created: string[] = [];
    const skipped: string[] = [];
    for (const lv of vg.lvs) {
      const kind = lv.attr[0];
      const plain =
        (kind === '-' || kind === 'o') && /public/.test(lv.role) && /^(linear|striped)$/.test(lv.segtype);
      if (!plain) {
        skipped.push(`${lv.name} (${lv.segtype || lv.layout || lv.attr})`);
        continue;
      }
      const extents = Math.round(lv.sizeBytes / vg.extentSizeBytes);
      const striping =
        lv.segtype === 'striped' && lv.stripes > 1
          ? ['--stripes', String(lv.stripes), '--stripesize', `${lv.stripeSizeBytes / 1024}k`]
          : [];
      created.push(
        shellCommand([
          'lvcreate',
          '--yes',
          '--wipesignatures',
          'y',
          '--extents',
          String(extents),
          ...striping,
          '--name',
          lv.name,
          vg.name,
        ]),
      );
    }
    if (skipped.length > 0)
      context.warnings.push(
        `Volume group ${vg.name}: ${skipped.join(', ')} ${skipped.length === 1 ? 'is' : 'are'} not recreated by lvcreate (snapshots, thin pools, RAID/cache LVs); the recorded ${vg.name}.vg restores them with vgcfgrestore (thin pools need --force and their data restored separately).`,
      );
    context.tools.add('lvm');
    lines.push(
      `# LVM volume group ${vg.name}: preferably from the recorded metadata backup ${vg.name}.vg (exact layout), else from the report`,
      `if [[ -f ${backup} ]]; then`,
      ...pvs.map(
        (pv) =>
          `  ${shellCommand(['pvcreate', '--yes', '--uuid', pv.uuid, '--restorefile'])} ${backup} ${shellWord(pv.device)}`,
      ),
      `  vgcfgrestore --file ${backup} ${shellWord(vg.name)}`,
      'else',
      `  echo "no ${vg.name}.vg in $LVM_BACKUP_DIR: recreating ${vg.name} from the report (same sizes; extents may be placed differently)" >&2`,
      ...pvs.map(
        (pv) => `  ${shellCommand(['pvcreate', '--yes', '--uuid', pv.uuid, '--norestorefile', pv.device])}`,
      ),
      `  ${shellCommand(['vgcreate', '--yes', '--physicalextentsize', `${vg.extentSizeBytes / 1024}k`, vg.name, ...pvs.map((pv) => pv.device)])}`,
      ...created.map((c) => `  ${c}`),
      'fi',
      shellCommand(['vgchange', '--activate', 'y', vg.name]),
    );
    for (const node of context.nodes) if (node.type === 'lvm') context.created.add(node.path);
  }
  return lines;
}

export function filesystemSection(context: StackContext): string[] {
  const lines: string[] = [];
  const btrfsDone = new Set<string>();
  for (const node of context.nodes) {
    if (node.fsType === null || ['linux_raid_member', 'LVM2_member', 'crypto_LUKS'].includes(node.fsType))
      continue;
    if (!context.created.has(node.path) && !context.mapper.isOnRecordedDisk(node.path)) continue;
    const device = stackPath(context, node.path);
    const label = node.label;
    const uuid = node.uuid;
    if (uuid === null)
      context.warnings.push(
        `${device}: its ${node.fsType} filesystem has no recorded UUID; it gets a new one (update fstab).`,
      );
    const argv = mkfsArgv(node, device, context);
    if (argv === null) {
      context.warnings.push(
        `${device}: ${node.fsType} filesystems are not created by this script; create it by hand${uuid ? ` with UUID ${uuid}` : ''}.`,
      );
      lines.push(
        oneLine(
          `# ${device}: ${node.fsType}${uuid ? ` UUID=${uuid}` : ''}${label ? ` LABEL=${label}` : ''} — create by hand`,
        ),
      );
      continue;
    }
    if (argv.length === 0) continue; // another device of a multi-device btrfs
    context.tools.add(argv[0] as string);
    lines.push(shellCommand(argv));
    if (node.fsType === 'ntfs' && uuid) {
      context.tools.add('ntfslabel');
      lines.push(shellCommand(['ntfslabel', `--new-serial=${uuid}`, device]));
    }
    if (node.fsType === 'btrfs' && uuid !== null && !btrfsDone.has(uuid)) {
      btrfsDone.add(uuid);
      const subvolumes = btrfsSubvolumes(node, device);
      if (subvolumes.length > 0) context.tools.add('btrfs');
      lines.push(...subvolumes);
    }
  }
  return lines;
}

function mkfsArgv(node: BlockNode, device: string, context: StackContext): string[] | null {
  const { uuid, label } = node;
  switch (node.fsType) {
    case 'ext2':
    case 'ext3':
    case 'ext4':
      return [
        `mkfs.${node.fsType}`,
        '-F',
        ...(uuid ? ['-U', uuid] : []),
        ...(label ? ['-L', label] : []),
        device,
      ];
    case 'xfs':
      return [
        'mkfs.xfs',
        '-f',
        ...(uuid ? ['-m', `uuid=${uuid}`] : []),
        ...(label ? ['-L', label] : []),
        device,
      ];
    case 'btrfs': {
      const same = context.nodes.filter((n) => n.fsType === 'btrfs' && uuid !== null && n.uuid === uuid);
      if (same.length > 1 && same[0] !== node) return [];
      if (same.length > 1)
        context.warnings.push(
          `btrfs ${uuid} spans ${same.length} devices: its RAID profiles are not recorded, mkfs.btrfs uses its defaults (add -d/-m to match).`,
        );
      const devices = same.length > 1 ? same.map((n) => stackPath(context, n.path)) : [device];
      return ['mkfs.btrfs', '-f', ...(uuid ? ['-U', uuid] : []), ...(label ? ['-L', label] : []), ...devices];
    }
    case 'vfat': {
      const fat = /^FAT(12|16|32)$/.exec(node.fsVersion ?? '')?.[1];
      const volumeId = uuid && /^[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}$/.test(uuid) ? uuid.replace('-', '') : null;
      return [
        'mkfs.vfat',
        ...(fat ? ['-F', fat] : []),
        ...(volumeId ? ['-i', volumeId] : []),
        ...(label ? ['-n', label] : []),
        device,
      ];
    }
    case 'swap':
      return ['mkswap', ...(uuid ? ['-U', uuid] : []), ...(label ? ['-L', label] : []), device];
    case 'ntfs':
      return ['mkfs.ntfs', '-Q', ...(label ? ['-L', label] : []), device];
    default:
      return null;
  }
}

/** btrfs subvolumes that were mounted (lsblk's FSROOTS), recreated in a temporary mount; nested ones after parents. */
function btrfsSubvolumes(node: BlockNode, device: string): string[] {
  const roots = [...new Set(node.fsRoots)].filter((r) => r !== '/' && r.startsWith('/')).sort();
  if (roots.length === 0) return [];
  return [
    `btrfs_top=$(mktemp -d)`,
    `mount ${shellWord(device)} "$btrfs_top"`,
    ...roots.flatMap((root) => {
      const parent = root.slice(0, root.lastIndexOf('/'));
      return [
        ...(parent ? [`mkdir -p "$btrfs_top"${shellWord(parent)}`] : []),
        `btrfs subvolume create "$btrfs_top"${shellWord(root)}`,
      ];
    }),
    `umount "$btrfs_top" && rmdir "$btrfs_top"`,
  ];
}

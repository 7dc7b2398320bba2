/**
 * The configuration lines of the compatibility report: network adapters and filesystem UUIDs that the backed-up
 * configuration names and this machine lacks.
 *
 * Filesystem UUIDs: a UUID that is not here is a warning, because the restore remaps it (uuid-remap.ts, shown in
 * the plan). It is a failure only when the missing UUID is the root filesystem's and this machine has no Linux
 * filesystem at all (ext2/3/4, xfs, btrfs, f2fs, jfs, reiserfs, bcachefs) that a root could be restored into: then
 * nothing can be matched whatever target is chosen, and the user must create one first. The target root is chosen
 * later in the wizard, so the report does not guess which filesystem the remap will pick.
 */
import type { MachineManifest } from '../manifest/machine-manifest';
import { findInterfaceReferences, findPartuuidReferences, findUuidReferences } from './config-references';
import { configFileRole, globMatches, normalizeMac } from './config-text';
import type {
  CompatibilityInput,
  CompatibilityItem,
  InterfaceReference,
  UuidReference,
} from './restore-analysis-model';

/** Interfaces that software creates (containers, VMs, VPNs): never what a configuration should be renamed to. */
const virtualInterface =
  /^(lo|docker\d*|veth|virbr|vnet|br-|tun|tap|wg|zt|tailscale|vmnet|vboxnet|lxc|lxd|cni|flannel|cali)/;

export function networkItem(input: CompatibilityInput): CompatibilityItem {
  const hereInterfaces = input.here.networkInterfaces.filter((i) => i.name !== 'lo');
  const hereMacs = new Set(hereInterfaces.flatMap((i) => (i.mac ? [normalizeMac(i.mac) ?? i.mac] : [])));
  const hereLines = hereInterfaces.map((i) => `here: ${i.name}${i.mac ? ` (${i.mac})` : ''}`);
  const base = { id: 'network-interfaces' as const, title: 'Network adapters' };
  if (input.backedUp.os.family === 'windows') return windowsNetwork(input.backedUp, hereMacs, hereLines);
  const refs = findInterfaceReferences(input.configFiles);
  const missing = refs.filter((r) =>
    r.mac !== null ? !hereMacs.has(r.mac) : !hereInterfaces.some((i) => globMatches(r.name ?? '', i.name)),
  );
  const evidence = [
    ...refs.map(
      (r) =>
        `${r.file}:${r.line}: ${refText(r)} — ${missing.includes(r) ? 'not on this computer' : 'present here'}`,
    ),
    ...hereLines,
  ];
  const networkFiles = input.configFiles.filter((f) => {
    const role = configFileRole(f.path);
    return role !== null && !['fstab', 'crypttab', 'bootloader', 'resume', 'mdadm'].includes(role);
  });
  if (refs.length === 0)
    return {
      ...base,
      status: 'pass',
      explanation:
        networkFiles.length === 0
          ? 'No network configuration file was recorded with the backup, so nothing in it is tied to the old adapters.'
          : 'The backed-up network configuration does not name any adapter or MAC (for example an automatic NetworkManager connection), so it applies to the adapters here as well.',
      action: '',
      evidence: [`${networkFiles.length} network configuration file(s) read`, ...hereLines],
    };
  if (missing.length === 0)
    return {
      ...base,
      status: 'pass',
      explanation: 'Every network adapter the backed-up configuration names exists on this computer.',
      action: '',
      evidence,
    };
  const candidates = hereInterfaces.filter((i) => !virtualInterface.test(i.name));
  const missingNames = [...new Set(missing.map((r) => r.name ?? r.mac))].join(', ');
  return {
    ...base,
    status: 'warn',
    explanation: `The restored network configuration names adapters this computer does not have (${missingNames}). On them it would bring no network up, so after the restore this computer may have no network connection. Adapters here: ${candidates.map((c) => c.name).join(', ') || 'none'}.`,
    action: networkActions(missing, candidates).join(' '),
    evidence,
  };
}

function refText(r: InterfaceReference): string {
  if (r.mac !== null && r.name !== null) return `MAC ${r.mac} named ${r.name}`;
  return r.mac !== null ? `MAC ${r.mac}` : `interface ${r.name}`;
}

function networkActions(
  missing: readonly InterfaceReference[],
  candidates: MachineManifest['networkInterfaces'],
): string[] {
  const actions: string[] = [];
  const files = [...new Set(missing.map((r) => r.file))];
  const onlyOne = candidates.length === 1 ? candidates[0] : undefined;
  for (const file of files) {
    const inFile = missing.filter((r) => r.file === file);
    const lines = (refs: InterfaceReference[]) => refs.map((r) => r.line).join(', ');
    if (configFileRole(file) === 'udev-net') {
      actions.push(
        `Delete the rules on line ${lines(inFile)} of ${file}: they name adapters by MACs this computer does not have, so the adapters here keep other names.`,
      );
      continue;
    }
    const byName = inFile.filter((r) => r.mac === null);
    const byMac = inFile.filter((r) => r.mac !== null);
    const names = [...new Set(byName.map((r) => r.name))].join(', ');
    if (byName.length > 0)
      actions.push(
        onlyOne
          ? `Rename ${names} to ${onlyOne.name} in ${file} (line ${lines(byName)}).`
          : `Rename ${names} in ${file} (line ${lines(byName)}) to the adapter here that should carry it${candidates.length > 0 ? ` (${candidates.map((c) => c.name).join(', ')})` : ''}.`,
      );
    if (byMac.length > 0)
      actions.push(
        `In ${file} (line ${lines(byMac)}), replace the old MAC with ${onlyOne?.mac ? `${onlyOne.mac} (${onlyOne.name})` : 'the MAC of the adapter here'}, or remove the MAC match.`,
      );
  }
  return actions;
}

function windowsNetwork(
  backedUp: MachineManifest,
  hereMacs: ReadonlySet<string>,
  hereLines: string[],
): CompatibilityItem {
  const adapters = backedUp.networkInterfaces.filter((i) => i.mac !== null && !virtualInterface.test(i.name));
  const missing = adapters.filter((i) => !hereMacs.has(normalizeMac(i.mac ?? '') ?? ''));
  const evidence = [
    ...adapters.map(
      (a) =>
        `backed up: ${a.name} (${a.mac}) — ${missing.includes(a) ? 'not on this computer' : 'present here'}`,
    ),
    ...hereLines,
  ];
  const base = { id: 'network-interfaces' as const, title: 'Network adapters', evidence };
  if (missing.length === 0)
    return {
      ...base,
      status: 'pass',
      explanation:
        'The network adapters of the backed-up machine are in this computer, so their settings apply again.',
      action: '',
    };
  return {
    ...base,
    status: 'warn',
    explanation: `Windows keeps network settings per adapter, and ${missing.map((m) => m.name).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in this computer: its adapters start with automatic (DHCP) settings, and fixed IP addresses of the backed-up machine do not apply to them.`,
    action:
      'After the restore, set the fixed IP addresses, DNS servers and adapter names again on the adapters here.',
  };
}

const linuxRootTypes = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'f2fs',
  'jfs',
  'reiserfs',
  'bcachefs',
]);

export function uuidItem(input: CompatibilityInput): CompatibilityItem {
  const refs = findUuidReferences(input.configFiles);
  const partRefs = findPartuuidReferences(input.configFiles);
  const here = new Map(
    input.here.filesystems.flatMap((f) => (f.uuid ? [[f.uuid.toLowerCase(), f] as const] : [])),
  );
  const groups = new Map<string, UuidReference[]>();
  for (const r of refs) groups.set(r.uuid.toLowerCase(), [...(groups.get(r.uuid.toLowerCase()) ?? []), r]);
  const missing = [...groups.entries()].filter(([key]) => !here.has(key)).map(([, group]) => group);
  const fileCount = input.configFiles.filter((f) =>
    ['fstab', 'crypttab', 'bootloader', 'resume'].includes(configFileRole(f.path) ?? ''),
  ).length;
  const evidence = [
    `${fileCount} fstab, crypttab, boot loader or resume file(s) read`,
    // One line per UUID: what it is, whether it is here, and every line that names it.
    ...[...groups.entries()].map(([key, group]) => {
      const found = here.get(key);
      return `${(group[0] as UuidReference).uuid} (${uuidRole(group)}) — ${found ? `exists here: ${found.device}` : 'not on this machine'} — ${group.map((r) => `${r.file}:${r.line}`).join(', ')}`;
    }),
    ...partRefs.map(
      (r) => `PARTUUID ${r.partuuid} (${r.kind}) — a partition id, not remapped — ${r.file}:${r.line}`,
    ),
  ];
  const base = { id: 'filesystem-uuids' as const, title: 'Filesystem UUIDs in configuration', evidence };
  const rootMissing = missing.some((group) => group.some((r) => r.mountpoint === '/'));
  const linuxHere = input.here.filesystems.filter((f) => linuxRootTypes.has(f.type.toLowerCase()) && f.uuid);
  const explanation: string[] = [];
  const action: string[] = [];
  let status: CompatibilityItem['status'] = 'pass';
  if (rootMissing && linuxHere.length === 0) {
    status = 'fail';
    explanation.push(
      'The backed-up root filesystem is not on this machine, and this machine has no Linux filesystem the root could be restored into, so its UUID cannot be matched to anything.',
    );
    action.push(
      'Create and mount a Linux filesystem for the root first (for example mkfs.ext4 on the new disk), then choose it in the UUID plan.',
    );
  }
  if (missing.length > 0) {
    if (status === 'pass') status = 'warn';
    explanation.push(
      `${missing.length} filesystem${missing.length === 1 ? '' : 's'} named by UUID in fstab, crypttab or the boot loader configuration ${missing.length === 1 ? 'is' : 'are'} not on this machine (${missing.map(uuidRole).join(', ')}). Left as they are, the restored system would wait for ${missing.length === 1 ? 'it' : 'them'} at boot and stop.`,
    );
    if (status === 'warn')
      action.push(
        'The restore rewrites these references to the filesystems here (see the UUID plan: by mount point under the target, or as you choose); any it cannot match is left as it is and listed for you.',
      );
  }
  if (partRefs.length > 0) {
    if (status === 'pass') status = 'warn';
    explanation.push(
      'The configuration also names partitions by PARTUUID; a new disk has other partition ids unless the disk layout script recreates the partitions with their recorded ids. The restore does not rewrite them.',
    );
    action.push(
      `Check ${[...new Set(partRefs.map((r) => `${r.file}:${r.line}`))].join(', ')}: change them to UUID= of the filesystem here, or keep the recorded partition ids when recreating the layout.`,
    );
  }
  if (status === 'pass')
    explanation.push(
      refs.length === 0
        ? 'No fstab, crypttab or boot loader file of the backed-up system names a filesystem by UUID.'
        : 'Every filesystem UUID the configuration names exists on this machine (the same disks), so nothing is remapped.',
    );
  return { ...base, status, explanation: explanation.join(' '), action: action.join(' ') };
}

/** What a UUID is to the backed-up system, in one word or path: its mount point, `swap`, `LUKS`, `boot loader`. */
function uuidRole(group: readonly UuidReference[]): string {
  const fstab = group.find((r) => r.kind === 'fstab');
  if (fstab?.fsType === 'swap' || group.every((r) => r.kind === 'resume')) return 'swap';
  const mountpoint = fstab?.mountpoint ?? group.find((r) => r.mountpoint !== null)?.mountpoint;
  if (mountpoint) return mountpoint;
  if (group.some((r) => r.kind === 'crypttab')) return 'encrypted volume';
  return group.some((r) => r.kind === 'bootloader') ? 'boot loader' : 'other';
}

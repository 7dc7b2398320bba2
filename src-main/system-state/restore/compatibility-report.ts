/**
 * The compatibility report: the backed-up machine against this one, one line per CompatibilityItemId, always in
 * the same order, each pass/warn/fail in words a help-desk person can read out over the phone, what the restore
 * does about it, and the facts compared. A pure function of the manifests, the recorded configuration files and
 * the recorded disk layout, so every verdict is tested on recorded inputs.
 */
import type { MachineManifest } from '../manifest/machine-manifest';
import { networkItem, uuidItem } from './config-compatibility';
import type { DiskContext } from './disk-compatibility';
import { disksItem, mbrLimitItem, partitionStyleItem } from './disk-compatibility';
import { pairDisks, readBackedUpLayout, targetDisks } from './disk-needs';
import type { CompatibilityInput, CompatibilityItem, CompatibilityItemId } from './restore-analysis-model';

/** The order of the report. */
export const compatibilityItemOrder: readonly CompatibilityItemId[] = [
  'os',
  'arch',
  'boot-mode',
  'disks',
  'partition-style',
  'mbr-2tb-limit',
  'network-interfaces',
  'filesystem-uuids',
];

export function compatibilityReport(input: CompatibilityInput): CompatibilityItem[] {
  const reading = readBackedUpLayout(input.backedUp, input.layout);
  const { targets, skipped } = targetDisks(input.here);
  const disks: DiskContext = {
    backedUp: input.backedUp,
    here: input.here,
    reading,
    targets,
    skipped,
    pairing: pairDisks(reading.needs, targets),
  };
  const items: Record<CompatibilityItemId, () => CompatibilityItem> = {
    os: () => osItem(input.backedUp, input.here),
    arch: () => archItem(input.backedUp, input.here),
    'boot-mode': () => bootModeItem(input.backedUp, input.here, disks),
    disks: () => disksItem(disks),
    'partition-style': () => partitionStyleItem(disks),
    'mbr-2tb-limit': () => mbrLimitItem(disks),
    'network-interfaces': () => networkItem(input),
    'filesystem-uuids': () => uuidItem(input),
  };
  return compatibilityItemOrder.map((id) => items[id]());
}

const familyName = { linux: 'Linux', windows: 'Windows' };

function osLabel(m: MachineManifest): string {
  return `${m.os.name || familyName[m.os.family]}${m.os.version && !m.os.name.includes(m.os.version) ? ` ${m.os.version}` : ''}`;
}

/**
 * The release a configuration is written for: Ubuntu's and Windows' versions name a release as a whole
 * (22.04, 10.0.17763), other distributions' major number does (Debian 12, RHEL 9.4 → 9).
 */
function release(m: MachineManifest): string {
  const version = m.os.version.trim();
  if (m.os.family === 'windows') return version.split('.').slice(0, 3).join('.');
  if (m.os.id === 'ubuntu') return version;
  return version.split('.')[0] ?? '';
}

function osItem(backedUp: MachineManifest, here: MachineManifest): CompatibilityItem {
  const evidence = [
    `backed up: ${osLabel(backedUp)} (${backedUp.os.family}, id ${backedUp.os.id ?? 'unknown'}, version ${backedUp.os.version || 'unknown'})`,
    `here: ${osLabel(here)} (${here.os.family}, id ${here.os.id ?? 'unknown'}, version ${here.os.version || 'unknown'})`,
  ];
  const base = { id: 'os' as const, title: 'Operating system', evidence };
  if (backedUp.os.family !== here.os.family)
    return {
      ...base,
      status: 'fail',
      explanation: `This is a ${familyName[backedUp.os.family]} System state backup and this computer runs ${familyName[here.os.family]}. System state of one operating system cannot be applied to another.`,
      action: `Restore to a folder only (to copy individual settings by hand), or install ${familyName[backedUp.os.family]} on this computer first and restore from there.`,
    };
  const sameDistro =
    backedUp.os.family === 'windows' ||
    (backedUp.os.id ?? backedUp.os.name).toLowerCase() === (here.os.id ?? here.os.name).toLowerCase();
  const [a, b] = [release(backedUp), release(here)];
  const serverChanged =
    backedUp.os.serverEdition !== null &&
    here.os.serverEdition !== null &&
    backedUp.os.serverEdition !== here.os.serverEdition;
  if (!sameDistro)
    return {
      ...base,
      status: 'warn',
      explanation: `The backup comes from ${osLabel(backedUp)} and this computer runs ${osLabel(here)}. Their configuration files, package names and services differ: restored settings may not match the software installed here.`,
      action:
        'Prefer restoring onto the same distribution; otherwise restore to a folder and copy settings over one by one.',
    };
  if (a === '' || b === '')
    return {
      ...base,
      status: 'warn',
      explanation: `The ${a === '' ? 'backed-up' : 'installed'} operating system version is not known, so it cannot be told whether the restored configuration matches the software installed here.`,
      action:
        'Check that this computer runs the same version as the backed-up machine before applying the restore.',
    };
  if (a !== b || serverChanged)
    return {
      ...base,
      status: 'warn',
      explanation:
        backedUp.os.family === 'windows'
          ? `The backup comes from ${osLabel(backedUp)} and this computer runs ${osLabel(here)}. Windows System state is meant to be restored onto the same version, build and edition: other system files and registry settings may conflict.`
          : `The backup comes from ${osLabel(backedUp)} and this computer runs ${osLabel(here)}: a different release. Configuration written for one release may not match the programs of the other.`,
      action:
        backedUp.os.family === 'windows'
          ? 'Install the same Windows version and edition as the backed-up machine before restoring System state.'
          : 'Install the same release as the backed-up machine first, or review the restored configuration against the packages installed here (the plan lists missing packages).',
    };
  return {
    ...base,
    status: 'pass',
    explanation: `Both run ${osLabel(here)}.`,
    action: '',
  };
}

const archAliases: Record<string, string> = {
  x86_64: 'x64',
  amd64: 'x64',
  x64: 'x64',
  aarch64: 'arm64',
  arm64: 'arm64',
  i386: 'ia32',
  i686: 'ia32',
  x86: 'ia32',
  ia32: 'ia32',
  armv7l: 'arm',
  arm: 'arm',
};

function archOf(m: MachineManifest): string | null {
  const arch = m.arch.trim().toLowerCase();
  if (arch === '' || arch === 'unknown') return null;
  return archAliases[arch] ?? arch;
}

function archItem(backedUp: MachineManifest, here: MachineManifest): CompatibilityItem {
  const [a, b] = [archOf(backedUp), archOf(here)];
  const evidence = [`backed up: ${backedUp.arch || 'unknown'}`, `here: ${here.arch || 'unknown'}`];
  const base = { id: 'arch' as const, title: 'Processor architecture', evidence };
  if (a === null || b === null)
    return {
      ...base,
      status: 'warn',
      explanation:
        'The processor architecture of one of the machines is not known, so it cannot be told whether the backed-up programs and boot loader run here.',
      action:
        'Check that both machines have the same kind of processor (for example both 64-bit Intel/AMD) before applying the restore.',
    };
  if (a !== b)
    return {
      ...base,
      status: 'fail',
      explanation: `The backed-up system was built for ${a} processors and this computer has ${b}. Its programs and boot loader cannot run here: the restored system would not start.`,
      action:
        'Do not apply it to this system. Restore to a folder only and copy configuration over by hand onto a system installed for this processor.',
    };
  return { ...base, status: 'pass', explanation: `Both machines have ${a} processors.`, action: '' };
}

const modeName = { uefi: 'UEFI', bios: 'legacy BIOS', unknown: 'an unknown mode' };

function bootModeItem(
  backedUp: MachineManifest,
  here: MachineManifest,
  disks: DiskContext,
): CompatibilityItem {
  const evidence = [`backed up: ${modeName[backedUp.bootMode]}`, `here: ${modeName[here.bootMode]}`];
  const base = { id: 'boot-mode' as const, title: 'Boot mode (UEFI or BIOS)', evidence };
  const windows = backedUp.os.family === 'windows';
  if (backedUp.bootMode === 'unknown' || here.bootMode === 'unknown')
    return {
      ...base,
      status: 'warn',
      explanation: `The boot mode of the ${backedUp.bootMode === 'unknown' ? 'backed-up machine' : 'this computer'} is not known, so it cannot be told whether the restored boot loader starts here.`,
      action:
        'Check in the firmware setup whether this computer starts in UEFI or legacy BIOS mode; the boot repair step installs the boot loader for the mode it finds.',
    };
  if (backedUp.bootMode === here.bootMode)
    return {
      ...base,
      status: 'pass',
      explanation: `Both start in ${modeName[here.bootMode]} mode.`,
      action: '',
    };
  const systemDisk = disks.pairing.pairs[0];
  if (backedUp.bootMode === 'uefi') {
    const gpt = systemDisk?.need.style === 'gpt';
    return {
      ...base,
      status: 'warn',
      explanation: `The backed-up system started through UEFI; this computer starts in legacy BIOS mode. The restored boot configuration (EFI boot entries, the boot loader on the EFI System Partition) will not start it.`,
      action: windows
        ? 'Either switch this computer’s firmware to UEFI mode, or rebuild the boot files for BIOS after the restore (bcdboot C:\\Windows /f BIOS) on an MBR system disk.'
        : `Either switch this computer’s firmware to UEFI mode, or let the boot repair step install GRUB for BIOS (grub-install --target=i386-pc) on the boot disk${gpt ? '; on a GPT disk that needs a 1 MiB BIOS boot partition' : ''}.`,
    };
  }
  return {
    ...base,
    status: 'warn',
    explanation: `The backed-up system started in legacy BIOS mode; this computer starts through UEFI. UEFI needs an EFI System Partition (FAT32, about 300 MB to 1 GB) with the boot loader on it, which the backed-up machine did not have.`,
    action: windows
      ? 'Use a GPT system disk with an EFI System Partition and rebuild the boot files after the restore (bcdboot C:\\Windows /f UEFI; mbr2gpt converts an MBR disk), or switch the firmware to legacy/CSM mode.'
      : 'Create an EFI System Partition mounted at /boot/efi; the boot repair step installs GRUB for UEFI (grub-install --target=x86_64-efi) and adds the boot entry (efibootmgr). Or switch the firmware to legacy/CSM mode.',
  };
}

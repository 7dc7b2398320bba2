/**
 * Boot repair after restoring onto a different machine: the restored initramfs was built for the old hardware
 * (storage drivers, resume and root UUIDs) and the bootloader was installed on the old disk and registered in the
 * old firmware. The plan runs the target's own tools inside it (chroot, with /dev, /proc and /sys bind-mounted):
 * regenerate the initramfs, reinstall the bootloader for *this* machine's boot mode, regenerate its
 * configuration. Every command is shown before it runs; a step whose tool the target lacks is listed as
 * unavailable with the reason, never silently dropped.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { CommandRunner } from '../command-runner/command-runner';
import { succeeded } from '../command-runner/command-runner';
import { fromNodeError } from '../errors';
import type { MachineManifest } from '../manifest/machine-manifest';
import type { BootRepairPlan, PlannedCommand } from './restore-analysis-model';
import { assertTargetRoot, resolveInTarget } from './target-path';

export const bootToolNames = [
  'update-initramfs',
  'dracut',
  'mkinitcpio',
  'grub-install',
  'grub2-install',
  'update-grub',
  'grub-mkconfig',
  'grub2-mkconfig',
  'bootctl',
  'efibootmgr',
] as const;
export type BootToolName = (typeof bootToolNames)[number];

/** What the target can run to repair its boot, found inside it (never on this machine). */
export interface BootTools {
  /** Each tool's path inside the target (`/usr/sbin/grub-install`), or null when the target does not have it. */
  paths: Record<BootToolName, string | null>;
  /** `ID=` of the target's os-release (`debian`, `fedora`): GRUB's --bootloader-id, i.e. its EFI folder. */
  osId: string | null;
}

/** Where distributions put these tools; `sbin` and `bin` are links into /usr on merged-/usr systems. */
export const bootToolDirectories = ['usr/sbin', 'sbin', 'usr/bin', 'bin'] as const;

export async function probeBootTools(targetRoot: string): Promise<BootTools> {
  const root = assertTargetRoot(targetRoot);
  const paths = Object.fromEntries(bootToolNames.map((t) => [t, null])) as Record<
    BootToolName,
    string | null
  >;
  for (const tool of bootToolNames)
    for (const dir of bootToolDirectories) {
      const found = await resolveInTarget(root, `${dir}/${tool}`);
      if (found?.kind === 'file' && found.executable) {
        paths[tool] = `/${dir}/${tool}`;
        break;
      }
    }
  return { paths, osId: await osIdOf(root) };
}

async function osIdOf(root: string): Promise<string | null> {
  for (const file of ['etc/os-release', 'usr/lib/os-release']) {
    const found = await resolveInTarget(root, file);
    if (found?.kind !== 'file') continue;
    const text = await readFile(found.onHost, 'utf8').catch((error: unknown) => {
      throw fromNodeError(error, `reading ${found.onHost}`);
    });
    const id = /^ID=["']?([^"'\n]*)["']?\s*$/m.exec(text)?.[1]?.trim().toLowerCase();
    // Used as a folder name on the ESP and in a command line: keep it to os-release's own alphabet.
    return id && /^[a-z0-9._-]{1,64}$/.test(id) ? id : null;
  }
  return null;
}

const blockDeviceRow = z.object({
  name: z.string(),
  type: z.string().nullable(),
  pkname: z.string().nullable().optional(),
});
const lsblkRows = z.object({ blockdevices: z.array(blockDeviceRow) });

/**
 * The whole disk holding the filesystem of `targetRoot` (where a BIOS bootloader goes): the mount's source from
 * findmnt, then up its parents with lsblk (partition → disk; LV → PV partition → disk; md → a member). null when
 * the filesystem is not on a block device (overlay, tmpfs, NFS) or no disk can be found.
 */
export async function bootDiskFor(targetRoot: string, runner: CommandRunner): Promise<string | null> {
  const root = assertTargetRoot(targetRoot);
  const mount = await runner.run({ argv: ['findmnt', '-n', '-o', 'SOURCE', '--target', root] });
  if (!succeeded(mount)) return null;
  // A btrfs subvolume mount prints `/dev/sda2[/@]`.
  let device = (mount.stdout.split('\n')[0] ?? '').trim().replace(/\[.*\]$/, '');
  if (!device.startsWith('/dev/')) return null;
  for (let depth = 0; depth < 8; depth += 1) {
    // --nodeps: only the device itself (without it, lsblk also lists what is stacked on it).
    const listed = await runner.run({
      argv: ['lsblk', '--json', '--nodeps', '--output', 'NAME,TYPE,PKNAME', device],
    });
    if (!succeeded(listed)) return null;
    const row = parseRow(listed.stdout);
    if (row === null) return null;
    if (row.type === 'disk') return `/dev/${row.name}`;
    if (!row.pkname) return row.type === 'loop' ? `/dev/${row.name}` : null;
    device = `/dev/${row.pkname}`;
  }
  return null;
}

function parseRow(text: string): z.infer<typeof blockDeviceRow> | null {
  try {
    return lsblkRows.parse(JSON.parse(text)).blockdevices[0] ?? null;
  } catch {
    // Not lsblk's JSON: the caller answers "no disk found" rather than guessing.
    return null;
  }
}

/** Bind mounts in mount order (parents first); efivars only where this machine booted with UEFI. */
export const bindMountsBios = ['/dev', '/dev/pts', '/proc', '/sys'] as const;
export const efivarsMount = '/sys/firmware/efi/efivars';

export function planBootRepair(input: {
  targetRoot: string;
  here: MachineManifest;
  bootDisk: string | null;
  tools: BootTools;
}): BootRepairPlan {
  const root = assertTargetRoot(input.targetRoot);
  const { here, bootDisk, tools } = input;
  const running = root === '/';
  const inTarget = (argv: string[]): string[] => (running ? argv : ['chroot', root, ...argv]);
  const notes: string[] = [];
  const bindMounts: string[] = running
    ? []
    : [...bindMountsBios, ...(here.bootMode === 'uefi' ? [efivarsMount] : [])];
  if (running)
    notes.push(
      'The target is this running system: the commands run directly, without chroot or bind mounts.',
    );

  const steps: PlannedCommand[] = [initramfsStep(tools, inTarget)];
  const loader = bootloaderSteps({ here, bootDisk, tools, inTarget, root, notes });
  steps.push(...loader);
  return { targetRoot: root, bindMounts, steps, notes };
}

function initramfsStep(tools: BootTools, inTarget: (argv: string[]) => string[]): PlannedCommand {
  const base = {
    id: 'initramfs',
    title: 'Regenerate the initramfs for this machine (storage drivers, root and resume UUIDs)',
  };
  const { paths } = tools;
  if (paths['update-initramfs'])
    return available(base, inTarget([paths['update-initramfs'], '-u', '-k', 'all']));
  if (paths.dracut) return available(base, inTarget([paths.dracut, '--regenerate-all', '--force']));
  if (paths.mkinitcpio) return available(base, inTarget([paths.mkinitcpio, '-P']));
  return unavailable(
    base,
    'The target has none of update-initramfs, dracut or mkinitcpio (install initramfs-tools or dracut in it first).',
  );
}

const efiTargets: Record<string, string> = {
  x64: 'x86_64-efi',
  x86_64: 'x86_64-efi',
  amd64: 'x86_64-efi',
  arm64: 'arm64-efi',
  aarch64: 'arm64-efi',
  ia32: 'i386-efi',
  i686: 'i386-efi',
  arm: 'arm-efi',
};
const biosArchitectures = new Set(['x64', 'x86_64', 'amd64', 'ia32', 'i686', 'i386']);

function bootloaderSteps(input: {
  here: MachineManifest;
  bootDisk: string | null;
  tools: BootTools;
  inTarget: (argv: string[]) => string[];
  root: string;
  notes: string[];
}): PlannedCommand[] {
  const { here, bootDisk, tools, inTarget, root, notes } = input;
  const { paths } = tools;
  const install = {
    id: 'bootloader',
    title: `Reinstall the bootloader for this machine (${here.bootMode === 'uefi' ? 'UEFI' : here.bootMode === 'bios' ? 'BIOS' : 'unknown boot mode'})`,
  };
  const config = { id: 'bootloader-config', title: 'Regenerate the bootloader configuration' };
  const grubInstall = paths['grub-install'] ?? paths['grub2-install'];
  const grubConfig = grubConfigArgv(tools);
  const configStep = grubConfig
    ? available(config, inTarget(grubConfig))
    : unavailable(config, 'The target has none of update-grub, grub-mkconfig or grub2-mkconfig.');
  const esp = `${root === '/' ? '' : root}/boot/efi`;

  if (here.bootMode === 'unknown') {
    notes.push(
      "This machine's boot mode is unknown (neither UEFI nor BIOS detected): the bootloader was not planned.",
    );
    return [
      unavailable(
        install,
        'The boot mode of this machine is unknown, so the bootloader kind cannot be chosen.',
      ),
      configStep,
    ];
  }

  if (here.bootMode === 'bios') {
    if (!biosArchitectures.has(here.arch))
      return [unavailable(install, `BIOS boot is not supported on ${here.arch}.`), configStep];
    if (!grubInstall)
      return [
        unavailable(
          install,
          'The target has neither grub-install nor grub2-install (install grub-pc or grub2-pc in it first).',
        ),
        configStep,
      ];
    if (bootDisk === null)
      return [
        unavailable(
          install,
          `No disk was found under the target's filesystem (${root}), so there is no disk to install GRUB on.`,
        ),
        configStep,
      ];
    const disk = here.disks.find((d) => d.path === bootDisk || `/dev/${d.name}` === bootDisk);
    if (disk?.partitionStyle === 'gpt')
      notes.push(
        `${bootDisk} is GPT-partitioned: BIOS GRUB needs a small "BIOS boot" partition (type 21686148-6E64-6F6E-6744-656564454649) on it.`,
      );
    notes.push(
      `GRUB goes to the boot sector of ${bootDisk}, the disk holding ${root}. If the firmware boots from another disk, or the root is on RAID, install it there too.`,
    );
    return [available(install, inTarget([grubInstall, '--target=i386-pc', bootDisk])), configStep];
  }

  // UEFI
  const efiTarget = efiTargets[here.arch];
  notes.push(
    `The EFI System Partition must be mounted at ${esp} before the repair (e.g. mount the new disk's ESP there); the firmware boot entry is written through efivars.`,
  );
  if (!paths.efibootmgr)
    notes.push(
      'The target has no efibootmgr: GRUB may not be able to create the firmware boot entry; add one afterwards with efibootmgr, or install GRUB with --removable.',
    );
  if (paths['grub-install'] && efiTarget) {
    const bootloaderId = tools.osId ?? 'grub';
    notes.push(
      'With Secure Boot enabled, the target needs its signed shim and GRUB packages (e.g. shim-signed, grub-efi-amd64-signed).',
    );
    return [
      available(
        install,
        inTarget([
          paths['grub-install'],
          `--target=${efiTarget}`,
          '--efi-directory=/boot/efi',
          `--bootloader-id=${bootloaderId}`,
        ]),
      ),
      configStep,
    ];
  }
  if (paths['grub2-install'] && !paths.bootctl)
    // Fedora and RHEL refuse grub2-install on UEFI (it cannot do Secure Boot); their EFI GRUB comes as packages.
    return [
      unavailable(
        install,
        'On this distribution the UEFI bootloader is installed from packages: reinstall shim and grub2-efi in the target (dnf reinstall shim-* grub2-efi-*) and add the boot entry with efibootmgr.',
      ),
      configStep,
    ];
  if (paths.bootctl) {
    notes.push(
      'systemd-boot reads its entries from the ESP; kernel-install adds one per kernel, no configuration to regenerate.',
    );
    return [available(install, inTarget([paths.bootctl, 'install', '--esp-path=/boot/efi']))];
  }
  if (!efiTarget)
    return [
      unavailable(install, `No GRUB EFI target is known for the ${here.arch} architecture.`),
      configStep,
    ];
  return [
    unavailable(
      install,
      'The target has neither grub-install nor bootctl (install grub-efi or systemd-boot in it first).',
    ),
    configStep,
  ];
}

function grubConfigArgv(tools: BootTools): string[] | null {
  const { paths } = tools;
  if (paths['update-grub']) return [paths['update-grub']];
  if (paths['grub-mkconfig']) return [paths['grub-mkconfig'], '-o', '/boot/grub/grub.cfg'];
  // Fedora/RHEL: /boot/grub2/grub.cfg is the real configuration on BIOS and UEFI (the ESP's is a stub since F34).
  if (paths['grub2-mkconfig']) return [paths['grub2-mkconfig'], '-o', '/boot/grub2/grub.cfg'];
  return null;
}

function available(base: { id: string; title: string }, argv: string[]): PlannedCommand {
  return { ...base, argv, available: true, reason: '' };
}

function unavailable(base: { id: string; title: string }, reason: string): PlannedCommand {
  return { ...base, argv: [], available: false, reason };
}

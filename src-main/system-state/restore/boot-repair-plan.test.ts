import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { ExecCommandRunner } from '../command-runner/exec-command-runner';
import { RecordedCommandRunner } from '../command-runner/recorded-command-runner';
import { type MachineManifest, machineManifestSchema } from '../manifest/machine-manifest';
import { canUseLoopMounts } from '../testing/loop-filesystem';
import {
  type BootTools,
  bootDiskFor,
  bootToolNames,
  planBootRepair,
  probeBootTools,
} from './boot-repair-plan';

function manifest(overrides: Partial<MachineManifest>): MachineManifest {
  return machineManifestSchema.parse({
    version: 1,
    collectedAt: '2026-11-20T10:00:00.000Z',
    hostname: 'replacement',
    os: { family: 'linux', name: 'Debian GNU/Linux', version: '12', id: 'debian', serverEdition: null },
    kernel: '6.1.0-27-amd64',
    arch: 'x64',
    bootMode: 'uefi',
    disks: [
      {
        name: 'nvme0n1',
        path: '/dev/nvme0n1',
        sizeBytes: 512110190592,
        partitionStyle: 'gpt',
        model: 'Samsung SSD 980',
        removable: false,
      },
      {
        name: 'sda',
        path: '/dev/sda',
        sizeBytes: 2000398934016,
        partitionStyle: 'mbr',
        model: 'WDC WD20EZRZ',
        removable: false,
      },
    ],
    filesystems: [],
    networkInterfaces: [],
    cpu: { model: 'AMD Ryzen 5 5600G', logicalCores: 12 },
    notes: [],
    ...overrides,
  });
}

function tools(
  present: Partial<Record<(typeof bootToolNames)[number], string>>,
  osId: string | null = 'debian',
): BootTools {
  const paths = Object.fromEntries(bootToolNames.map((t) => [t, present[t] ?? null])) as BootTools['paths'];
  return { paths, osId };
}

const debianTools = tools({
  'update-initramfs': '/usr/sbin/update-initramfs',
  'grub-install': '/usr/sbin/grub-install',
  'update-grub': '/usr/sbin/update-grub',
  'grub-mkconfig': '/usr/sbin/grub-mkconfig',
  efibootmgr: '/usr/bin/efibootmgr',
});

describe('probeBootTools: the tools inside the target', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'bm-boot-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const tool = async (relative: string, mode = 0o755) => {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), '#!/bin/sh\n');
    await chmod(path.join(root, relative), mode);
  };

  it('follows merged-/usr links inside the target, reports the path found, and reads os-release', async () => {
    await tool('usr/sbin/grub-install');
    await tool('usr/sbin/update-initramfs');
    await tool('usr/bin/efibootmgr');
    await tool('usr/sbin/update-grub', 0o644); // not executable: not a tool
    await symlink('usr/sbin', path.join(root, 'sbin'));
    await symlink('usr/bin', path.join(root, 'bin'));
    await mkdir(path.join(root, 'usr/lib'), { recursive: true });
    await writeFile(
      path.join(root, 'usr/lib/os-release'),
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n',
    );
    await mkdir(path.join(root, 'etc'));
    await symlink('../usr/lib/os-release', path.join(root, 'etc/os-release'));
    const found = await probeBootTools(root);
    expect(found.osId).toBe('debian');
    expect(found.paths['grub-install']).toBe('/usr/sbin/grub-install');
    expect(found.paths['update-initramfs']).toBe('/usr/sbin/update-initramfs');
    expect(found.paths.efibootmgr).toBe('/usr/bin/efibootmgr');
    expect(found.paths['update-grub']).toBeNull();
    expect(found.paths.dracut).toBeNull();
  });

  it('never follows a link out of the target (absolute links and ../ resolve inside it)', async () => {
    await mkdir(path.join(root, 'usr/sbin'), { recursive: true });
    // These exist on this machine (coreutils), never in the target.
    await symlink('/usr/bin/true', path.join(root, 'usr/sbin/dracut'));
    await symlink('../../../../../../../usr/bin/true', path.join(root, 'usr/sbin/mkinitcpio'));
    await symlink('/', path.join(root, 'bin'));
    const found = await probeBootTools(root);
    expect(Object.values(found.paths).every((p) => p === null)).toBe(true);
    expect(found.osId).toBeNull();
  });
});

describe('bootDiskFor: findmnt, then lsblk up to the whole disk (recorded answers)', () => {
  const findmnt = (root: string, source: string) => ({
    argv: ['findmnt', '-n', '-o', 'SOURCE', '--target', root] as const,
    answer: { exitCode: 0, stdout: `${source}\n` },
  });
  const lsblk = (device: string, name: string, type: string, pkname: string | null) => ({
    argv: ['lsblk', '--json', '--nodeps', '--output', 'NAME,TYPE,PKNAME', device] as const,
    answer: {
      exitCode: 0,
      stdout: `{\n   "blockdevices": [\n      {\n         "name": "${name}",\n         "type": "${type}",\n         "pkname": ${pkname === null ? 'null' : `"${pkname}"`}\n      }\n   ]\n}\n`,
    },
  });

  it('partition → disk, LV → PV partition → disk, btrfs subvolume source, md member', async () => {
    expect(
      await bootDiskFor(
        '/mnt/target',
        new RecordedCommandRunner([
          findmnt('/mnt/target', '/dev/nvme0n1p2'),
          lsblk('/dev/nvme0n1p2', 'nvme0n1p2', 'part', 'nvme0n1'),
          lsblk('/dev/nvme0n1', 'nvme0n1', 'disk', null),
        ]),
      ),
    ).toBe('/dev/nvme0n1');
    expect(
      await bootDiskFor(
        '/mnt/target',
        new RecordedCommandRunner([
          findmnt('/mnt/target', '/dev/mapper/vg0-root'),
          lsblk('/dev/mapper/vg0-root', 'vg0-root', 'lvm', 'sda3'),
          lsblk('/dev/sda3', 'sda3', 'part', 'sda'),
          lsblk('/dev/sda', 'sda', 'disk', null),
        ]),
      ),
    ).toBe('/dev/sda');
    expect(
      await bootDiskFor(
        '/mnt/target',
        new RecordedCommandRunner([
          findmnt('/mnt/target', '/dev/sdb2[/@rootfs]'),
          lsblk('/dev/sdb2', 'sdb2', 'part', 'sdb'),
          lsblk('/dev/sdb', 'sdb', 'disk', null),
        ]),
      ),
    ).toBe('/dev/sdb');
    expect(
      await bootDiskFor(
        '/mnt/target',
        new RecordedCommandRunner([
          findmnt('/mnt/target', '/dev/md2'),
          lsblk('/dev/md2', 'md2', 'raid1', 'nvme1n1p3'),
          lsblk('/dev/nvme1n1p3', 'nvme1n1p3', 'part', 'nvme1n1'),
          lsblk('/dev/nvme1n1', 'nvme1n1', 'disk', null),
        ]),
      ),
    ).toBe('/dev/nvme1n1');
  });

  it('has no disk for overlay/tmpfs roots (without asking lsblk) or when findmnt fails', async () => {
    const overlay = new RecordedCommandRunner([findmnt('/', 'overlay')]);
    expect(await bootDiskFor('/', overlay)).toBeNull();
    expect(overlay.calls).toHaveLength(1);
    expect(await bootDiskFor('/', new RecordedCommandRunner([findmnt('/', 'tmpfs')]))).toBeNull();
    const failing = new RecordedCommandRunner([
      { argv: ['findmnt', '-n', '-o', 'SOURCE', '--target', '/mnt/gone'], answer: { exitCode: 1 } },
    ]);
    expect(await bootDiskFor('/mnt/gone', failing)).toBeNull();
  });

  describe.runIf(canUseLoopMounts())('for real: a filesystem on a partition of a loop disk', () => {
    const runner = new ExecCommandRunner({ defaultTimeoutMs: 60_000 });
    let dir: string;
    let loop = '';
    let mounted = false;
    const must = async (argv: [string, ...string[]]) => {
      const result = await runner.run({ argv });
      if (!succeeded(result)) throw new Error(describeResult(result));
      return result.stdout;
    };
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'bm-bootdisk-'));
      await must(['truncate', '-s', '64M', path.join(dir, 'disk.img')]);
      loop = (await must(['losetup', '--find', '--show', '--partscan', path.join(dir, 'disk.img')])).trim();
      await runner.run({ argv: ['sfdisk', '--quiet', loop], input: 'label: gpt\nsize=32M, type=L\n' });
      await must(['partx', '-u', loop]);
      await must(['mkfs.ext4', '-q', `${loop}p1`]);
      await mkdir(path.join(dir, 'mnt'));
      await must(['mount', `${loop}p1`, path.join(dir, 'mnt')]);
      mounted = true;
    });
    afterAll(async () => {
      if (mounted) await must(['umount', path.join(dir, 'mnt')]);
      if (loop) {
        await runner.run({ argv: ['partx', '-d', loop] });
        await must(['losetup', '--detach', loop]);
      }
      await rm(dir, { recursive: true, force: true });
    });

    it('finds the loop disk holding the target filesystem', async () => {
      expect(await bootDiskFor(path.join(dir, 'mnt'), runner)).toBe(loop);
    });
  });
});

describe('planBootRepair', () => {
  const root = '/mnt/target';

  it('Debian on UEFI: bind mounts with efivars, update-initramfs, grub-install for x86_64-efi, update-grub', () => {
    const plan = planBootRepair({
      targetRoot: root,
      here: manifest({}),
      bootDisk: '/dev/nvme0n1',
      tools: debianTools,
    });
    expect(plan.bindMounts).toEqual(['/dev', '/dev/pts', '/proc', '/sys', '/sys/firmware/efi/efivars']);
    expect(plan.steps.map((s) => [s.id, s.available, s.argv])).toEqual([
      ['initramfs', true, ['chroot', root, '/usr/sbin/update-initramfs', '-u', '-k', 'all']],
      [
        'bootloader',
        true,
        [
          'chroot',
          root,
          '/usr/sbin/grub-install',
          '--target=x86_64-efi',
          '--efi-directory=/boot/efi',
          '--bootloader-id=debian',
        ],
      ],
      ['bootloader-config', true, ['chroot', root, '/usr/sbin/update-grub']],
    ]);
    expect(plan.notes.join('\n')).toMatch(/EFI System Partition must be mounted at \/mnt\/target\/boot\/efi/);
    expect(plan.notes.join('\n')).toMatch(/Secure Boot/);
  });

  it('BIOS: grub-install on the boot disk, with the BIOS boot partition note on GPT; no efivars', () => {
    const plan = planBootRepair({
      targetRoot: root,
      here: manifest({ bootMode: 'bios' }),
      bootDisk: '/dev/nvme0n1',
      tools: debianTools,
    });
    expect(plan.bindMounts).toEqual(['/dev', '/dev/pts', '/proc', '/sys']);
    expect(plan.steps[1]?.argv).toEqual([
      'chroot',
      root,
      '/usr/sbin/grub-install',
      '--target=i386-pc',
      '/dev/nvme0n1',
    ]);
    expect(plan.notes.join('\n')).toMatch(/GPT-partitioned: BIOS GRUB needs a small "BIOS boot" partition/);
    const mbr = planBootRepair({
      targetRoot: root,
      here: manifest({ bootMode: 'bios' }),
      bootDisk: '/dev/sda',
      tools: debianTools,
    });
    expect(mbr.notes.join('\n')).not.toMatch(/BIOS boot/);
  });

  it('BIOS without a boot disk, or on a non-x86 machine: the bootloader step is unavailable with the reason', () => {
    const noDisk = planBootRepair({
      targetRoot: root,
      here: manifest({ bootMode: 'bios' }),
      bootDisk: null,
      tools: debianTools,
    });
    expect(noDisk.steps[1]).toMatchObject({ id: 'bootloader', available: false, argv: [] });
    expect(noDisk.steps[1]?.reason).toMatch(/No disk was found/);
    expect(noDisk.steps[0]?.available).toBe(true);
    const arm = planBootRepair({
      targetRoot: root,
      here: manifest({ bootMode: 'bios', arch: 'arm64' }),
      bootDisk: '/dev/sda',
      tools: debianTools,
    });
    expect(arm.steps[1]?.reason).toMatch(/not supported on arm64/);
  });

  it('arm64 UEFI uses arm64-efi; Arch uses mkinitcpio and grub-mkconfig', () => {
    const arm = planBootRepair({
      targetRoot: root,
      here: manifest({ arch: 'arm64' }),
      bootDisk: null,
      tools: debianTools,
    });
    expect(arm.steps[1]?.argv).toContain('--target=arm64-efi');
    const arch = planBootRepair({
      targetRoot: root,
      here: manifest({}),
      bootDisk: '/dev/nvme0n1',
      tools: tools(
        {
          mkinitcpio: '/usr/bin/mkinitcpio',
          'grub-install': '/usr/bin/grub-install',
          'grub-mkconfig': '/usr/bin/grub-mkconfig',
          efibootmgr: '/usr/bin/efibootmgr',
        },
        'arch',
      ),
    });
    expect(arch.steps.map((s) => s.argv.slice(2))).toEqual([
      ['/usr/bin/mkinitcpio', '-P'],
      ['/usr/bin/grub-install', '--target=x86_64-efi', '--efi-directory=/boot/efi', '--bootloader-id=arch'],
      ['/usr/bin/grub-mkconfig', '-o', '/boot/grub/grub.cfg'],
    ]);
  });

  it('Fedora on UEFI: dracut and grub2-mkconfig run, grub2-install is not used (shim and GRUB come as packages)', () => {
    const plan = planBootRepair({
      targetRoot: root,
      here: manifest({}),
      bootDisk: '/dev/nvme0n1',
      tools: tools(
        {
          dracut: '/usr/bin/dracut',
          'grub2-install': '/usr/sbin/grub2-install',
          'grub2-mkconfig': '/usr/sbin/grub2-mkconfig',
          efibootmgr: '/usr/sbin/efibootmgr',
        },
        'fedora',
      ),
    });
    expect(plan.steps[0]?.argv).toEqual(['chroot', root, '/usr/bin/dracut', '--regenerate-all', '--force']);
    expect(plan.steps[1]).toMatchObject({ available: false });
    expect(plan.steps[1]?.reason).toMatch(/dnf reinstall shim-\* grub2-efi-\*/);
    expect(plan.steps[2]?.argv).toEqual([
      'chroot',
      root,
      '/usr/sbin/grub2-mkconfig',
      '-o',
      '/boot/grub2/grub.cfg',
    ]);
  });

  it('systemd-boot: bootctl install, no GRUB configuration step; no efibootmgr → a note', () => {
    const plan = planBootRepair({
      targetRoot: root,
      here: manifest({}),
      bootDisk: '/dev/nvme0n1',
      tools: tools({ dracut: '/usr/bin/dracut', bootctl: '/usr/bin/bootctl' }),
    });
    expect(plan.steps.map((s) => s.id)).toEqual(['initramfs', 'bootloader']);
    expect(plan.steps[1]?.argv).toEqual([
      'chroot',
      root,
      '/usr/bin/bootctl',
      'install',
      '--esp-path=/boot/efi',
    ]);
    expect(plan.notes.join('\n')).toMatch(/no efibootmgr/);
  });

  it('a target without any tool: every step unavailable, each with its reason', () => {
    const plan = planBootRepair({
      targetRoot: root,
      here: manifest({}),
      bootDisk: '/dev/nvme0n1',
      tools: tools({}, null),
    });
    expect(plan.steps.map((s) => s.available)).toEqual([false, false, false]);
    expect(plan.steps.map((s) => s.reason)).toEqual([
      expect.stringMatching(/none of update-initramfs, dracut or mkinitcpio/),
      expect.stringMatching(/neither grub-install nor bootctl/),
      expect.stringMatching(/none of update-grub, grub-mkconfig or grub2-mkconfig/),
    ]);
  });

  it('unknown boot mode: no bootloader chosen', () => {
    const plan = planBootRepair({
      targetRoot: root,
      here: manifest({ bootMode: 'unknown' }),
      bootDisk: '/dev/sda',
      tools: debianTools,
    });
    expect(plan.steps[1]).toMatchObject({
      available: false,
      reason: expect.stringMatching(/boot mode of this machine is unknown/),
    });
  });

  it('the running system as target: no chroot and no bind mounts', () => {
    const plan = planBootRepair({
      targetRoot: '/',
      here: manifest({}),
      bootDisk: '/dev/nvme0n1',
      tools: debianTools,
    });
    expect(plan.bindMounts).toEqual([]);
    expect(plan.steps[0]?.argv).toEqual(['/usr/sbin/update-initramfs', '-u', '-k', 'all']);
    expect(plan.notes[0]).toMatch(/this running system/);
    expect(plan.notes.join('\n')).toMatch(/mounted at \/boot\/efi/);
  });
});

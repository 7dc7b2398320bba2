import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MachineManifest } from '../manifest/machine-manifest';
import { compatibilityItemOrder, compatibilityReport } from './compatibility-report';
import type { FixtureMachine } from './fixtures/restore-fixtures';
import { loadConfigSample, loadMachine } from './fixtures/restore-fixtures';
import type { CompatibilityItem, CompatibilityItemId, RecordedLayout } from './restore-analysis-model';

const noLayout: RecordedLayout = {
  sfdisk: [],
  lsblkJson: null,
  lvmReportJson: null,
  mdadmScan: null,
  diskpartListDisk: null,
};

function report(backedUp: FixtureMachine, here: MachineManifest, change: Partial<FixtureMachine> = {}) {
  const b = { ...backedUp, ...change };
  return compatibilityReport({
    backedUp: b.manifest,
    here,
    configFiles: b.configFiles,
    layout: b.layout,
  });
}

function statuses(items: CompatibilityItem[]): Record<CompatibilityItemId, string> {
  return Object.fromEntries(items.map((i) => [i.id, i.status])) as Record<CompatibilityItemId, string>;
}

function item(items: CompatibilityItem[], id: CompatibilityItemId): CompatibilityItem {
  const found = items.find((i) => i.id === id);
  if (found === undefined) throw new Error(`no ${id} item`);
  return found;
}

const laptop = loadMachine('lap-ana-debian12-uefi');
const desktop = loadMachine('desk-0417-debian12-bios');
const server01 = loadMachine('files-01-debian11-mbr-4kn-lvm');
const server02 = loadMachine('files-02-debian12-mbr-lvm');
const newServer = loadMachine('files-new-debian12-bios-2x4t');
const ovh = loadMachine('ns3101234-ws2019-dynamic-mbr');
const gpt7tb = loadMachine('files-03-ws2012r2-dynamic-gpt-7tb');
const over2tb = loadMachine('files-04-ws2019-dynamic-mbr-4kn-over-2tb');
const newWindows = loadMachine('ws-new-ws2019-uefi-4t');

describe('fixtures', () => {
  it('every recorded machine manifest is valid against the manifest schema', () => {
    const ids = readdirSync(new URL('./fixtures/machines/', import.meta.url));
    expect(ids.length).toBe(9);
    for (const id of ids) expect(loadMachine(id).manifest.hostname).not.toBe('');
  });
});

describe('compatibilityReport on recorded machines', () => {
  it('gives one item per id in a stable order, each with words; anything not passing says what to do', () => {
    for (const [b, h] of [
      [laptop, desktop.manifest],
      [server02, newServer.manifest],
      [ovh, desktop.manifest],
    ] as const) {
      const items = report(b, h);
      expect(items.map((i) => i.id)).toEqual(compatibilityItemOrder);
      for (const i of items) {
        expect(i.title).not.toBe('');
        expect(i.explanation.length, i.id).toBeGreaterThan(20);
        expect(i.evidence.length, i.id).toBeGreaterThan(0);
        if (i.status !== 'pass') expect(i.action, i.id).not.toBe('');
      }
    }
  });

  it('the same machine (restore back onto it): everything passes', () => {
    expect(Object.values(statuses(report(laptop, laptop.manifest)))).toEqual(Array(8).fill('pass'));
  });

  it('UEFI laptop onto a BIOS desktop with a smaller disk, another NIC and new filesystems', () => {
    const items = report(laptop, desktop.manifest);
    expect(statuses(items)).toEqual({
      os: 'pass',
      arch: 'pass',
      'boot-mode': 'warn',
      disks: 'fail',
      'partition-style': 'warn',
      'mbr-2tb-limit': 'pass',
      'network-interfaces': 'warn',
      'filesystem-uuids': 'warn',
    });
    expect(item(items, 'boot-mode').action).toMatch(
      /grub-install --target=i386-pc.*GPT disk that needs a 1 MiB BIOS boot partition/,
    );
    // sfdisk: the last partition ends at sector 936380416 (479.4 GB) plus 33 sectors of backup GPT. The 1 TB
    // USB disk plugged in here is removable and not a target.
    const disks = item(items, 'disks');
    expect(disks.explanation).toBe(
      'The layout needs 480 GB on one disk (nvme0n1); the largest disk here has 256 GB (sda).',
    );
    expect(disks.evidence).toContain('here: sdb (931.5 GiB, WD Elements 25A1): removable, not a target');
    expect(disks.evidence).toContain('nvme0n1 → sda: 224 GB too small');
    expect(item(items, 'partition-style').explanation).toMatch(
      /^The backed-up disk nvme0n1 had GPT; sda here has MBR\./,
    );
    const network = item(items, 'network-interfaces');
    expect(network.evidence).toEqual([
      '/etc/NetworkManager/system-connections/Office LAN.nmconnection:5: interface enp3s0 — not on this computer',
      '/etc/NetworkManager/system-connections/Office LAN.nmconnection:9: MAC 8c:16:45:2e:9a:01 — not on this computer',
      'here: eno1 (3c:52:82:5a:1b:7e)',
    ]);
    expect(network.action).toBe(
      'Rename enp3s0 to eno1 in /etc/NetworkManager/system-connections/Office LAN.nmconnection (line 5). In /etc/NetworkManager/system-connections/Office LAN.nmconnection (line 9), replace the old MAC with 3c:52:82:5a:1b:7e (eno1), or remove the MAC match.',
    );
    const uuids = item(items, 'filesystem-uuids');
    expect(uuids.explanation).toMatch(
      /^3 filesystems named by UUID .* are not on this machine \(\/, \/boot\/efi, swap\)\./,
    );
    expect(uuids.evidence).toContain(
      '3f96a425-1c18-4275-8617-42232b47ea73 (swap) — not on this machine — /etc/fstab:16, /etc/initramfs-tools/conf.d/resume:1',
    );
  });

  it('Debian 12 file server (MBR + LVM within 2 TiB, whole-disk PV) onto a server with two 4 TB disks', () => {
    const items = report(server02, newServer.manifest);
    expect(statuses(items)).toEqual({
      os: 'pass',
      arch: 'pass',
      'boot-mode': 'pass',
      disks: 'warn',
      'partition-style': 'warn',
      'mbr-2tb-limit': 'warn',
      'network-interfaces': 'pass',
      'filesystem-uuids': 'warn',
    });
    const disks = item(items, 'disks');
    // The recorded LVM report gives the whole-disk PV of data-vg; sfdisk the MBR disk's span.
    expect(disks.evidence.slice(0, 2)).toEqual([
      'backed up: sda (MBR) needs 968 GB (901.0 GiB) — sfdisk: 2 partition(s) ending at 901.0 GiB (512-byte sectors)',
      'backed up: sdb (no partition table) needs 2.01 TB (1.8 TiB) — LVM: whole-disk physical volume of data-vg, 1.8 TiB',
    ]);
    expect(disks.explanation).toBe(
      'This computer has 3 disks and the backed-up layout used 2: nvme0n1 is not needed for it.',
    );
    expect(item(items, 'mbr-2tb-limit').explanation).toBe(
      'Recreating sda (MBR disk with LVM or md RAID) on sdb here (4 TB) as MBR leaves everything beyond 2 TiB unusable.',
    );
    expect(item(items, 'mbr-2tb-limit').evidence[0]).toBe(
      '/dev/sda: MBR with LVM/md on /dev/sda2; partitions end at 901.0 GiB (512-byte sectors)',
    );
  });

  it('Debian 11 server with LVM on a 4Kn MBR disk past 2 TiB: the layout cannot be recreated as MBR; bridge port missing', () => {
    const items = report(server01, newServer.manifest);
    expect(statuses(items)).toMatchObject({
      os: 'warn',
      'mbr-2tb-limit': 'fail',
      'network-interfaces': 'warn',
      'filesystem-uuids': 'warn',
    });
    expect(item(items, 'os').explanation).toMatch(
      /Debian GNU\/Linux 11 \(bullseye\).*Debian GNU\/Linux 12 \(bookworm\): a different release/,
    );
    const mbr = item(items, 'mbr-2tb-limit');
    expect(mbr.explanation).toMatch(/reaches beyond 2 TiB .* it must be recreated with GPT\.$/);
    expect(mbr.evidence[0]).toBe(
      '/dev/sda: MBR with LVM/md on /dev/sda2; partitions end at 2.4 TiB (4096-byte sectors)',
    );
    expect(item(items, 'network-interfaces').action).toBe(
      'Rename enp4s0f0 in /etc/network/interfaces (line 11, 17) to the adapter here that should carry it (eno1, eno2).',
    );
  });

  it('a Windows System state backup against this Linux machine fails on the operating system', () => {
    const items = report(ovh, desktop.manifest);
    expect(item(items, 'os')).toMatchObject({
      status: 'fail',
      explanation:
        'This is a Windows System state backup and this computer runs Linux. System state of one operating system cannot be applied to another.',
    });
    expect(item(items, 'disks').status).toBe('fail');
    expect(item(items, 'filesystem-uuids').status).toBe('pass');
  });

  it('Windows MBR dynamic disk (recorded diskpart) onto a 4 TB GPT disk in a UEFI server', () => {
    const items = report(ovh, newWindows.manifest);
    expect(statuses(items)).toEqual({
      os: 'pass',
      arch: 'pass',
      'boot-mode': 'warn',
      disks: 'pass',
      'partition-style': 'warn',
      'mbr-2tb-limit': 'warn',
      'network-interfaces': 'warn',
      'filesystem-uuids': 'pass',
    });
    expect(item(items, 'boot-mode').action).toMatch(/bcdboot C:\\Windows \/f UEFI; mbr2gpt/);
    const disks = item(items, 'disks');
    expect(disks.evidence).toContain(
      'Disk M0 was missing on the backed-up machine (a failed dynamic disk): not counted',
    );
    expect(disks.evidence).toContain('Disk 1 (basic MBR, 447.0 GiB) had nothing allocated: not counted');
    expect(item(items, 'mbr-2tb-limit').explanation).toBe(
      'Recreating Disk 0 (MBR dynamic disk) on Disk 0 here (4 TB) as MBR leaves everything beyond 2 TiB unusable.',
    );
    expect(item(items, 'mbr-2tb-limit').action).toMatch(/convert gpt, convert dynamic/);
    expect(item(items, 'network-interfaces').explanation).toMatch(
      /^Windows keeps network settings per adapter/,
    );
  });

  it('Windows GPT dynamic 7 TB disk (recorded diskpart): no 2 TB issue, but the 4 TB disk here is too small', () => {
    const items = report(gpt7tb, newWindows.manifest);
    expect(statuses(items)).toMatchObject({ os: 'warn', disks: 'fail', 'mbr-2tb-limit': 'pass' });
    expect(item(items, 'disks').explanation).toBe(
      'The layout needs 7.68 TB on one disk (Disk 1); the largest disk here has 4 TB (Disk 0). The backed-up machine used 2 disks; this computer has 1 (removable disks not counted): Disk 0 has no disk to go to.',
    );
    expect(item(items, 'os').explanation).toMatch(/same version, build and edition/);
  });

  it('Windows MBR dynamic disk using more than 2 TiB (constructed 4Kn case) fails the 2 TB rule', () => {
    const items = report(over2tb, newWindows.manifest);
    const mbr = item(items, 'mbr-2tb-limit');
    expect(mbr.status).toBe('fail');
    expect(mbr.evidence[0]).toBe('Disk 1: MBR dynamic, 2.7 TiB, 2.5 TiB used by dynamic volumes');
    // The disk cannot be recreated as MBR at all: no "space beyond 2 TiB unusable" sentence on top.
    expect(mbr.explanation).not.toMatch(/unusable/);
  });
});

describe('compatibilityReport: variations of one input', () => {
  it('disks: without any layout export only the old disk size is known — a smaller disk is a warning, not a failure', () => {
    const items = report(laptop, desktop.manifest, { layout: noLayout });
    const disks = item(items, 'disks');
    expect(disks.status).toBe('warn');
    expect(disks.explanation).toMatch(/had 512 GB; how much of it was used was not recorded/);
    expect(disks.explanation).toMatch(/only the old disks’ sizes are known/);
    expect(item(items, 'mbr-2tb-limit').status).toBe('pass');
    const mbrServer = report(server02, newServer.manifest, { layout: noLayout });
    expect(item(mbrServer, 'mbr-2tb-limit')).toMatchObject({
      status: 'warn',
      explanation: expect.stringMatching(/had MBR disks \(sda\) but its disk layout was not recorded/),
    });
  });

  it('disks: lsblk sizes when no partition table was exported; no fixed disk here at all fails', () => {
    // Shape of `lsblk --json --bytes --output-all`, trimmed to the columns read (hand-written).
    const lsblkJson = JSON.stringify({
      blockdevices: [
        {
          name: 'sda',
          path: '/dev/sda',
          type: 'disk',
          size: 500107862016,
          pttype: 'gpt',
          rm: false,
          children: [
            { name: 'sda1', path: '/dev/sda1', type: 'part', size: 536870912, fstype: 'vfat' },
            { name: 'sda2', path: '/dev/sda2', type: 'part', size: 299999999488, fstype: 'ext4' },
          ],
        },
        { name: 'sdb', path: '/dev/sdb', type: 'disk', size: 16013942784, rm: true, children: [] },
        { name: 'zram0', path: '/dev/zram0', type: 'disk', size: 8589934592, rm: false, fstype: 'swap' },
      ],
    });
    const manifest: MachineManifest = {
      ...laptop.manifest,
      disks: [
        {
          name: 'sda',
          path: '/dev/sda',
          sizeBytes: 500107862016,
          partitionStyle: 'gpt',
          model: null,
          removable: false,
        },
      ],
    };
    const items = report(laptop, desktop.manifest, { manifest, layout: { ...noLayout, lsblkJson } });
    const disks = item(items, 'disks');
    expect(disks.status).toBe('fail');
    expect(disks.explanation).toBe(
      'The layout needs 301 GB on one disk (sda); the largest disk here has 256 GB (sda).',
    );
    expect(disks.evidence).toContain('sdb: removable disk on the backed-up machine: not counted');
    const noDisk = { ...desktop.manifest, disks: desktop.manifest.disks.filter((d) => d.removable) };
    expect(item(report(laptop, noDisk), 'disks')).toMatchObject({
      status: 'fail',
      explanation: expect.stringMatching(/^This computer has no fixed disk/),
    });
  });

  it('an export that does not parse is evidence, and the 2 TB line says it could not check every disk', () => {
    const broken = {
      ...server02.layout,
      sfdisk: [{ disk: '/dev/sda', json: 'sfdisk: cannot open /dev/sda' }],
    };
    const items = report(server02, newServer.manifest, { layout: broken });
    const disks = item(items, 'disks');
    expect(
      disks.evidence.some((e) => e.startsWith('unreadable: sfdisk /dev/sda: sfdisk printed no JSON')),
    ).toBe(true);
    // The whole-disk PV is still known from the LVM report, and sda by its manifest size only.
    expect(disks.evidence).toContain(
      "backed up: sda (MBR) needs 1.01 TB (931.5 GiB) at most — machine manifest: its partition table was not recorded, only the disk's size (931.5 GiB)",
    );
  });

  it('os: another distribution or another Ubuntu release warns; unknown versions warn', () => {
    const rocky = {
      ...laptop.manifest,
      os: { ...laptop.manifest.os, id: 'rocky', name: 'Rocky Linux 9.4 (Blue Onyx)', version: '9.4' },
    };
    expect(item(report(laptop, rocky), 'os').explanation).toMatch(/package names and services differ/);
    const ubuntu = (version: string) => ({
      ...laptop.manifest,
      os: { ...laptop.manifest.os, id: 'ubuntu', name: `Ubuntu ${version} LTS`, version },
    });
    expect(item(report({ ...laptop, manifest: ubuntu('22.04') }, ubuntu('24.04')), 'os').status).toBe('warn');
    expect(item(report({ ...laptop, manifest: ubuntu('22.04') }, ubuntu('22.04')), 'os').status).toBe('pass');
    const minor = { ...laptop.manifest, os: { ...laptop.manifest.os, version: '12.7' } };
    expect(item(report(laptop, minor), 'os').status).toBe('pass');
    const unknown = { ...laptop.manifest, os: { ...laptop.manifest.os, version: '' } };
    expect(item(report(laptop, unknown), 'os')).toMatchObject({
      status: 'warn',
      explanation: expect.stringMatching(/installed operating system version is not known/),
    });
  });

  it('arch: another processor architecture fails, names of the same one pass, unknown warns', () => {
    const arm = { ...laptop.manifest, arch: 'aarch64' };
    expect(item(report(laptop, arm), 'arch')).toMatchObject({
      status: 'fail',
      explanation:
        'The backed-up system was built for x64 processors and this computer has arm64. Its programs and boot loader cannot run here: the restored system would not start.',
    });
    expect(item(report(laptop, { ...laptop.manifest, arch: 'x86_64' }), 'arch').status).toBe('pass');
    expect(item(report(laptop, { ...laptop.manifest, arch: 'unknown' }), 'arch').status).toBe('warn');
  });

  it('boot mode: BIOS to UEFI needs an EFI System Partition; an unknown mode warns', () => {
    const uefiHere = { ...newServer.manifest, bootMode: 'uefi' as const };
    expect(item(report(server02, uefiHere), 'boot-mode')).toMatchObject({
      status: 'warn',
      action: expect.stringMatching(
        /EFI System Partition mounted at \/boot\/efi.*grub-install --target=x86_64-efi.*efibootmgr/,
      ),
    });
    expect(item(report(laptop, { ...laptop.manifest, bootMode: 'unknown' }), 'boot-mode').status).toBe(
      'warn',
    );
  });

  it('network: globbed names match adapters here; udev rules get their own advice; Windows adapters by MAC', () => {
    const arch = {
      ...laptop,
      configFiles: loadConfigSample('arch-networkd-workstation').filter((f) => f.path.includes('network/2')),
    };
    expect(item(report(arch, desktop.manifest), 'network-interfaces').status).toBe('pass');
    const centos = { ...laptop, configFiles: loadConfigSample('centos7-kvm-host') };
    const network = item(report(centos, desktop.manifest), 'network-interfaces');
    expect(network.status).toBe('warn');
    expect(network.action).toMatch(
      /Delete the rules on line 8, 11 of \/etc\/udev\/rules\.d\/70-persistent-net\.rules: they name adapters by MACs this computer does not have/,
    );
    const sameNics = { ...newWindows.manifest, networkInterfaces: ovh.manifest.networkInterfaces };
    expect(item(report(ovh, sameNics), 'network-interfaces').status).toBe('pass');
    const nothing = { ...laptop, configFiles: [] };
    expect(item(report(nothing, desktop.manifest), 'network-interfaces')).toMatchObject({
      status: 'pass',
      explanation:
        'No network configuration file was recorded with the backup, so nothing in it is tied to the old adapters.',
    });
  });

  it('filesystem UUIDs: the root missing with no Linux filesystem here fails; PARTUUIDs warn', () => {
    const noLinux = {
      ...desktop.manifest,
      filesystems: desktop.manifest.filesystems.filter((f) => f.type === 'exfat'),
    };
    expect(item(report(laptop, noLinux), 'filesystem-uuids')).toMatchObject({
      status: 'fail',
      action: expect.stringMatching(/^Create and mount a Linux filesystem for the root first/),
    });
    const arch = { ...laptop, configFiles: loadConfigSample('arch-networkd-workstation') };
    const uuids = item(report(arch, desktop.manifest), 'filesystem-uuids');
    expect(uuids.status).toBe('warn');
    expect(uuids.evidence).toContain(
      'PARTUUID 052e217a-4e0d-f142-b780-2d4dab408d0e (bootloader) — a partition id, not remapped — /etc/kernel/cmdline:1',
    );
    expect(uuids.action).toMatch(/Check \/etc\/kernel\/cmdline:1: change them to UUID=/);
  });
});

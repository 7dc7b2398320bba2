import { describe, expect, it } from 'vitest';
import {
  findInterfaceReferences,
  findPartuuidReferences,
  findUuidReferences,
  isRestoreConfigFile,
  restoreConfigFilePatterns,
} from './config-references';
import { loadConfigSample, loadMachine } from './fixtures/restore-fixtures';

const laptop = loadMachine('lap-ana-debian12-uefi').configFiles;
const ubuntu = loadConfigSample('ubuntu-2204-server');
const centos = loadConfigSample('centos7-kvm-host');
const arch = loadConfigSample('arch-networkd-workstation');
const ROOT = '61ea8502-431c-41b3-961d-3ad4d83f56ee';
const SWAP = '3f96a425-1c18-4275-8617-42232b47ea73';

describe('isRestoreConfigFile', () => {
  it('accepts every recorded configuration file of the fixtures and the documented globs', () => {
    for (const file of [...laptop, ...ubuntu, ...centos, ...arch])
      expect(isRestoreConfigFile(file.path)).toBe(true);
    for (const p of [
      '/etc/default/grub.d/init-select.cfg',
      '/boot/efi/efi/ubuntu/grub.cfg', // FAT: the case of the folder does not matter
      '/boot/efi/loader/entries/2f9c-6.5.0.conf',
      '/etc/network/interfaces.d/eth0',
      '/etc/netplan/01-netcfg.yml',
      '/etc/systemd/network/10-lan.link',
      '/etc/udev/rules.d/70-persistent-net.rules',
      '/etc/mdadm/mdadm.conf',
    ])
      expect(isRestoreConfigFile(p), p).toBe(true);
    expect(restoreConfigFilePatterns).toContain('/etc/sysconfig/network-scripts/ifcfg-*');
  });

  it('refuses other files, editor leftovers, nested paths and relative or dotted paths', () => {
    for (const p of [
      '/etc/passwd',
      '/etc/fstab.bak',
      '/etc/network/interfaces.d/.eth0.swp',
      '/etc/netplan/backup/01.yaml',
      '/etc/netplan/01.yaml.dpkg-old',
      '/boot/loader/entries/x.conf.old',
      '/etc/udev/rules.d/99-local.rules',
      '/etc/systemd/network/README',
      'etc/fstab',
      '/etc/../etc/fstab',
      '/etc/network/interfaces.d/',
    ])
      expect(isRestoreConfigFile(p), p).toBe(false);
  });
});

describe('findUuidReferences', () => {
  it('reads a Debian laptop: fstab with comments, the Debian grub.cfg, the EFI stub and the resume setting', () => {
    const refs = findUuidReferences(laptop);
    expect(refs.filter((r) => r.file === '/etc/fstab')).toEqual([
      { file: '/etc/fstab', line: 12, uuid: ROOT, kind: 'fstab', mountpoint: '/', fsType: 'ext4' },
      {
        file: '/etc/fstab',
        line: 14,
        uuid: '7C3A-1F2B',
        kind: 'fstab',
        mountpoint: '/boot/efi',
        fsType: 'vfat',
      },
      { file: '/etc/fstab', line: 16, uuid: SWAP, kind: 'fstab', mountpoint: 'none', fsType: 'swap' },
    ]);
    // The commented-out backup disk (line 19) and "UUID=" in the comment on line 4 are not references.
    expect(refs.map((r) => r.uuid)).not.toContain('0d4f3b8e-2c11-4e0b-9d5a-7f1c2b3a4d5e');
    expect(refs.find((r) => r.file === '/etc/initramfs-tools/conf.d/resume')).toEqual({
      file: '/etc/initramfs-tools/conf.d/resume',
      line: 1,
      uuid: SWAP,
      kind: 'resume',
      mountpoint: null,
      fsType: null,
    });
    expect(refs.filter((r) => r.file === '/boot/efi/EFI/debian/grub.cfg')).toEqual([
      {
        file: '/boot/efi/EFI/debian/grub.cfg',
        line: 1,
        uuid: ROOT,
        kind: 'bootloader',
        mountpoint: null,
        fsType: null,
      },
    ]);
    const grub = refs.filter((r) => r.file === '/boot/grub/grub.cfg');
    // Five `search --fs-uuid` lines and three `root=UUID=` kernel lines; the four menu entry ids
    // (`gnulinux-simple-<uuid>`) embed the UUID inside a longer word and are not references.
    expect(grub.map((r) => r.line)).toEqual([49, 75, 98, 100, 111, 113, 123, 125]);
    expect(grub.filter((r) => r.mountpoint === '/').map((r) => r.line)).toEqual([100, 113, 125]);
    expect(grub.every((r) => r.kind === 'bootloader' && r.uuid === ROOT)).toBe(true);
    // NetworkManager's connection `uuid=` is not a filesystem.
    expect(refs.some((r) => r.file.includes('NetworkManager'))).toBe(false);
    expect(refs).toHaveLength(13);
  });

  it('reads Ubuntu (by-uuid paths in fstab, hint-style grub search, FAT UUID) and ignores the LVM by-id path', () => {
    const refs = findUuidReferences(ubuntu);
    expect(refs.filter((r) => r.file === '/etc/fstab')).toEqual([
      {
        file: '/etc/fstab',
        line: 11,
        uuid: '6f1d2c3b-8a4e-4b7f-9c0d-1e2f3a4b5c6d',
        kind: 'fstab',
        mountpoint: '/boot',
        fsType: 'ext4',
      },
      {
        file: '/etc/fstab',
        line: 13,
        uuid: 'A1B2-C3D4',
        kind: 'fstab',
        mountpoint: '/boot/efi',
        fsType: 'vfat',
      },
    ]);
    const grub = refs.filter((r) => r.file === '/boot/grub/grub.cfg');
    expect(grub.map((r) => r.line)).toEqual([38, 52, 54]);
    expect(refs.filter((r) => r.file === '/boot/efi/EFI/ubuntu/grub.cfg').map((r) => r.uuid)).toEqual([
      '6f1d2c3b-8a4e-4b7f-9c0d-1e2f3a4b5c6d',
    ]);
  });

  it('reads crypttab sources, CentOS grub2 with quoted hints, and systemd-boot entries with resume', () => {
    const refs = findUuidReferences([...centos, ...arch]);
    expect(refs.find((r) => r.kind === 'crypttab')).toMatchObject({
      file: '/etc/crypttab',
      line: 1,
      uuid: '5a3bc1d2-7e8f-4a9b-8c0d-1e2f3a4b5c6d',
    });
    // `rd.luks.uuid=luks-<uuid>` names the mapping, not `UUID=`: not a reference (the LUKS UUID is in crypttab).
    expect(refs.filter((r) => r.file === '/boot/grub2/grub.cfg').map((r) => r.line)).toEqual([10, 12]);
    expect(refs.filter((r) => r.file === '/boot/loader/entries/arch.conf')).toEqual([
      {
        file: '/boot/loader/entries/arch.conf',
        line: 4,
        uuid: 'b5fa7df9-93f0-4caf-abae-13cda53c0d07',
        kind: 'bootloader',
        mountpoint: '/',
        fsType: null,
      },
      {
        file: '/boot/loader/entries/arch.conf',
        line: 4,
        uuid: '98b4ad9d-1987-4e18-97f0-6543b240ec70',
        kind: 'resume',
        mountpoint: null,
        fsType: null,
      },
    ]);
    // ifcfg's UUID= is a NetworkManager connection id.
    expect(refs.some((r) => r.file.includes('network-scripts'))).toBe(false);
  });

  it('is case-insensitive, keeps the UUID as written, and knows token boundaries and md array ids', () => {
    const refs = findUuidReferences([
      {
        path: '/etc/fstab',
        text: [
          'uuid="ABCDEF01-2345-6789-ABCD-EF0123456789"  /data  xfs  defaults  0 2',
          '/dev/disk/by-uuid/0123456789ABCDEF /win ntfs-3g ro 0 0   # NTFS serial as UUID',
          'UUID=61ea8502-431c-41b3-961d-3ad4d83f56eeX /bad ext4 defaults 0 0',
          'LABEL=root / ext4 defaults 0 1',
          'PARTUUID=052e217a-4e0d-f142-b780-2d4dab408d0e /p ext4 defaults 0 2',
          'tmpfs /tmp tmpfs x-systemd.requires=/dev/disk/by-uuid/1111aaaa-2222-3333-4444-555566667777 0 0',
        ].join('\r\n'),
      },
      {
        path: '/etc/default/grub',
        text: 'GRUB_CMDLINE_LINUX="cryptdevice=UUID=2c596ce1-3570-45a3-8f2f-d40c6257b4e0:cryptroot root=/dev/mapper/cryptroot" # keep',
      },
      {
        path: '/etc/mdadm/mdadm.conf',
        text: 'ARRAY /dev/md0 metadata=1.2 UUID=3aaa0122:29827cfa:5331ad66:ca767371\n',
      },
      { path: '/etc/motd', text: 'UUID=2c596ce1-3570-45a3-8f2f-d40c6257b4e0\n' },
    ]);
    expect(refs.map((r) => [r.line, r.uuid, r.kind, r.mountpoint])).toEqual([
      [1, 'ABCDEF01-2345-6789-ABCD-EF0123456789', 'fstab', '/data'],
      [2, '0123456789ABCDEF', 'fstab', '/win'],
      [6, '1111aaaa-2222-3333-4444-555566667777', 'other', null],
      [1, '2c596ce1-3570-45a3-8f2f-d40c6257b4e0', 'bootloader', null],
    ]);
  });
});

describe('findPartuuidReferences', () => {
  it('lists PARTUUIDs separately (a partition id, never remapped as a filesystem UUID)', () => {
    expect(findPartuuidReferences(arch)).toEqual([
      {
        file: '/etc/kernel/cmdline',
        line: 1,
        partuuid: '052e217a-4e0d-f142-b780-2d4dab408d0e',
        kind: 'bootloader',
      },
    ]);
    expect(findUuidReferences(arch).some((r) => r.file === '/etc/kernel/cmdline')).toBe(false);
    expect(findPartuuidReferences(laptop)).toEqual([]);
  });
});

describe('findInterfaceReferences', () => {
  const pick = (refs: ReturnType<typeof findInterfaceReferences>) =>
    refs.map((r) => `${r.file.split('/').pop()}:${r.line} ${r.name ?? '-'} ${r.mac ?? '-'}`);

  it('NetworkManager keyfiles: interface-name and the device MAC; lo and the Wi-Fi profile without one are not', () => {
    expect(pick(findInterfaceReferences(laptop))).toEqual([
      'Office LAN.nmconnection:5 enp3s0 -',
      'Office LAN.nmconnection:9 - 8c:16:45:2e:9a:01',
    ]);
  });

  it('netplan: ids without match, match name/MAC, never bond/bridge/VLAN ids, set-name or an assigned MAC', () => {
    expect(pick(findInterfaceReferences(ubuntu))).toEqual([
      '00-installer-config.yaml:4 enp1s0 -',
      '50-storage.yaml:7 - 52:54:00:6b:3c:58',
      '50-storage.yaml:12 enp7s0* -',
      '50-storage.yaml:13 eno2 -',
    ]);
  });

  it('udev persistent-net rules, ifcfg (bridge and VLAN aware) and systemd-networkd (.link, .network, .netdev)', () => {
    expect(pick(findInterfaceReferences(centos))).toEqual([
      'ifcfg-eth0:6 eth0 -',
      'ifcfg-eth0:8 - 08:00:27:3a:5c:e1',
      'ifcfg-eth1:4 eth1 -',
      'ifcfg-eth1:7 - 08:00:27:9b:11:0f',
      'ifcfg-eth1.20:1 eth1 -',
      '70-persistent-net.rules:8 eth0 08:00:27:3a:5c:e1',
      '70-persistent-net.rules:11 eth1 08:00:27:9b:11:0f',
    ]);
    expect(pick(findInterfaceReferences(arch))).toEqual([
      '10-lan.link:2 - 00:1e:67:a2:3b:4c',
      '20-wired.network:2 en* -',
      '30-bind.network:3 lan0 -',
    ]);
  });

  it('ifupdown: auto/allow-hotplug/iface names and bridge ports; the bridge itself and lo are not', () => {
    const server = loadMachine('files-01-debian11-mbr-4kn-lvm').configFiles;
    expect(pick(findInterfaceReferences(server))).toEqual([
      'interfaces:11 enp4s0f0 -',
      'interfaces:17 enp4s0f0 -',
    ]);
    const refs = findInterfaceReferences([
      {
        path: '/etc/network/interfaces',
        text: 'auto eno1 eno1:1 bond0\nallow-hotplug enx00e04c680001\niface eno1.100 inet dhcp\niface bond0 inet manual\n  bond-slaves eno1 eno2\n  bond-mode 802.3ad\niface vlan30 inet manual\n  vlan-raw-device eno2\n',
      },
      { path: '/etc/network/interfaces.d/tun', text: 'iface tun0 inet tunnel\n  mode gre\n' },
    ]);
    expect(refs.map((r) => `${r.line} ${r.name}`)).toEqual([
      '1 eno1',
      '1 eno1',
      '2 enx00e04c680001',
      '3 eno1',
      '5 eno1',
      '5 eno2',
      '8 eno2',
    ]);
  });
});

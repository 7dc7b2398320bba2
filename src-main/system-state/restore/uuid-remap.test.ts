import { describe, expect, it } from 'vitest';
import type { MachineManifest } from '../manifest/machine-manifest';
import { findUuidReferences } from './config-references';
import { loadConfigSample, loadMachine } from './fixtures/restore-fixtures';
import { applyUuidRemap, planUuidRemap } from './uuid-remap';

const laptop = loadMachine('lap-ana-debian12-uefi');
const desktop = loadMachine('desk-0417-debian12-bios');
const references = findUuidReferences(laptop.configFiles);
const ROOT = '61ea8502-431c-41b3-961d-3ad4d83f56ee';
const SWAP = '3f96a425-1c18-4275-8617-42232b47ea73';
const ESP = '7C3A-1F2B';

/** A new disk prepared for the restore and mounted under /mnt/target, on a machine with its own system. */
const prepared: MachineManifest['filesystems'] = [
  {
    device: '/dev/sda1',
    mountpoints: ['/'],
    type: 'ext4',
    uuid: 'a2bb85bd-1ae2-46a5-a6d1-1d81089a4f93',
    label: null,
  },
  {
    device: '/dev/nvme0n1p1',
    mountpoints: ['/mnt/target/boot/efi/'],
    type: 'vfat',
    uuid: 'E0A1-77C2',
    label: null,
  },
  {
    device: '/dev/nvme0n1p2',
    mountpoints: ['/mnt/target'],
    type: 'ext4',
    uuid: 'b5fa7df9-93f0-4caf-abae-13cda53c0d07',
    label: 'root',
  },
  {
    device: '/dev/nvme0n1p3',
    mountpoints: ['[SWAP]'],
    type: 'swap',
    uuid: '98b4ad9d-1987-4e18-97f0-6543b240ec70',
    label: null,
  },
  { device: 'tmpfs', mountpoints: ['/mnt/target/tmp'], type: 'tmpfs', uuid: null, label: null },
];

describe('planUuidRemap', () => {
  it('leaves every UUID alone on the same machine (nothing listed)', () => {
    expect(
      planUuidRemap({ references, here: laptop.manifest.filesystems, targetRoot: '/', overrides: {} }),
    ).toEqual({ entries: [], unresolved: 0 });
  });

  it('matches by mount point under the target root, the swap area, and groups boot loader and resume lines', () => {
    const plan = planUuidRemap({ references, here: prepared, targetRoot: '/mnt/target', overrides: {} });
    expect(plan.unresolved).toBe(0);
    expect(plan.entries.map(({ from, to, mountpoint }) => ({ from, to, mountpoint }))).toEqual([
      { from: ROOT, to: 'b5fa7df9-93f0-4caf-abae-13cda53c0d07', mountpoint: '/' },
      { from: ESP, to: 'E0A1-77C2', mountpoint: '/boot/efi' },
      { from: SWAP, to: '98b4ad9d-1987-4e18-97f0-6543b240ec70', mountpoint: 'none' },
    ]);
    const root = plan.entries.find((e) => e.from === ROOT);
    expect(root?.reason).toBe('the filesystem mounted at /mnt/target: /dev/nvme0n1p2 (ext4, "root")');
    // fstab, the EFI stub and the eight lines of grub.cfg all follow the fstab entry.
    expect(root?.references).toHaveLength(10);
    expect(root?.references).toContainEqual({ file: '/boot/efi/EFI/debian/grub.cfg', line: 1 });
    expect(plan.entries.find((e) => e.from === SWAP)?.references).toEqual([
      { file: '/etc/fstab', line: 16 },
      { file: '/etc/initramfs-tools/conf.d/resume', line: 1 },
    ]);
    expect(plan.entries.find((e) => e.from === SWAP)?.reason).toMatch(
      /^the only swap area on this machine: \/dev\/nvme0n1p3/,
    );
  });

  it('prefers the same filesystem type and says when the type differs', () => {
    const btrfsRoot = prepared.map((f) => (f.device === '/dev/nvme0n1p2' ? { ...f, type: 'btrfs' } : f));
    const plan = planUuidRemap({ references, here: btrfsRoot, targetRoot: '/mnt/target/', overrides: {} });
    expect(plan.entries.find((e) => e.from === ROOT)?.reason).toBe(
      'the filesystem mounted at /mnt/target: /dev/nvme0n1p2 (btrfs, "root"); its type is btrfs where fstab says ext4: correct the type in /etc/fstab',
    );
  });

  it('onto a replacement desktop: root and swap are matched, the EFI System Partition is not (with the reason)', () => {
    const plan = planUuidRemap({
      references,
      here: desktop.manifest.filesystems,
      targetRoot: '/',
      overrides: {},
    });
    expect(plan.unresolved).toBe(1);
    expect(plan.entries.map((e) => [e.from, e.to])).toEqual([
      [ROOT, 'a2bb85bd-1ae2-46a5-a6d1-1d81089a4f93'],
      [ESP, null],
      [SWAP, '8e6714da-8add-4c5e-9903-40c55c5c5637'],
    ]);
    expect(plan.entries[1]?.reason).toBe(
      'no filesystem with a UUID is mounted at /boot/efi; mount the new filesystem for /boot/efi there, or choose its UUID',
    );
  });

  it('uses an override that exists here (any case, written as this machine spells it)', () => {
    const plan = planUuidRemap({
      references,
      here: desktop.manifest.filesystems,
      targetRoot: '/',
      overrides: { '7c3a-1f2b': '64a5-f009' },
    });
    expect(plan.unresolved).toBe(0);
    expect(plan.entries[1]).toMatchObject({
      from: ESP,
      to: '64A5-F009',
      reason:
        'chosen by the user: /dev/sdb1 (exfat, "Elements"); its type is exfat where fstab says vfat: correct the type in /etc/fstab',
    });
  });

  it('a bad override: an unknown target is unresolved with the reason; an unreferenced or present source is an error', () => {
    const plan = planUuidRemap({
      references,
      here: desktop.manifest.filesystems,
      targetRoot: '/',
      overrides: { [ROOT]: 'deadbeef-0000-4000-8000-000000000000' },
    });
    expect(plan.entries.find((e) => e.from === ROOT)).toMatchObject({
      to: null,
      reason:
        'the UUID chosen for it (deadbeef-0000-4000-8000-000000000000) is not a filesystem on this machine; choose one that lsblk lists',
    });
    expect(plan.unresolved).toBe(2);
    expect(() =>
      planUuidRemap({
        references,
        here: desktop.manifest.filesystems,
        targetRoot: '/',
        overrides: { '0d4f3b8e-2c11-4e0b-9d5a-7f1c2b3a4d5e': 'a2bb85bd-1ae2-46a5-a6d1-1d81089a4f93' },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/not referred to/),
      }),
    );
    expect(() =>
      planUuidRemap({
        references,
        here: laptop.manifest.filesystems,
        targetRoot: '/',
        overrides: { [ROOT]: SWAP },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/exists on this machine/),
      }),
    );
    expect(() => planUuidRemap({ references, here: [], targetRoot: 'mnt/target', overrides: {} })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('crypttab sources go to the only LUKS container; a UUID only GRUB names is left to the boot repair', () => {
    const centos = findUuidReferences(loadConfigSample('centos7-kvm-host'));
    const here: MachineManifest['filesystems'] = [
      {
        device: '/dev/vda1',
        mountpoints: ['/boot'],
        type: 'xfs',
        uuid: '1b2c3d4e-0000-4000-8000-00000000000a',
        label: null,
      },
      {
        device: '/dev/vda2',
        mountpoints: [],
        type: 'crypto_LUKS',
        uuid: '2b2c3d4e-0000-4000-8000-00000000000b',
        label: null,
      },
    ];
    const plan = planUuidRemap({ references: centos, here, targetRoot: '/', overrides: {} });
    expect(plan.entries.map((e) => [e.mountpoint, e.to])).toEqual([
      ['/boot', '1b2c3d4e-0000-4000-8000-00000000000a'],
      [null, '2b2c3d4e-0000-4000-8000-00000000000b'],
    ]);
    expect(plan.entries[1]?.reason).toBe('the only LUKS container on this machine: /dev/vda2 (crypto_LUKS)');
    const grubOnly = findUuidReferences([
      {
        path: '/boot/grub/grub.cfg',
        text: 'search --no-floppy --fs-uuid --set=root 0c3f8025-b504-4dd6-9a4e-fe1fdbb36c9d\n',
      },
    ]);
    expect(
      planUuidRemap({ references: grubOnly, here, targetRoot: '/', overrides: {} }).entries[0],
    ).toMatchObject({
      to: null,
      reason: expect.stringMatching(/^only the boot loader refers to it; the boot repair step regenerates/),
    });
    const twoSwaps = [
      ...here,
      ...prepared.filter((f) => f.type === 'swap'),
      { ...prepared[3], device: '/dev/sdb2', uuid: 'c0ffee00-0000-4000-8000-000000000001' },
    ] as MachineManifest['filesystems'];
    const swapPlan = planUuidRemap({ references, here: twoSwaps, targetRoot: '/', overrides: {} });
    expect(swapPlan.entries.find((e) => e.from === SWAP)).toMatchObject({
      to: null,
      reason: '2 swap areas on this machine (/dev/nvme0n1p3, /dev/sdb2): choose one',
    });
  });
});

describe('applyUuidRemap', () => {
  const mapping = new Map([
    [ROOT, 'b5fa7df9-93f0-4caf-abae-13cda53c0d07'],
    ['7c3a-1f2b', 'E0A1-77C2'],
    [SWAP, '98b4ad9d-1987-4e18-97f0-6543b240ec70'],
  ]);
  const file = (p: string) => laptop.configFiles.find((f) => f.path === p)?.text ?? '';

  it('rewrites the Debian fstab: three entries, comments and every other line untouched', () => {
    const before = file('/etc/fstab');
    const { text, replaced } = applyUuidRemap(before, mapping);
    expect(replaced).toBe(3);
    const [old, now] = [before.split('\n'), text.split('\n')];
    expect(now).toHaveLength(old.length);
    const changed = now.flatMap((line, i) => (line === old[i] ? [] : [i + 1]));
    expect(changed).toEqual([12, 14, 16]);
    expect(now[11]).toBe(
      'UUID=b5fa7df9-93f0-4caf-abae-13cda53c0d07 /               ext4    errors=remount-ro 0       1',
    );
    expect(now[13]).toBe('UUID=E0A1-77C2  /boot/efi       vfat    umask=0077      0       1');
    expect(now[18]).toBe('#UUID=0d4f3b8e-2c11-4e0b-9d5a-7f1c2b3a4d5e /media/backup ext4 noauto,nofail 0 2');
  });

  it('rewrites grub.cfg search and root= lines but not menu entry ids that embed the UUID', () => {
    const before = file('/boot/grub/grub.cfg');
    const { text, replaced } = applyUuidRemap(before, mapping);
    expect(replaced).toBe(8);
    expect(text.split(ROOT).length - 1).toBe(4);
    expect(text).toContain("'gnulinux-simple-61ea8502-431c-41b3-961d-3ad4d83f56ee'");
    expect(text).toContain('root=UUID=b5fa7df9-93f0-4caf-abae-13cda53c0d07 ro  quiet');
  });

  it('replaces whole tokens only, keeps CRLF and comments, does not chain replacements', () => {
    const a = '11111111-2222-4333-8444-555555555555';
    const b = '66666666-7777-4888-8999-aaaaaaaaaaaa';
    const c = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff';
    const text = [
      `UUID=${a.toUpperCase()} / ext4 defaults 0 1`,
      `luks-${a} UUID="${a}" none`,
      `${a}0 ${a}-x x${a} ${a}.img /dev/disk/by-uuid/${a}`,
      `cryptdevice=UUID=${a}:cryptroot  # was UUID=${a}`,
      `# UUID=${a}`,
      `search.fs_uuid ${b} root`,
    ].join('\r\n');
    const result = applyUuidRemap(
      text,
      new Map([
        [a, b],
        [b, c],
      ]),
    );
    expect(result.text.split('\r\n')).toEqual([
      `UUID=${b} / ext4 defaults 0 1`,
      `luks-${a} UUID="${b}" none`,
      `${a}0 ${a}-x x${a} ${a}.img /dev/disk/by-uuid/${b}`,
      `cryptdevice=UUID=${b}:cryptroot  # was UUID=${a}`,
      `# UUID=${a}`,
      `search.fs_uuid ${c} root`,
    ]);
    expect(result.replaced).toBe(5);
    expect(applyUuidRemap('nothing here\n', mapping)).toEqual({ text: 'nothing here\n', replaced: 0 });
  });

  it('refuses a mapping that is not UUID to UUID, or maps one UUID twice', () => {
    expect(() => applyUuidRemap('x', new Map([['/dev/sda1', ROOT]]))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() =>
      applyUuidRemap(
        'x',
        new Map([
          [ESP, 'E0A1-77C2'],
          ['7c3a-1f2b', 'ABCD-0123'],
        ]),
      ),
    ).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/mapped twice/) }),
    );
  });
});

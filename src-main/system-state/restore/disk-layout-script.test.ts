import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { ExecCommandRunner } from '../command-runner/exec-command-runner';
import { readFixture } from '../command-runner/recorded-command-runner';
import { canUseLoopMounts } from '../testing/loop-filesystem';
import { partitionPath } from './device-names';
import { diskLayoutScript, sfdiskString } from './disk-layout-script';
import type { RecordedLayout } from './restore-analysis-model';

const fixtures = new URL('./fixtures/linux/', import.meta.url);
const fixture = (name: string) => readFixture(fixtures, name);
const exec = new ExecCommandRunner({ defaultTimeoutMs: 120_000 });

/** `bash -n`: the generated script is valid bash (syntax only; nothing runs). */
async function bashSyntaxErrors(script: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bm-script-'));
  try {
    await writeFile(path.join(dir, 'layout.sh'), script);
    const result = await exec.run({ argv: ['bash', '-n', path.join(dir, 'layout.sh')] });
    return succeeded(result) ? '' : describeResult(result);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function layout(parts: Partial<RecordedLayout>): RecordedLayout {
  return {
    sfdisk: [],
    lsblkJson: null,
    lvmReportJson: null,
    mdadmScan: null,
    diskpartListDisk: null,
    ...parts,
  };
}

// Two NVMe disks, MBR, three RAID1 arrays (swap, /boot ext3, / ext4): the Boot-Repair report of a Linux Mint forum
// thread (mdadm scan verbatim; sfdisk and lsblk constructed from its fdisk and blkid listings, see SOURCES.md).
const mint = layout({
  sfdisk: [
    {
      disk: '/dev/nvme0n1',
      json: fixture('constructed-sfdisk-json.nvme0n1-mbr-three-raid-members-mint-forum.txt'),
    },
    {
      disk: '/dev/nvme1n1',
      json: fixture('constructed-sfdisk-json.nvme1n1-mbr-three-raid-members-mint-forum.txt'),
    },
  ],
  lsblkJson: fixture('constructed-lsblk-json-output-all.nvme-three-raid1-mint-forum.txt'),
  mdadmScan: fixture('mdadm-detail-scan.three-raid1-nvme-mint-forum.txt'),
});

describe('diskLayoutScript: md RAID1 on two NVMe disks moved to two SATA disks', () => {
  const result = diskLayoutScript({
    layout: mint,
    diskMap: { '/dev/nvme0n1': '/dev/sda', '/dev/nvme1n1': '/dev/sdb' },
    origin: {
      snapshotId: '5f0c3a8e9d1b2c4f'.padEnd(64, '0'),
      hostname: 'rescue',
      time: '2024-01-09T19:49:00Z',
    },
  });
  const { script } = result;

  it('says what it destroys and where it comes from, and refuses to run without CONFIRM=yes', () => {
    expect(
      script.startsWith(
        '#!/bin/bash\n# Disk layout of rescue, System state session 5f0c3a8e of 2024-01-09T19:49:00Z.',
      ),
    ).toBe(true);
    expect(script).toContain('# !!! THIS SCRIPT DESTROYS ALL DATA ON: /dev/sda /dev/sdb !!!');
    expect(script).toContain('#   /dev/nvme0n1 -> /dev/sda\n#   /dev/nvme1n1 -> /dev/sdb\n');
    expect(script).toContain('set -euo pipefail');
    expect(script).toMatch(
      /if \[\[ "\$\{CONFIRM:-\}" != yes \]\]; then\n.*DESTROYS ALL DATA.*\n.*\n {2}exit 2\nfi/,
    );
    expect(result.diskMap).toEqual({ '/dev/nvme0n1': '/dev/sda', '/dev/nvme1n1': '/dev/sdb' });
  });

  it('checks every disk before changing any, then replays the MBR tables with their disk identifiers', () => {
    // 69208064 + 1931199152: the end of partition 3; MBR has no backup table at the end.
    expect(script).toContain('check_disk /dev/sda 512 2000407216\ncheck_disk /dev/sdb 512 2000407216\n');
    expect(script.indexOf('check_disk /dev/sdb')).toBeLessThan(script.indexOf('sfdisk --wipe'));
    expect(script).toContain(
      [
        "sfdisk --wipe always --wipe-partitions always /dev/sda <<'SFDISK_TABLE'",
        'label: dos',
        'label-id: 0xc1fe505d',
        'device: /dev/sda',
        'unit: sectors',
        'sector-size: 512',
        '',
        '/dev/sda1 : start=2048, size=67108864, type=fd',
        '/dev/sda2 : start=67110912, size=2097152, type=fd',
        '/dev/sda3 : start=69208064, size=1931199152, type=fd',
        'SFDISK_TABLE',
        'wait_partitions /dev/sda /dev/sda1 /dev/sda2 /dev/sda3',
      ].join('\n'),
    );
    expect(script).toContain('label-id: 0xf44fd805\ndevice: /dev/sdb');
  });

  it('recreates the arrays with their UUIDs and names (level from lsblk), then the filesystems on them', () => {
    expect(script).toContain(
      'mdadm --create /dev/md/0 --run --metadata=1.2 --level=raid1 --raid-devices=2 --uuid=03e245d4:5f490ce4:f7393d80:f5d5ac16 --name=rescue:0 /dev/sda1 /dev/sdb1',
    );
    expect(script).toContain(
      '--uuid=831a9940:4c261e15:e19da513:34eac5f3 --name=rescue:2 /dev/sda3 /dev/sdb3',
    );
    expect(script).toContain('mkswap -U b79ea468-99c9-49ee-bfc6-ca8f37da3ab1 /dev/md/0');
    expect(script).toContain('mkfs.ext3 -F -U f46bb5be-4dd8-4df4-9a68-2376de4e93a0 /dev/md/1');
    expect(script).toContain('mkfs.ext4 -F -U 90b829bc-271e-4891-b9cc-e4e6740b0850 /dev/md/2');
    // Each filesystem once, although lsblk lists every array under both members.
    expect(script.match(/^mkfs\.ext4 /gm)).toHaveLength(1);
    expect(script.indexOf('mdadm --create /dev/md/2')).toBeLessThan(script.indexOf('\nmkfs.ext4 '));
    expect(script).toMatch(/for tool in blockdev lsblk mdadm mkfs\.ext3 mkfs\.ext4 mkswap partx sfdisk; do/);
  });

  it('warns about the duplicated UUIDs only (everything mapped), and is valid bash', async () => {
    expect(result.warnings).toEqual([expect.stringMatching(/disconnect the old disks/)]);
    expect(await bashSyntaxErrors(script)).toBe('');
  });

  it("keeps an unmapped disk's name and says so; warns when a table cannot fit the new disk", () => {
    const partial = diskLayoutScript({
      layout: mint,
      diskMap: { '/dev/nvme0n1': '/dev/sda' },
      newDiskSizes: { '/dev/sda': 500107862016 },
    });
    expect(partial.diskMap).toEqual({ '/dev/nvme0n1': '/dev/sda', '/dev/nvme1n1': '/dev/nvme1n1' });
    expect(partial.script).toContain(
      '#   /dev/nvme1n1 -> /dev/nvme1n1   (NOT MAPPED: keeps its recorded name)',
    );
    expect(partial.script).toContain('/dev/sda1 /dev/nvme1n1p1');
    expect(partial.warnings).toEqual([
      expect.stringMatching(/^\/dev\/nvme1n1 is not mapped .*Make sure that is the disk to erase here/),
      expect.stringMatching(
        /^\/dev\/nvme0n1's partitions need 1024208494592 bytes but \/dev\/sda has 500107862016: shrink/,
      ),
      expect.stringMatching(/disconnect the old disks/),
    ]);
  });

  it('refuses a disk map that is not /dev paths or writes two recorded disks to one', () => {
    expect(() => diskLayoutScript({ layout: mint, diskMap: { '/dev/nvme0n1': 'sda; rm -rf /' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() =>
      diskLayoutScript({ layout: mint, diskMap: { '/dev/nvme0n1': '/dev/sda', '/dev/nvme1n1': '/dev/sda' } }),
    ).toThrow(/two recorded disks would be written to \/dev\/sda/);
    // The unmapped nvme1n1 keeps its name: mapping nvme0n1 onto it would erase one disk twice.
    expect(() => diskLayoutScript({ layout: mint, diskMap: { '/dev/nvme0n1': '/dev/nvme1n1' } })).toThrow(
      /two recorded disks/,
    );
    expect(() => diskLayoutScript({ layout: layout({}), diskMap: {} })).toThrow(/no partition table/);
  });

  it('without lsblk, a plain scan has no RAID level: the mdadm command is commented out and explained', () => {
    const bare = diskLayoutScript({ layout: { ...mint, lsblkJson: null }, diskMap: {} });
    expect(bare.script).toContain(
      "# mdadm --create /dev/md/0 --run --metadata=1.2 '--level=LEVEL?' '--raid-devices=N?' --uuid=03e245d4:5f490ce4:f7393d80:f5d5ac16 'MEMBERS?'",
    );
    expect(bare.warnings.join('\n')).toMatch(/neither its RAID level nor its members are recorded/);
    expect(bare.warnings.join('\n')).toMatch(/No lsblk export was recorded/);
  });
});

describe('diskLayoutScript: LVM over two disks (recorded here: sfdisk, lvm fullreport, lsblk without udev)', () => {
  const loops = layout({
    sfdisk: [
      { disk: '/dev/loop0', json: fixture('sfdisk-json.loop0-gpt-bios-boot-lvm-debian12.txt') },
      { disk: '/dev/loop1', json: fixture('sfdisk-json.loop1-gpt-lvm-debian12.txt') },
    ],
    lsblkJson: fixture('lsblk-json-output-all.loop0-loop1-no-udev-debian12.txt'),
    lvmReportJson: fixture('lvm-fullreport-json-units-b.vg0-two-pvs-linear-striped-debian12.txt'),
  });
  const result = diskLayoutScript({
    layout: loops,
    diskMap: { '/dev/loop0': '/dev/nvme0n1', '/dev/loop1': '/dev/sda' },
  });

  it('replays the GPT tables with disk and partition GUIDs, names and the first LBA; partitions named per disk', () => {
    expect(result.script).toContain(
      [
        'label: gpt',
        'label-id: DEEB29A9-BE46-8247-9105-D4EF78E4329C',
        'device: /dev/nvme0n1',
        'unit: sectors',
        'first-lba: 2048',
        'sector-size: 512',
        '',
        '/dev/nvme0n1p1 : start=2048, size=2048, type=21686148-6E64-6F6E-6744-656564454649, uuid=725464E7-9670-6342-A9DF-8E46EA99DD88, name="bios"',
      ].join('\n'),
    );
    expect(result.script).toContain('/dev/sda1 : start=2048');
    // 266240 + 550912 + the backup GPT (1 header + 32 sectors of entries).
    expect(result.script).toContain('check_disk /dev/nvme0n1 512 817185');
  });

  it('restores the volume group from its .vg backup when present, else recreates PVs, VG and LVs as recorded', async () => {
    const { script } = result;
    expect(script).toContain('if [[ -f "$LVM_BACKUP_DIR"/vg0.vg ]]; then');
    expect(script).toContain(
      '  pvcreate --yes --uuid J1L01n-QMeM-6CWw-APaw-U85L-sw5h-phhmot --restorefile "$LVM_BACKUP_DIR"/vg0.vg /dev/nvme0n1p3',
    );
    expect(script).toContain(
      '  pvcreate --yes --uuid 2A8z30-Oha8-pJcJ-ZVDs-yB2T-tBIB-83zr0T --restorefile "$LVM_BACKUP_DIR"/vg0.vg /dev/sda1',
    );
    expect(script).toContain('  vgcfgrestore --file "$LVM_BACKUP_DIR"/vg0.vg vg0');
    expect(script).toContain('  vgcreate --yes --physicalextentsize 4096k vg0 /dev/nvme0n1p3 /dev/sda1');
    expect(script).toContain(
      '  lvcreate --yes --wipesignatures y --extents 24 --stripes 2 --stripesize 64k --name home vg0',
    );
    expect(script).toContain('  lvcreate --yes --wipesignatures y --extents 32 --name root vg0');
    expect(script).toContain('  lvcreate --yes --wipesignatures y --extents 8 --name swap vg0');
    expect(script).toContain('vgchange --activate y vg0');
    expect(await bashSyntaxErrors(script)).toBe('');
  });

  it('says that the recorded lsblk has no filesystem information (udev was not running)', () => {
    expect(result.warnings.join('\n')).toMatch(/no filesystem information \(udev was not running/);
    expect(result.script).not.toMatch(/mkfs|mkswap/);
  });

  it('leaves snapshots, thin pools and LVs on unrecorded disks to vgcfgrestore, with a warning', () => {
    const report = JSON.parse(loops.lvmReportJson as string) as {
      report: { lv: Record<string, string>[]; pv: Record<string, string>[] }[];
    };
    const section = report.report[0];
    if (section === undefined) throw new Error('fixture has no report');
    const home = section.lv.find((lv) => lv.lv_name === 'home');
    if (home) Object.assign(home, { lv_attr: 'swi-a-s---', lv_name: 'bm-snap' });
    section.pv.push({
      ...(section.pv[0] as Record<string, string>),
      pv_name: '/dev/sdz1',
      pv_uuid: 'zzzzzz',
    });
    const edited = diskLayoutScript({
      layout: { ...loops, lvmReportJson: JSON.stringify(report) },
      diskMap: {},
    });
    expect(edited.script).not.toContain('--name bm-snap');
    expect(edited.warnings.join('\n')).toMatch(/bm-snap \(striped\) is not recreated by lvcreate/);
    expect(edited.warnings.join('\n')).toMatch(/also spans \/dev\/sdz1/);
  });
});

describe('diskLayoutScript: filesystems, LUKS and btrfs subvolumes from lsblk', () => {
  // A UEFI laptop with LVM on LUKS (Debian's guided encrypted install), and a btrfs data disk (constructed).
  const sfdisk = (disk: string, parts: { n: number; start: number; size: number; type: string }[]) =>
    JSON.stringify({
      partitiontable: {
        label: 'gpt',
        id: '8C9F9E44-0B3A-4E6E-9B51-3D2C10A0B1C2',
        device: disk,
        unit: 'sectors',
        firstlba: 2048,
        sectorsize: 512,
        partitions: parts.map((p) => ({
          node: partitionPath(disk, p.n),
          start: p.start,
          size: p.size,
          type: p.type,
        })),
      },
    });
  const tree = {
    blockdevices: [
      {
        name: 'nvme0n1',
        path: '/dev/nvme0n1',
        type: 'disk',
        size: 512110190592,
        children: [
          {
            name: 'nvme0n1p1',
            path: '/dev/nvme0n1p1',
            type: 'part',
            fstype: 'vfat',
            fsver: 'FAT32',
            uuid: '4A3B-1C2D',
            label: 'ESP',
          },
          {
            name: 'nvme0n1p2',
            path: '/dev/nvme0n1p2',
            type: 'part',
            fstype: 'ext2',
            fsver: '1.0',
            uuid: '6f1c2d3e-0000-4a5b-9c8d-7e6f5a4b3c2d',
            label: null,
          },
          {
            name: 'nvme0n1p3',
            path: '/dev/nvme0n1p3',
            type: 'part',
            fstype: 'crypto_LUKS',
            fsver: '2',
            uuid: 'a1b2c3d4-e5f6-4789-8abc-def012345678',
            children: [
              {
                name: 'nvme0n1p3_crypt',
                path: '/dev/mapper/nvme0n1p3_crypt',
                type: 'crypt',
                fstype: 'LVM2_member',
                uuid: 'Ab12Cd-34Ef-56Gh',
              },
            ],
          },
        ],
      },
      {
        name: 'sda',
        path: '/dev/sda',
        type: 'disk',
        size: 4000787030016,
        children: [
          {
            name: 'sda1',
            path: '/dev/sda1',
            type: 'part',
            fstype: 'btrfs',
            uuid: 'c0ffee00-1234-4321-8888-0123456789ab',
            label: 'data',
            fsroots: ['/@', '/@home', '/@home/.snapshots'],
          },
        ],
      },
      {
        name: 'sdb',
        path: '/dev/sdb',
        type: 'disk',
        size: 32017047552,
        children: [
          {
            name: 'sdb1',
            path: '/dev/sdb1',
            type: 'part',
            fstype: 'exfat',
            uuid: '1234-ABCD',
            label: 'STICK',
          },
        ],
      },
    ],
  };
  const result = diskLayoutScript({
    layout: layout({
      sfdisk: [
        {
          disk: '/dev/nvme0n1',
          json: sfdisk('/dev/nvme0n1', [
            { n: 1, start: 2048, size: 1048576, type: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B' },
            { n: 2, start: 1050624, size: 1998848, type: '0FC63DAF-8483-4772-8E79-3D69D8477DE4' },
            { n: 3, start: 3049472, size: 997163008, type: '0FC63DAF-8483-4772-8E79-3D69D8477DE4' },
          ]),
        },
        {
          disk: '/dev/sda',
          json: sfdisk('/dev/sda', [
            { n: 1, start: 2048, size: 7814033408, type: '0FC63DAF-8483-4772-8E79-3D69D8477DE4' },
          ]),
        },
      ],
      lsblkJson: JSON.stringify(tree),
    }),
    diskMap: { '/dev/nvme0n1': '/dev/nvme1n1', '/dev/sda': '/dev/sdc' },
  });

  it('formats the LUKS container with its UUID and opens it under its recorded name before anything on it', () => {
    expect(result.script).toContain(
      'cryptsetup luksFormat --type luks2 --uuid a1b2c3d4-e5f6-4789-8abc-def012345678 /dev/nvme1n1p3',
    );
    expect(result.script).toContain('cryptsetup open /dev/nvme1n1p3 nvme0n1p3_crypt');
    expect(result.warnings.join('\n')).toMatch(/new LUKS container .*old passphrase/);
  });

  it('creates vfat (FAT32, volume id), ext2 and btrfs with its mounted subvolumes, nested ones after parents', () => {
    expect(result.script).toContain('mkfs.vfat -F 32 -i 4A3B1C2D -n ESP /dev/nvme1n1p1');
    expect(result.script).toContain('mkfs.ext2 -F -U 6f1c2d3e-0000-4a5b-9c8d-7e6f5a4b3c2d /dev/nvme1n1p2');
    expect(result.script).toContain(
      [
        'mkfs.btrfs -f -U c0ffee00-1234-4321-8888-0123456789ab -L data /dev/sdc1',
        'btrfs_top=$(mktemp -d)',
        'mount /dev/sdc1 "$btrfs_top"',
        'btrfs subvolume create "$btrfs_top"/@',
        'btrfs subvolume create "$btrfs_top"/@home',
        'mkdir -p "$btrfs_top"/@home',
        'btrfs subvolume create "$btrfs_top"/@home/.snapshots',
        'umount "$btrfs_top" && rmdir "$btrfs_top"',
      ].join('\n'),
    );
  });

  it('leaves disks that were not recorded (the USB stick) alone', async () => {
    expect(result.script).not.toMatch(/sdb|exfat|STICK/);
    expect(await bashSyntaxErrors(result.script)).toBe('');
  });

  it('keeps hostile recorded text inert: newlines in names, labels and types never start a command', async () => {
    const hostileTree = {
      blockdevices: [
        {
          name: 'sda',
          path: '/dev/sda',
          type: 'disk',
          children: [
            {
              name: 'sda1',
              path: '/dev/sda1',
              type: 'part',
              fstype: 'zfs_member\nrm -rf /',
              uuid: '123',
              label: 'x',
            },
            {
              name: 'sda2',
              path: '/dev/sda2',
              type: 'part',
              fstype: 'ext4',
              uuid: 'b0a1c2d3-0000-4000-8000-000000000001',
              label: "a'b\nrm -rf /",
            },
          ],
        },
      ],
    };
    const hostile = diskLayoutScript({
      layout: layout({
        sfdisk: [
          {
            disk: '/dev/sda',
            json: sfdisk('/dev/sda', [
              { n: 1, start: 2048, size: 2048, type: 'L' },
              { n: 2, start: 4096, size: 4096, type: 'L' },
            ]),
          },
        ],
        lsblkJson: JSON.stringify(hostileTree),
      }),
      diskMap: {},
      origin: { snapshotId: 'a'.repeat(64), hostname: 'evil\nrm -rf /', time: 'now' },
    });
    expect(hostile.script.split('\n').filter((line) => line.startsWith('rm '))).toEqual([]);
    expect(hostile.script).toContain(
      "mkfs.ext4 -F -U b0a1c2d3-0000-4000-8000-000000000001 -L $'a\\'b\\x0arm -rf /' /dev/sda2",
    );
    expect(await bashSyntaxErrors(hostile.script)).toBe('');
    const badId = JSON.parse(sfdisk('/dev/sda', [])) as { partitiontable: Record<string, unknown> };
    badId.partitiontable.id = 'x\nSFDISK_TABLE\nrm -rf /';
    expect(() =>
      diskLayoutScript({
        layout: layout({ sfdisk: [{ disk: '/dev/sda', json: JSON.stringify(badId) }] }),
        diskMap: {},
      }),
    ).toThrow(expect.objectContaining({ code: 'UNEXPECTED_OUTPUT' }));
  });

  it('quotes partition names the way sfdisk dumps them (\\xHH for quotes, backslashes and non-ASCII)', () => {
    expect(sfdiskString('EFI System Partition')).toBe('EFI System Partition');
    expect(sfdiskString('root "x" \\ y')).toBe('root \\x22x\\x22 \\x5c y');
    expect(sfdiskString('Données')).toBe('Donn\\xc3\\xa9es');
  });
});

// Real: partition two loop disks, make filesystems, record them as the export does, then run the generated script
// against two other loop disks and compare tables and filesystems (root; sfdisk, mkfs.ext4, mkswap, btrfs-progs).
describe.runIf(canUseLoopMounts())(
  'diskLayoutScript for real: the script recreates recorded loop disks',
  () => {
    let dir: string;
    const loops: string[] = [];
    const mounts: string[] = [];
    const run = async (argv: [string, ...string[]], input?: string) => {
      const result = await exec.run({ argv, ...(input === undefined ? {} : { input }) });
      if (!succeeded(result)) throw new Error(describeResult(result));
      return result.stdout;
    };
    const attach = async (name: string, size: string) => {
      await run(['truncate', '-s', size, path.join(dir, name)]);
      // --partscan: the kernel owns the partitions and drops them on detach (no stale loopNpM for the next user).
      const loop = (await run(['losetup', '--find', '--show', '--partscan', path.join(dir, name)])).trim();
      loops.push(loop);
      return loop;
    };
    /** What lsblk prints where udev runs: this machine has none, so the filesystem columns come from blkid. */
    const withFilesystems = async (lsblkJson: string): Promise<string> => {
      const tree = JSON.parse(lsblkJson) as { blockdevices: Record<string, unknown>[] };
      const visit = async (node: Record<string, unknown>) => {
        const probed = await exec.run({ argv: ['blkid', '-p', '-o', 'export', String(node.path)] });
        if (succeeded(probed)) {
          const tags = Object.fromEntries(
            probed.stdout
              .trim()
              .split('\n')
              .map((l) => l.split('=', 2) as [string, string]),
          );
          Object.assign(node, {
            fstype: tags.TYPE ?? null,
            uuid: tags.UUID ?? null,
            label: tags.LABEL ?? null,
            fsver: tags.VERSION ?? null,
          });
        }
        for (const child of (node.children as Record<string, unknown>[] | undefined) ?? [])
          await visit(child);
      };
      for (const node of tree.blockdevices) await visit(node);
      return JSON.stringify(tree);
    };
    const table = async (disk: string) =>
      JSON.parse((await run(['sfdisk', '--json', disk])).split(disk).join('DISK'));
    const filesystem = async (device: string) => {
      const tags = Object.fromEntries(
        (await run(['blkid', '-p', '-o', 'export', device]))
          .trim()
          .split('\n')
          .map((l) => l.split('=', 2) as [string, string]),
      );
      return { type: tags.TYPE, uuid: tags.UUID, label: tags.LABEL };
    };

    let a = '';
    let c = '';
    let b = '';
    let d = '';
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'bm-layout-'));
      a = await attach('a.img', '200M');
      c = await attach('c.img', '96M');
      b = await attach('b.img', '200M');
      d = await attach('d.img', '96M');
      await run(
        ['sfdisk', '--quiet', a],
        [
          'label: gpt',
          'size=16MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI System Partition"',
          'size=24MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="Données \\x22boot\\x22", attrs="LegacyBIOSBootable"',
          'size=16MiB, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, name="swap"',
          'type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, attrs="GUID:63"',
          '',
        ].join('\n'),
      );
      await run(
        ['sfdisk', '--quiet', c],
        ['label: dos', 'size=24MiB, type=83, bootable', 'type=5', 'size=8MiB, type=82', 'type=83', ''].join(
          '\n',
        ),
      );
      for (const disk of [a, c]) {
        // Loop devices here get no kernel re-read of their table; partx adds the partitions (-a: the logical ones).
        await run(['partx', '-u', disk]);
        await exec.run({ argv: ['partx', '-a', disk] });
      }
      await run(['mkfs.ext4', '-q', '-L', 'boot', `${a}p2`]);
      await run(['mkswap', '-L', 'swap0', `${a}p3`]);
      await run(['mkfs.btrfs', '-q', '-L', 'data', `${a}p4`]);
      await run(['mkfs.ext4', '-q', '-L', 'old-root', `${c}p1`]);
      await run(['mkswap', `${c}p5`]);
      await run(['mkfs.ext4', '-q', `${c}p6`]);
      // Subvolumes @ and @home, mounted like a distribution does, so that lsblk lists them as filesystem roots.
      const top = path.join(dir, 'top');
      await run(['mkdir', '-p', top, path.join(dir, 'root'), path.join(dir, 'home')]);
      await run(['mount', `${a}p4`, top]);
      await run(['btrfs', 'subvolume', 'create', path.join(top, '@')]);
      await run(['btrfs', 'subvolume', 'create', path.join(top, '@home')]);
      await run(['umount', top]);
      await run(['mount', '-o', 'subvol=@', `${a}p4`, path.join(dir, 'root')]);
      mounts.push(path.join(dir, 'root'));
      await run(['mount', '-o', 'subvol=@home', `${a}p4`, path.join(dir, 'home')]);
      mounts.push(path.join(dir, 'home'));
    }, 120_000);
    afterAll(async () => {
      for (const mountPoint of mounts.reverse()) await exec.run({ argv: ['umount', mountPoint] });
      for (const loop of loops) {
        await exec.run({ argv: ['partx', '-d', loop] });
        await exec.run({ argv: ['losetup', '--detach', loop] });
      }
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('refuses without CONFIRM=yes, then recreates both tables and every filesystem with its UUID and label', async () => {
      const recorded = layout({
        sfdisk: [
          { disk: a, json: await run(['sfdisk', '--json', a]) },
          { disk: c, json: await run(['sfdisk', '--json', c]) },
        ],
        lsblkJson: await withFilesystems(await run(['lsblk', '--json', '--bytes', '--output-all', a, c])),
      });
      const generated = diskLayoutScript({
        layout: recorded,
        diskMap: { [a]: b, [c]: d },
        newDiskSizes: { [b]: 200 * 1024 * 1024, [d]: 96 * 1024 * 1024 },
      });
      expect(generated.warnings).toEqual([expect.stringMatching(/disconnect the old disks/)]);
      const scriptPath = path.join(dir, 'disk-layout.sh');
      await writeFile(scriptPath, generated.script);

      const refused = await exec.run({ argv: ['bash', scriptPath] });
      expect(refused).toMatchObject({ kind: 'exited', exitCode: 2 });
      expect(refused.kind === 'exited' && refused.stderr).toMatch(/DESTROYS ALL DATA on: .*loop/);
      expect(succeeded(await exec.run({ argv: ['sfdisk', '--json', b] }))).toBe(false); // untouched: no table

      // The old disk is still attached (and its btrfs mounted): mkfs.btrfs would refuse its UUID, so the script
      // stops in its checks, before it changes anything.
      const duplicate = await exec.run({ argv: ['bash', scriptPath], env: { CONFIRM: 'yes' } });
      expect(duplicate).toMatchObject({ kind: 'exited', exitCode: 1 });
      expect(duplicate.kind === 'exited' && duplicate.stderr).toMatch(
        new RegExp(`btrfs UUID [0-9a-f-]{36} is already on ${a}p4 \\(the old disk\\?\\)`),
      );
      expect(succeeded(await exec.run({ argv: ['sfdisk', '--json', b] }))).toBe(false);

      // What the comparison needs of the old disks, then they go, as the script's header asks.
      const tableA = await table(a);
      const tableC = await table(c);
      const filesystemsA = await Promise.all([2, 3, 4].map((n) => filesystem(`${a}p${n}`)));
      const filesystemsC = await Promise.all([1, 5, 6].map((n) => filesystem(`${c}p${n}`)));
      for (const mountPoint of mounts.splice(0).reverse()) await run(['umount', mountPoint]);
      for (const loop of [a, c]) {
        await run(['partx', '-d', loop]);
        await run(['losetup', '--detach', loop]);
        loops.splice(loops.indexOf(loop), 1);
      }

      const ran = await exec.run({ argv: ['bash', scriptPath], env: { CONFIRM: 'yes' }, timeoutMs: 180_000 });
      expect(ran.kind === 'exited' ? `${ran.exitCode} ${ran.stderr}` : describeResult(ran)).toMatch(/^0 /);

      expect(await table(b)).toEqual(tableA);
      expect(await table(d)).toEqual(tableC);
      expect(await Promise.all([2, 3, 4].map((n) => filesystem(`${b}p${n}`)))).toEqual(filesystemsA);
      expect(await Promise.all([1, 5, 6].map((n) => filesystem(`${d}p${n}`)))).toEqual(filesystemsC);
      expect(filesystemsA.map((f) => f.type)).toEqual(['ext4', 'swap', 'btrfs']);
      expect(filesystemsA.map((f) => f.label)).toEqual(['boot', 'swap0', 'data']);

      const check = path.join(dir, 'check');
      await run(['mkdir', '-p', check]);
      await run(['mount', `${b}p4`, check]);
      try {
        const subvolumes = await run(['btrfs', 'subvolume', 'list', check]);
        expect(subvolumes).toMatch(/ path @\n/);
        expect(subvolumes).toMatch(/ path @home\n/);
      } finally {
        await run(['umount', check]);
      }
    }, 240_000);
  },
);

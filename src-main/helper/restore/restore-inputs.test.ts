/**
 * The restore inputs of real System state snapshots written by our engine: the configuration files picked out of
 * /etc and /boot (and only those), the layout exports with their disks, the software inventory, what a session
 * without manifest and exports gives, and the refusals (unknown or malformed snapshot ID, a Files snapshot). Then
 * includePathsFor: the paths per component, never the staging folder, and its two refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Id } from '../../engine/ids';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import { includePathsFor, type RestoreInputs, readRestoreInputs } from './restore-inputs';
import { createTestRepository, type TestRepository, testManifest } from './testing/restore-test-repository';

let work = '';
let repo: TestRepository;
let full: Id;
let bare: Id;
let filesOnly: Id;
let odd: Id;

const fstab = [
  '# <file system> <mount point> <type> <options> <dump> <pass>',
  'UUID=0a1b2c3d-1111-2222-3333-444455556666 /         ext4 errors=remount-ro 0 1',
  'UUID=B2C4-11F0                            /boot/efi vfat umask=0077        0 1',
  '',
].join('\n');
const sfdiskSda = JSON.stringify({
  partitiontable: {
    label: 'gpt',
    id: 'AB',
    device: '/dev/sda',
    unit: 'sectors',
    sectorsize: 512,
    partitions: [],
  },
});
const configFiles: Record<string, string> = {
  '/etc/fstab': fstab,
  '/etc/crypttab': 'cryptswap UUID=9f7e6d5c-0000-4000-8000-123456789abc /dev/urandom swap\n',
  '/etc/default/grub': 'GRUB_CMDLINE_LINUX="resume=UUID=0a1b2c3d-1111-2222-3333-444455556666"\n',
  '/etc/netplan/01-netcfg.yaml': 'network:\n  ethernets:\n    enp3s0:\n      dhcp4: true\n',
  '/etc/network/interfaces': 'auto enp3s0\niface enp3s0 inet dhcp\n',
  '/etc/udev/rules.d/70-persistent-net.rules':
    'SUBSYSTEM=="net", ATTR{address}=="52:54:00:12:34:56", NAME="eth0"\n',
  '/etc/systemd/network/10-wired.network': '[Match]\nName=enp3s0\n',
  '/etc/NetworkManager/system-connections/Wired.nmconnection': '[connection]\ninterface-name=enp3s0\n',
  '/boot/grub/grub.cfg': 'search --no-floppy --fs-uuid --set=root 0a1b2c3d-1111-2222-3333-444455556666\n',
  '/boot/efi/EFI/debian/grub.cfg': 'search.fs_uuid 0a1b2c3d-1111-2222-3333-444455556666 root\n',
  '/boot/efi/loader/entries/debian.conf': 'options root=UUID=0a1b2c3d-1111-2222-3333-444455556666\n',
};

beforeAll(async () => {
  work = await makeTempDir('restore-inputs');
  repo = await createTestRepository(work);
  full = (
    await repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-01T02:00:00Z'),
      files: {
        ...configFiles,
        // Not configuration the planners read.
        '/etc/hostname': 'alpha\n',
        '/etc/netplan/.01-netcfg.yaml.swp': 'editor leftover',
        '/etc/udev/rules.d/99-local.rules': 'KERNEL=="sd*", OPTIONS+="last_rule"\n',
        '/boot/vmlinuz-6.1.0-26-amd64': Buffer.alloc(4096, 1),
        // A configuration file as large as no configuration file is: skipped, with a note.
        '/etc/netplan/99-generated.yaml': `# ${'x'.repeat(1024 * 1024)}\n`,
        '/var/spool/cron/crontabs/root': '@daily true\n',
      },
      paths: ['/boot', '/etc', '/var/spool/cron'],
      staging: {
        'machine-manifest.json': JSON.stringify(
          testManifest({
            disks: [
              ...testManifest().disks,
              {
                name: 'nvme0n1',
                path: '/dev/nvme0n1',
                sizeBytes: 1e12,
                partitionStyle: 'gpt',
                model: null,
                removable: false,
              },
            ],
          }),
        ),
        'components.json': JSON.stringify({
          version: 1,
          components: [
            { id: 'linux.configuration', title: 'System configuration', paths: ['/etc', '/var/spool/cron'] },
            { id: 'linux.boot', title: 'Boot files', paths: ['/boot', '/etc/default/grub'] },
            { id: 'linux.disk-layout', title: 'Disk layout', paths: ['/etc/fstab', '/etc/crypttab'] },
            { id: 'linux.software-inventory', title: 'Software inventory', paths: [] },
            // A damaged or hostile record must not make the exports (or everything) part of a restore.
            { id: 'linux.staging-only', title: 'Staging', paths: ['/.backup-manager/system-state/', '/'] },
          ],
        }),
        'disk-layout/lsblk.json': '{"blockdevices":[{"name":"sda","type":"disk"}]}\n',
        'disk-layout/sfdisk-sda.json': sfdiskSda,
        // No device inside: the disk comes from the manifest, else from the file name.
        'disk-layout/sfdisk-nvme0n1.json': '{"partitiontable":{"label":"gpt"}}',
        'disk-layout/sfdisk-cciss_c0d0.json': 'not json',
        'disk-layout/lvm-fullreport.json': '{"report":[]}\n',
        'disk-layout/mdadm-detail-scan.txt': 'ARRAY /dev/md0 metadata=1.2 UUID=aa:bb:cc:dd\n',
        'boot/efibootmgr.txt': 'BootCurrent: 0001\n',
        'software/enabled-units.txt': 'cron.service enabled enabled\nssh.service enabled enabled\n',
        'software/dpkg-selections.txt': 'cron\t\t\t\t\tinstall\n',
      },
    })
  ).id;
  bare = (
    await repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-10-01T02:00:00Z'),
      files: { '/etc/fstab': fstab, '/etc/hostname': 'alpha\n' },
    })
  ).id;
  odd = (
    await repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-10-02T02:00:00Z'),
      files: { '/etc/fstab': fstab },
      staging: {
        'machine-manifest.json': '{"version":1}',
        'components.json': '[]',
        'software/rpm-packages.tsv': 'bash\t5.2-1.fc39\tx86_64\n',
        'disk-layout/diskpart-list-disk.txt': '  Disk ###  Status\n',
        'boot/bcdedit-enum-all.txt': 'Windows Boot Manager\n',
      },
    })
  ).id;
  filesOnly = (
    await repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-02T02:00:00Z'),
      files: { '/home/a/notes.txt': 'x' },
      tags: ['files'],
    })
  ).id;
}, 120_000);

afterAll(async () => {
  await repo?.repository.backend.close();
  await removeTempDir(work);
});

describe('readRestoreInputs', () => {
  let inputs: RestoreInputs;
  beforeAll(async () => {
    inputs = await readRestoreInputs(repo.repository, full);
  });

  it('reads the snapshot, its manifest and its recorded components', () => {
    expect(inputs.snapshot).toMatchObject({ id: full, hostname: 'alpha', tags: ['system-state'] });
    expect(inputs.manifest?.hostname).toBe('alpha');
    expect(inputs.manifest?.disks.map((d) => d.path)).toEqual(['/dev/sda', '/dev/nvme0n1']);
    expect(inputs.components.map((c) => c.id)).toEqual([
      'linux.configuration',
      'linux.boot',
      'linux.disk-layout',
      'linux.software-inventory',
      'linux.staging-only',
    ]);
  });

  it('picks exactly the configuration files the planners read, sorted, with their text', () => {
    expect(inputs.configFiles.map((f) => f.path)).toEqual(Object.keys(configFiles).sort());
    for (const file of inputs.configFiles) expect(file.text).toBe(configFiles[file.path]);
  });

  it('skips a configuration file over 1 MiB with a note', () => {
    expect(inputs.notes).toEqual([
      `/etc/netplan/99-generated.yaml was not read: ${2 + 1024 * 1024 + 1} bytes is more than a configuration file has (limit 1048576).`,
    ]);
  });

  it('reads the layout exports, naming each partition table by its disk', () => {
    expect(inputs.layout).toEqual({
      sfdisk: [
        { disk: '/dev/cciss/c0d0', json: 'not json' },
        { disk: '/dev/nvme0n1', json: '{"partitiontable":{"label":"gpt"}}' },
        { disk: '/dev/sda', json: sfdiskSda },
      ],
      lsblkJson: '{"blockdevices":[{"name":"sda","type":"disk"}]}\n',
      lvmReportJson: '{"report":[]}\n',
      mdadmScan: 'ARRAY /dev/md0 metadata=1.2 UUID=aa:bb:cc:dd\n',
      diskpartListDisk: null,
    });
  });

  it('reads the software inventory; what the session did not record is null', () => {
    expect(inputs.enabledUnits).toBe('cron.service enabled enabled\nssh.service enabled enabled\n');
    expect(inputs.dpkgSelections).toBe('cron\t\t\t\t\tinstall\n');
    expect(inputs.rpmPackages).toBeNull();
    expect(inputs.windows).toEqual({});
  });

  it('a session without staging: no manifest (said in a note), no exports, components derived from its paths', async () => {
    const old = await readRestoreInputs(repo.repository, bare);
    expect(old.manifest).toBeNull();
    expect(old.notes).toEqual([
      'The session has no machine manifest (/.backup-manager/system-state/machine-manifest.json): it was made by an older version.',
    ]);
    expect(old.components).toEqual([
      { id: 'linux.configuration', title: 'System configuration', paths: ['/etc'] },
      { id: 'linux.disk-layout', title: 'Disk layout', paths: ['/etc/fstab'] },
    ]);
    expect(old.configFiles).toEqual([{ path: '/etc/fstab', text: fstab }]);
    expect(old.layout).toEqual({
      sfdisk: [],
      lsblkJson: null,
      lvmReportJson: null,
      mdadmScan: null,
      diskpartListDisk: null,
    });
    expect([old.enabledUnits, old.dpkgSelections, old.rpmPackages]).toEqual([null, null, null]);
  });

  it('an invalid manifest and components record are notes; the other exports are still read', async () => {
    const inputs = await readRestoreInputs(repo.repository, odd);
    expect(inputs.manifest).toBeNull();
    expect(inputs.notes).toHaveLength(2);
    expect(inputs.notes[0]).toMatch(/^The session's machine manifest cannot be used \(not valid: /);
    expect(inputs.notes[1]).toMatch(
      /^The session's components record cannot be used \(not valid: .*derived from its paths\.$/s,
    );
    expect(inputs.rpmPackages).toBe('bash\t5.2-1.fc39\tx86_64\n');
    expect(inputs.layout.diskpartListDisk).toBe('  Disk ###  Status\n');
    expect(inputs.windows).toEqual({ bcdeditEnum: 'Windows Boot Manager\n' });
  });

  it('refuses a malformed ID, an unknown snapshot and a snapshot that is not System state, each with its code', async () => {
    await expect(readRestoreInputs(repo.repository, full.slice(0, 8))).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
    });
    await expect(readRestoreInputs(repo.repository, 'f'.repeat(64))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `no snapshot ${'f'.repeat(64)} in the repository`,
    });
    await expect(readRestoreInputs(repo.repository, filesOnly)).rejects.toMatchObject({
      code: 'NOT_SYSTEM_STATE',
    });
  });
});

describe('includePathsFor', () => {
  let inputs: RestoreInputs;
  beforeAll(async () => {
    inputs = await readRestoreInputs(repo.repository, full);
  });

  it('gives the outermost recorded paths of the chosen components, sorted', () => {
    expect(includePathsFor(inputs, ['linux.configuration', 'linux.disk-layout'])).toEqual([
      '/etc',
      '/var/spool/cron',
    ]);
    expect(includePathsFor(inputs, ['linux.boot', 'linux.disk-layout'])).toEqual([
      '/boot',
      '/etc/crypttab',
      '/etc/default/grub',
      '/etc/fstab',
    ]);
    expect(includePathsFor(inputs, ['linux.software-inventory', 'linux.boot'])).toEqual([
      '/boot',
      '/etc/default/grub',
    ]);
  });

  it('never restores the staging folder (nor the root that holds it)', () => {
    expect(() => includePathsFor(inputs, ['linux.staging-only'])).toThrow(
      expect.objectContaining({ code: 'NO_SELECTION' }),
    );
    expect(includePathsFor(inputs, ['linux.staging-only', 'linux.disk-layout'])).toEqual([
      '/etc/crypttab',
      '/etc/fstab',
    ]);
  });

  it('NO_SELECTION for no component or components without files; UNKNOWN_COMPONENT names the unknown id', () => {
    expect(() => includePathsFor(inputs, [])).toThrow(expect.objectContaining({ code: 'NO_SELECTION' }));
    expect(() => includePathsFor(inputs, ['linux.software-inventory'])).toThrow(
      expect.objectContaining({
        code: 'NO_SELECTION',
        message: expect.stringContaining('Software inventory has no files to restore'),
      }),
    );
    expect(() => includePathsFor(inputs, ['linux.configuration', 'windows.registry'])).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_COMPONENT',
        message: expect.stringMatching(/has no component windows\.registry \(it has: linux\.configuration, /),
      }),
    );
  });
});

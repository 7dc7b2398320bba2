/**
 * The compatibility report and the restore plan of real System state snapshots written by our engine (a Linux
 * machine with manifest, fstab, bootloader config, exports; the same without a manifest; a Windows machine),
 * planned against a replacement machine whose new filesystems are mounted at a target folder holding a small
 * installed system (dpkg status, one unit file). The planners' own verdicts are tested beside them
 * (system-state/restore/); here: that the session's inputs reach them, the wire mapping, and what depends on the
 * chosen components and the missing manifest.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Id } from '../../engine/ids';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import type { RestoreTarget } from '../../helper-protocol/restore-model';
import { RecordedCommandRunner } from '../../system-state/command-runner/recorded-command-runner';
import type { MachineManifest } from '../../system-state/manifest/machine-manifest';
import { type RestoreInputs, readRestoreInputs } from './restore-inputs';
import { buildCompatibilityReport, buildRestorePlan, type RestorePlanRequest } from './restore-planner';
import { createTestRepository, type TestRepository, testManifest } from './testing/restore-test-repository';

const oldRoot = '0a1b2c3d-1111-2222-3333-444455556666';
const oldBoot = '7e8f9a0b-5555-6666-7777-888899990000';
const oldSwap = 'c0ffee00-1234-4321-abcd-0123456789ab';
const esp = 'B2C4-11F0';
const newRoot = 'd4e5f6a7-aaaa-bbbb-cccc-ddddeeeeffff';
const newBoot = 'e5f6a7b8-9999-8888-7777-666655554444';

const fstab = [
  '# /etc/fstab: static file system information.',
  `UUID=${oldRoot} /         ext4 errors=remount-ro 0 1`,
  `UUID=${oldBoot} /boot     ext4 defaults          0 2`,
  `UUID=${esp}      /boot/efi vfat umask=0077        0 1`,
  `UUID=${oldSwap} none      swap sw                0 0`,
  '',
].join('\n');
const grubCfg = `search --no-floppy --fs-uuid --set=root ${oldBoot}\nlinux /vmlinuz root=UUID=${oldRoot} ro quiet\n`;
const sfdisk = JSON.stringify({
  partitiontable: {
    label: 'gpt',
    id: '5D3E7E0C-6B7A-4C3B-9D2E-0A1B2C3D4E5F',
    device: '/dev/sda',
    unit: 'sectors',
    firstlba: 2048,
    lastlba: 1000215182,
    sectorsize: 512,
    partitions: [
      { node: '/dev/sda1', start: 2048, size: 1048576, type: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B' },
      { node: '/dev/sda2', start: 1050624, size: 2097152, type: '0FC63DAF-8483-4772-8E79-3D69D8477DE4' },
      { node: '/dev/sda3', start: 3147776, size: 900000000, type: '0FC63DAF-8483-4772-8E79-3D69D8477DE4' },
    ],
  },
});

let work = '';
let target = '';
let repo: TestRepository;
let linux: Id;
let noManifest: Id;
let windows: Id;
let damagedLayout: Id;

/** The replacement machine: its new filesystems mounted at the target folder, the ESP moved over (same UUID). */
function hereManifest(): MachineManifest {
  return testManifest({
    hostname: 'gamma',
    disks: [
      {
        name: 'nvme0n1',
        path: '/dev/nvme0n1',
        sizeBytes: 1_000_204_886_016,
        partitionStyle: 'gpt',
        model: null,
        removable: false,
      },
    ],
    filesystems: [
      {
        device: '/dev/nvme0n1p1',
        mountpoints: [path.join(target, 'boot/efi')],
        type: 'vfat',
        uuid: esp,
        label: null,
      },
      {
        device: '/dev/nvme0n1p2',
        mountpoints: [path.join(target, 'boot')],
        type: 'ext4',
        uuid: newBoot,
        label: null,
      },
      { device: '/dev/nvme0n1p3', mountpoints: [target], type: 'ext4', uuid: newRoot, label: null },
    ],
    networkInterfaces: [{ name: 'enp3s0', mac: '52:54:00:12:34:56' }],
  });
}

function runner(): RecordedCommandRunner {
  // The target folder is on no block device of its own here: the boot repair has no disk to install to.
  return new RecordedCommandRunner([
    { argv: ['findmnt', '-n', '-o', 'SOURCE', '--target', target], answer: { exitCode: 1 }, repeat: true },
  ]);
}

function request(components: string[], extra: Partial<RestorePlanRequest> = {}): RestorePlanRequest {
  const restoreTarget: RestoreTarget = { kind: 'folder', path: target };
  return {
    components,
    target: restoreTarget,
    targetRoot: target,
    uuidOverrides: {},
    diskMap: { '/dev/sda': '/dev/nvme0n1' },
    sysvolMode: null,
    ...extra,
  };
}

beforeAll(async () => {
  work = await makeTempDir('restore-planner');
  repo = await createTestRepository(work);
  const files = {
    '/etc/fstab': fstab,
    '/etc/default/grub': 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n',
    '/etc/hostname': 'alpha\n',
    '/boot/grub/grub.cfg': grubCfg,
    '/boot/vmlinuz-6.1.0-26-amd64': Buffer.alloc(1024, 1),
  };
  const exportsOfAlpha = {
    'software/enabled-units.txt': 'cron.service enabled enabled\nssh.service enabled enabled\n',
    'software/dpkg-selections.txt':
      'bash\t\t\t\t\tinstall\ncron\t\t\t\t\tinstall\nopenssh-server\t\t\t\tinstall\n',
    'disk-layout/sfdisk-sda.json': sfdisk,
    'disk-layout/lsblk.json': '{"blockdevices":[]}\n',
  };
  linux = (
    await repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-01T02:00:00Z'),
      files,
      staging: {
        ...exportsOfAlpha,
        'machine-manifest.json': JSON.stringify(
          testManifest({
            filesystems: [
              { device: '/dev/sda1', mountpoints: ['/boot/efi'], type: 'vfat', uuid: esp, label: null },
              { device: '/dev/sda2', mountpoints: ['/boot'], type: 'ext4', uuid: oldBoot, label: null },
              { device: '/dev/sda3', mountpoints: ['/'], type: 'ext4', uuid: oldRoot, label: null },
              { device: '/dev/sda4', mountpoints: [], type: 'swap', uuid: oldSwap, label: null },
            ],
          }),
        ),
        'components.json': JSON.stringify({
          version: 1,
          components: [
            { id: 'linux.configuration', title: 'System configuration', paths: ['/etc'] },
            { id: 'linux.boot', title: 'Boot files', paths: ['/boot', '/etc/default/grub'] },
            { id: 'linux.disk-layout', title: 'Disk layout', paths: ['/etc/fstab'] },
            { id: 'linux.software-inventory', title: 'Software inventory', paths: [] },
          ],
        }),
      },
    })
  ).id;
  noManifest = (
    await repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-10-01T02:00:00Z'),
      files,
      staging: exportsOfAlpha,
    })
  ).id;
  damagedLayout = (
    await repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-09-01T02:00:00Z'),
      files,
      staging: { ...exportsOfAlpha, 'disk-layout/sfdisk-sda.json': '{"partitiontable": ' },
    })
  ).id;
  windows = (
    await repo.addSession({
      hostname: 'WINSRV01',
      time: new Date('2026-11-01T03:00:00Z'),
      files: { '/C/Windows/System32/config/SYSTEM': Buffer.alloc(8192, 2) },
      staging: {
        'machine-manifest.json': JSON.stringify(
          testManifest({
            hostname: 'WINSRV01',
            os: {
              family: 'windows',
              name: 'Microsoft Windows Server 2022 Standard',
              version: '10.0.20348',
              id: null,
              serverEdition: true,
            },
            kernel: '10.0.20348',
            filesystems: [
              { device: 'C:', mountpoints: ['C:\\'], type: 'NTFS', uuid: '5A3C9F21', label: null },
            ],
          }),
        ),
        'components.json': JSON.stringify({
          version: 1,
          components: [
            { id: 'windows.registry', title: 'Registry', paths: ['/C/Windows/System32/config/SYSTEM'] },
          ],
        }),
        'boot/bcdedit-enum-all.txt':
          'Windows Boot Manager\n--------------------\nidentifier              {bootmgr}\n',
      },
    })
  ).id;

  // The replacement machine's installed system in the target folder: bash installed, cron's unit enabled,
  // no ssh unit (its package is missing).
  target = path.join(work, 'target');
  await mkdir(path.join(target, 'usr/bin'), { recursive: true });
  await mkdir(path.join(target, 'var/lib/dpkg'), { recursive: true });
  await writeFile(
    path.join(target, 'var/lib/dpkg/status'),
    'Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\n\n',
  );
  await mkdir(path.join(target, 'lib/systemd/system'), { recursive: true });
  await writeFile(path.join(target, 'lib/systemd/system/cron.service'), '[Unit]\nDescription=cron\n');
  await mkdir(path.join(target, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  await symlink(
    '/lib/systemd/system/cron.service',
    path.join(target, 'etc/systemd/system/multi-user.target.wants/cron.service'),
  );
}, 120_000);

afterAll(async () => {
  await repo?.repository.backend.close();
  await removeTempDir(work);
});

describe('buildRestorePlan (Linux session)', () => {
  let inputs: RestoreInputs;
  beforeAll(async () => {
    inputs = await readRestoreInputs(repo.repository, linux);
  });

  it('plans everything for all components: remap, services, packages, boot repair, disk script', async () => {
    const components = ['linux.configuration', 'linux.boot', 'linux.disk-layout', 'linux.software-inventory'];
    const plan = await buildRestorePlan(inputs, request(components), {
      here: hereManifest(),
      runner: runner(),
    });
    expect(plan.snapshotId).toBe(linux);
    expect(plan.target).toEqual({ kind: 'folder', path: target });
    expect(plan.targetRoot).toBe(target);
    expect(plan.components.map((c) => c.id)).toEqual(components);
    // The ESP exists here (same UUID): not listed. / and /boot follow their mount points; swap has no match.
    const byFrom = Object.fromEntries(plan.uuidRemap.entries.map((e) => [e.from, e]));
    expect(Object.keys(byFrom).sort()).toEqual([oldRoot, oldBoot, oldSwap].sort());
    expect(byFrom[oldRoot]).toMatchObject({ to: newRoot, mountpoint: '/' });
    expect(byFrom[oldBoot]).toMatchObject({ to: newBoot, mountpoint: '/boot' });
    expect(byFrom[oldSwap]?.to).toBeNull();
    expect(plan.uuidRemap.unresolved).toBe(1);
    // Every reference, in the restored fstab and in the restored grub.cfg.
    expect(byFrom[oldRoot]?.references).toEqual(
      expect.arrayContaining([
        { file: '/etc/fstab', line: 2 },
        { file: '/boot/grub/grub.cfg', line: 2 },
      ]),
    );
    expect(plan.services).toEqual([
      { unit: 'cron.service', action: 'already-enabled', detail: expect.any(String) },
      { unit: 'ssh.service', action: 'unit-missing', detail: expect.any(String) },
    ]);
    expect(plan.missingPackages).toMatchObject({
      packageManager: 'dpkg',
      recorded: 3,
      missing: ['cron', 'openssh-server'],
      installCommand: expect.stringContaining(`chroot ${target} apt-get install -y cron openssh-server`),
    });
    expect(plan.bootRepair?.bindMounts).toEqual(expect.arrayContaining(['/dev', '/proc', '/sys']));
    expect(plan.bootRepair?.steps.length).toBeGreaterThan(0);
    // No tool in the target and no boot disk: nothing can run yet, and each step says why.
    for (const step of plan.bootRepair?.steps ?? []) {
      expect(step.available).toBe(false);
      expect(step.reason).not.toBe('');
    }
    expect(plan.diskLayoutScript?.diskMap).toEqual({ '/dev/sda': '/dev/nvme0n1' });
    expect(plan.diskLayoutScript?.script).toContain(
      'sfdisk --wipe always --wipe-partitions always /dev/nvme0n1',
    );
    expect(plan.diskLayoutScript?.script).toContain(`session ${linux.slice(0, 8)}`);
    expect(plan.windows).toBeNull();
    expect(plan.notes).toContain(
      `Services, missing packages and boot tools are looked up in ${target} as it is now; they are planned again after the files are restored.`,
    );
  });

  it('remaps only what the restore writes, and leaves software alone when its component is not chosen', async () => {
    const plan = await buildRestorePlan(inputs, request(['linux.disk-layout']), {
      here: hereManifest(),
      runner: runner(),
    });
    const references = plan.uuidRemap.entries.flatMap((e) => e.references.map((r) => r.file));
    expect(new Set(references)).toEqual(new Set(['/etc/fstab']));
    expect(plan.services).toEqual([]);
    expect(plan.missingPackages).toBeNull();
    expect(plan.notes).toContain(
      'Software inventory is not chosen: installed packages and enabled services are left as they are.',
    );
  });

  it("applies the user's UUID choice, and says so when the target holds no system yet", async () => {
    const empty = path.join(work, 'empty-target');
    await mkdir(empty, { recursive: true });
    const plan = await buildRestorePlan(
      inputs,
      request(['linux.disk-layout'], {
        targetRoot: empty,
        target: { kind: 'folder', path: empty },
        uuidOverrides: { [oldSwap]: newBoot },
      }),
      {
        here: hereManifest(),
        runner: new RecordedCommandRunner([
          { argv: ['findmnt', '-n', '-o', 'SOURCE', '--target', empty], answer: { exitCode: 1 } },
        ]),
      },
    );
    expect(plan.uuidRemap.entries.find((e) => e.from === oldSwap)).toMatchObject({ to: newBoot });
    expect(plan.notes).toContain(
      `${empty} holds no installed system yet (no /usr): services, missing packages and boot tools are looked up there, so they are planned again after the files are restored.`,
    );
  });

  it('a partition table export that cannot be read: no disk layout script, a note, the rest planned', async () => {
    const damaged = await readRestoreInputs(repo.repository, damagedLayout);
    const plan = await buildRestorePlan(damaged, request(['linux.configuration', 'linux.disk-layout']), {
      here: hereManifest(),
      runner: runner(),
    });
    expect(plan.diskLayoutScript).toBeNull();
    expect(plan.notes).toContainEqual(expect.stringMatching(/^No disk layout script: /));
    expect(plan.uuidRemap.entries.length).toBe(3);
  });

  it('refuses unknown components and an empty selection with their codes', async () => {
    const deps = { here: hereManifest(), runner: runner() };
    await expect(buildRestorePlan(inputs, request(['linux.nope']), deps)).rejects.toMatchObject({
      code: 'UNKNOWN_COMPONENT',
    });
    await expect(buildRestorePlan(inputs, request([]), deps)).rejects.toMatchObject({ code: 'NO_SELECTION' });
    await expect(buildRestorePlan(inputs, request(['linux.software-inventory']), deps)).rejects.toMatchObject(
      {
        code: 'NO_SELECTION',
      },
    );
  });
});

describe('buildRestorePlan (Windows session)', () => {
  it('plans the Windows steps; the Linux parts stay empty', async () => {
    const inputs = await readRestoreInputs(repo.repository, windows);
    const plan = await buildRestorePlan(inputs, request(['windows.registry']), {
      here: hereManifest(),
      runner: new RecordedCommandRunner([]),
    });
    expect(plan.windows).not.toBeNull();
    expect(plan.windows?.domainController).toBe(false);
    expect(plan.windows?.steps.length).toBeGreaterThan(0);
    expect(plan).toMatchObject({
      uuidRemap: { entries: [], unresolved: 0 },
      bootRepair: null,
      services: [],
      missingPackages: null,
      diskLayoutScript: null,
    });
  });
});

describe('buildCompatibilityReport', () => {
  it('compares the recorded manifest and configuration with this machine; overall is the worst item', async () => {
    const inputs = await readRestoreInputs(repo.repository, linux);
    const report = buildCompatibilityReport(inputs, hereManifest());
    expect(report).toMatchObject({ backedUpHostname: 'alpha', thisHostname: 'gamma', manifestFound: true });
    expect(report.items.map((i) => i.id)).toEqual(
      expect.arrayContaining(['os', 'arch', 'boot-mode', 'disks', 'filesystem-uuids', 'network-interfaces']),
    );
    const rank = { pass: 0, warn: 1, fail: 2 } as const;
    expect(rank[report.overall]).toBe(Math.max(...report.items.map((i) => rank[i.status])));
    expect(report.items.find((i) => i.id === 'os')?.status).toBe('pass');
    expect(report.items.find((i) => i.id === 'arch')?.status).toBe('pass');
    // / and /boot are new filesystems here: the restore remaps them.
    const uuids = report.items.find((i) => i.id === 'filesystem-uuids');
    expect(uuids?.status).toBe('warn');
    expect(uuids?.evidence.join('\n')).toContain(oldRoot);
  });

  it('without a manifest: still compares the configuration, and says what could not be compared', async () => {
    const inputs = await readRestoreInputs(repo.repository, noManifest);
    const report = buildCompatibilityReport(inputs, hereManifest());
    expect(report.manifestFound).toBe(false);
    expect(report.backedUpHostname).toBe('alpha');
    for (const id of ['os', 'arch', 'boot-mode']) {
      const item = report.items.find((i) => i.id === id);
      expect(item?.status).toBe('warn');
      expect(item?.evidence[0]).toBe(
        `session ${noManifest.slice(0, 8)}: no machine manifest (made by an older version)`,
      );
    }
    expect(report.items.find((i) => i.id === 'filesystem-uuids')?.evidence.join('\n')).toContain(oldRoot);
    expect(report.overall).not.toBe('pass');
  });

  it('a Windows session on this Linux machine fails on the operating system', async () => {
    const inputs = await readRestoreInputs(repo.repository, windows);
    const report = buildCompatibilityReport(inputs, hereManifest());
    expect(report.items.find((i) => i.id === 'os')?.status).toBe('fail');
    expect(report.overall).toBe('fail');
  });
});

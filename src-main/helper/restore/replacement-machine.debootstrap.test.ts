/**
 * The restore wizard's promise, with real tools (root): a dead machine's System state restored onto a *different*
 * machine. Two Debian 12 systems are built with debootstrap — the replacement A (minbase) and the old machine B
 * (minbase plus less and cron, so their packages differ) — and B is made into a configured server: its own hostname,
 * a user, an enabled service (unit file and its .wants link), an fstab and a grub.cfg naming the UUIDs of B's
 * filesystems. A's root is a loop-mounted ext4 with another one at A/boot: the disk of a replacement machine,
 * mounted where the restored system goes. B's System state is recorded the way a session records it
 * (testing/system-state-snapshot.ts), and a real helper process in test mode does the rest over the protocol:
 * open, machines (B is listed), sessions, compatibility, plan, start into A's mount — then A holds B's
 * configuration with the fstab and grub.cfg rewritten to the UUIDs of A's filesystems, the packages only B had
 * are listed with their install command, B's service is enabled in A, and every restored file matches the
 * repository.
 *
 * Skipped, with the reason printed, when not root or when debootstrap, losetup or mkfs.ext4 are missing. The two
 * debootstrap trees are cached as tarballs in os.tmpdir()/backup-manager-debootstrap-cache/ (suite, variant and
 * packages in the name), so only the first run downloads (~25 s each).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { arch, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import {
  RestoreCompatibilityRequest,
  RestoreMachinesRequest,
  RestoreOpenRequest,
  RestorePlanRequest,
  RestoreSessionsRequest,
  RestoreStartRequest,
  RestoreWaitRequest,
} from '../../helper-protocol/restore-protocol';
import { ExecCommandRunner } from '../../system-state/command-runner/exec-command-runner';
import { parseOsRelease } from '../../system-state/manifest/collect-linux-manifest';
import type { MachineManifest } from '../../system-state/manifest/machine-manifest';
import { createLoopFilesystem, type LoopFilesystem } from '../../system-state/testing/loop-filesystem';
import { type HelperChild, startHelperChild } from './testing/helper-process-rpc';
import { createTestRepository, testRepositoryPassword } from './testing/restore-test-repository';
import { recordSystemStateSession } from './testing/system-state-snapshot';

const suite = 'bookworm';
const mirror = 'http://deb.debian.org/debian';
const cacheDir = path.join(tmpdir(), 'backup-manager-debootstrap-cache');
const oldRootUuid = '6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b';
const oldBootUuid = '1a2b3c4d-5e6f-4a0b-9c8d-7e6f5a4b3c2d';

function missingTool(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'needs root on Linux';
  for (const tool of [
    '/usr/sbin/debootstrap',
    '/usr/sbin/losetup',
    '/usr/sbin/mkfs.ext4',
    '/usr/sbin/chroot',
  ])
    if (!existsSync(tool)) return `${path.basename(tool)} is not installed`;
  return null;
}
const skipReason = missingTool();
if (skipReason !== null) console.warn(`replacement-machine.debootstrap.test.ts skipped: ${skipReason}`);

const run = (file: string, args: readonly string[], timeout = 120_000) =>
  execFileSync(file, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });

/** A debootstrap root as a tarball, built once per suite/variant/packages and kept in the cache folder. */
async function rootTarball(include: readonly string[]): Promise<string> {
  const tarball = path.join(
    cacheDir,
    `${suite}-minbase-${include.length > 0 ? include.join('+') : 'none'}.tar`,
  );
  if (existsSync(tarball)) return tarball;
  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(path.join(cacheDir, 'build-'));
  try {
    const root = path.join(work, 'root');
    run(
      '/usr/sbin/debootstrap',
      [
        '--variant=minbase',
        ...(include.length > 0 ? [`--include=${include.join(',')}`] : []),
        suite,
        root,
        mirror,
      ],
      600_000,
    );
    run('tar', ['--numeric-owner', '--xattrs', '-C', root, '-cpf', `${tarball}.partial`, '.'], 300_000);
    await rename(`${tarball}.partial`, tarball);
    return tarball;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const extract = (tarball: string, into: string) =>
  run('tar', ['--numeric-owner', '--xattrs', '-C', into, '-xpf', tarball], 300_000);

/** The old machine's manifest: its OS (from B's os-release) and the disks and filesystems it had. */
async function oldMachineManifest(root: string): Promise<MachineManifest> {
  const release = parseOsRelease(await readFile(path.join(root, 'etc/os-release'), 'utf8'));
  return {
    version: 1,
    collectedAt: '2026-11-20T02:00:00.000Z',
    hostname: 'old-server',
    os: {
      family: 'linux',
      name: release.PRETTY_NAME ?? 'Debian',
      version: release.VERSION_ID ?? '',
      id: release.ID ?? null,
      serverEdition: null,
    },
    kernel: '6.1.0-26-amd64',
    arch: arch(),
    bootMode: 'bios',
    disks: [
      {
        name: 'sda',
        path: '/dev/sda',
        sizeBytes: 34_359_738_368,
        partitionStyle: 'mbr',
        model: 'QEMU HARDDISK',
        removable: false,
      },
    ],
    filesystems: [
      { device: '/dev/sda1', mountpoints: ['/boot'], type: 'ext4', uuid: oldBootUuid, label: null },
      { device: '/dev/sda2', mountpoints: ['/'], type: 'ext4', uuid: oldRootUuid, label: null },
    ],
    networkInterfaces: [{ name: 'ens3', mac: '52:54:00:ab:cd:ef' }],
    cpu: { model: 'QEMU Virtual CPU', logicalCores: 2 },
    notes: [],
  };
}

/** B becomes a configured server: hostname, a user, an enabled service, fstab and grub.cfg with B's UUIDs. */
async function configureOldMachine(root: string): Promise<void> {
  await writeFile(path.join(root, 'etc/hostname'), 'old-server\n');
  await writeFile(path.join(root, 'etc/hosts'), '127.0.0.1 localhost\n127.0.1.1 old-server\n');
  run('/usr/sbin/chroot', [root, 'useradd', '--create-home', '--shell', '/bin/bash', 'alice']);
  const unit = path.join(root, 'etc/systemd/system/backup-agent.service');
  await writeFile(
    unit,
    '[Unit]\nDescription=Backup agent\n\n[Service]\nExecStart=/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\n',
  );
  await mkdir(path.join(root, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  await symlink(
    '/etc/systemd/system/backup-agent.service',
    path.join(root, 'etc/systemd/system/multi-user.target.wants/backup-agent.service'),
  );
  await writeFile(
    path.join(root, 'etc/fstab'),
    `# /etc/fstab: static file system information.\n` +
      `UUID=${oldRootUuid} /     ext4 errors=remount-ro 0 1\n` +
      `UUID=${oldBootUuid} /boot ext4 defaults          0 2\n`,
  );
  await mkdir(path.join(root, 'boot/grub'), { recursive: true });
  await writeFile(
    path.join(root, 'boot/grub/grub.cfg'),
    `search --no-floppy --fs-uuid --set=root ${oldBootUuid}\n` +
      `menuentry 'Debian GNU/Linux' {\n\tlinux /vmlinuz-6.1.0-26-amd64 root=UUID=${oldRootUuid} ro quiet\n}\n`,
  );
  await chmod(path.join(root, 'boot/grub/grub.cfg'), 0o444);
}

const installedIn = (root: string): Set<string> =>
  new Set(
    run('dpkg-query', [
      `--admindir=${path.join(root, 'var/lib/dpkg')}`,
      '-W',
      '-f',
      // dpkg-query's own ${field} syntax, not a JavaScript template.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query format string
      '${Package}\\t${db:Status-Status}\\n',
    ])
      .split('\n')
      .filter((line) => line.endsWith('\tinstalled'))
      .map((line) => line.split('\t')[0] ?? ''),
  );

describe.skipIf(skipReason !== null)(
  'a System state restored onto a replacement machine (debootstrap, loop disks)',
  () => {
    let dir: string;
    let rootFs: LoopFilesystem | null = null;
    let bootMounted = false;
    let helper: HelperChild | null = null;
    let client: MessageConnection | null = null;
    let target: string;
    let oldRoot: string;
    let newUuids: { root: string; boot: string };

    beforeAll(async () => {
      const [tarballA, tarballB] = [await rootTarball([]), await rootTarball(['less', 'cron'])];
      dir = await mkdtemp(path.join(tmpdir(), 'bm-replacement-'));
      oldRoot = path.join(dir, 'old-machine');
      await mkdir(oldRoot);
      extract(tarballB, oldRoot);
      await configureOldMachine(oldRoot);

      // The replacement: a new disk with a root and a /boot filesystem, mounted at the target.
      rootFs = await createLoopFilesystem('ext4', 900);
      target = rootFs.mountPoint;
      const bootImage = path.join(dir, 'boot.img');
      run('truncate', ['-s', '96M', bootImage]);
      run('/usr/sbin/mkfs.ext4', ['-q', '-F', '-m', '0', bootImage]);
      await mkdir(path.join(target, 'boot'));
      run('mount', ['-o', 'loop', bootImage, path.join(target, 'boot')]);
      bootMounted = true;
      extract(tarballA, target);
      newUuids = {
        root: run('findmnt', ['-n', '-o', 'UUID', '--mountpoint', target]).trim(),
        boot: run('findmnt', ['-n', '-o', 'UUID', '--mountpoint', path.join(target, 'boot')]).trim(),
      };

      const repo = await createTestRepository(dir);
      await recordSystemStateSession(
        repo.repository,
        { root: oldRoot, manifest: await oldMachineManifest(oldRoot) },
        { stagingDir: path.join(dir, 'staging'), runner: new ExecCommandRunner() },
      );
      await repo.repository.backend.close();
      helper = await startHelperChild({
        socketPath: path.join(dir, 'run', 'helper.sock'),
        stateDir: path.join(dir, 'state'),
        extraArgs: ['--workers', '2'],
      });
      client = await helper.connect();
    }, 900_000);

    afterAll(async () => {
      await helper?.stop();
      if (bootMounted && rootFs !== null) run('umount', [path.join(rootFs.mountPoint, 'boot')]);
      await rootFs?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    }, 120_000);

    it('restores B onto A over the protocol: configuration, remapped UUIDs, missing packages, services, verified', async () => {
      if (client === null) throw new Error('no helper');
      const c = client;
      const opened = await c.sendRequest(RestoreOpenRequest.type, {
        repository: path.join(dir, 'repo'),
        password: testRepositoryPassword,
      });
      const { machines } = await c.sendRequest(RestoreMachinesRequest.type, { handle: opened.handle });
      expect(machines).toEqual([
        expect.objectContaining({
          hostname: 'old-server',
          isThisMachine: false,
          sessions: 1,
          os: expect.objectContaining({ family: 'linux', name: expect.stringContaining('Debian') }),
          bootMode: 'bios',
        }),
      ]);
      const { sessions } = await c.sendRequest(RestoreSessionsRequest.type, {
        handle: opened.handle,
        hostname: 'old-server',
      });
      expect(sessions).toHaveLength(1);
      const session = sessions[0];
      if (session === undefined) throw new Error('no session');
      const componentIds = session.components.map((component) => component.id);
      expect(componentIds).toEqual(
        expect.arrayContaining([
          'linux.configuration',
          'linux.boot',
          'linux.disk-layout',
          'linux.software-inventory',
        ]),
      );

      const report = await c.sendRequest(RestoreCompatibilityRequest.type, {
        handle: opened.handle,
        snapshotId: session.snapshotId,
      });
      expect(report).toMatchObject({ backedUpHostname: 'old-server', manifestFound: true });
      expect(report.items.map((item) => item.id)).toContain('filesystem-uuids');

      const choices = {
        handle: opened.handle,
        snapshotId: session.snapshotId,
        components: componentIds,
        target: { kind: 'folder' as const, path: target },
      };
      const plan = await c.sendRequest(RestorePlanRequest.type, choices);
      expect(plan.uuidRemap.entries.map((e) => [e.from, e.to]).sort()).toEqual(
        [
          [oldBootUuid, newUuids.boot],
          [oldRootUuid, newUuids.root],
        ].sort(),
      );

      const { job: started } = await c.sendRequest(RestoreStartRequest.type, choices);
      const { job } = await c.sendRequest(RestoreWaitRequest.type, { jobId: started.id });
      expect(job.error).toBeNull();
      expect(job.failures).toEqual([]);
      expect(job.verification?.mismatches).toEqual([]);
      expect(job.verification?.filesChecked).toBeGreaterThan(100);

      // B's configuration in A; the staging exports are not part of the system.
      expect(await readFile(path.join(target, 'etc/hostname'), 'utf8')).toBe('old-server\n');
      expect(await readFile(path.join(target, 'etc/passwd'), 'utf8')).toMatch(
        /^alice:x:\d+:\d+::\/home\/alice:\/bin\/bash$/m,
      );
      expect(await readFile(path.join(target, 'etc/shadow'), 'utf8')).toMatch(/^alice:/m);
      expect((await lstat(path.join(target, 'etc/shadow'))).mode & 0o777).toBe(0o640);
      await expect(lstat(path.join(target, '.backup-manager'))).rejects.toMatchObject({ code: 'ENOENT' });

      // fstab and grub.cfg name A's filesystems now, and keep their mode.
      const fstab = await readFile(path.join(target, 'etc/fstab'), 'utf8');
      expect(fstab).toContain(`UUID=${newUuids.root} /     ext4 errors=remount-ro 0 1`);
      expect(fstab).toContain(`UUID=${newUuids.boot} /boot ext4 defaults          0 2`);
      expect(fstab).not.toContain(oldRootUuid);
      const grub = await readFile(path.join(target, 'boot/grub/grub.cfg'), 'utf8');
      expect(grub).toContain(`--set=root ${newUuids.boot}`);
      expect(grub).toContain(`root=UUID=${newUuids.root} ro`);
      expect((await lstat(path.join(target, 'boot/grub/grub.cfg'))).mode & 0o777).toBe(0o444);
      expect(job.checklist.find((item) => item.id === 'uuid-remap')).toMatchObject({
        status: 'done',
        detail: expect.stringContaining('/etc/fstab (2)'),
      });

      // The packages only B had: missing in A, with the command that installs them there.
      const packages = job.checklist.find((item) => item.id === 'packages');
      expect(packages?.status).toBe('todo');
      expect(packages?.detail).toContain(`chroot ${target} apt-get install`);
      const installedInA = installedIn(target);
      const installedInB = installedIn(oldRoot);
      const missing = (packages?.detail.match(/not installed in the target: ([^.]+)\./)?.[1] ?? '').split(
        ' ',
      );
      expect(missing).toEqual(expect.arrayContaining(['cron', 'less']));
      for (const name of missing) {
        expect(installedInB.has(name.replace(/:.*$/, ''))).toBe(true);
        expect(installedInA.has(name.replace(/:.*$/, ''))).toBe(false);
      }

      // B's service is enabled in A (its unit and .wants link came with /etc); cron's unit is not installed in A.
      expect(
        await readlink(path.join(target, 'etc/systemd/system/multi-user.target.wants/backup-agent.service')),
      ).toBe('/etc/systemd/system/backup-agent.service');
      const services = job.checklist.find((item) => item.id === 'services');
      expect(services?.detail).toMatch(
        /Already enabled by the restored configuration: [^.]*backup-agent\.service/,
      );
      expect(services?.detail).toMatch(/Not installed here[^.]*cron\.service/);
    }, 240_000);
  },
);

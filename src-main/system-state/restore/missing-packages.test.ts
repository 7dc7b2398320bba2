import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecCommandRunner } from '../command-runner/exec-command-runner';
import { RecordedCommandRunner, readFixture } from '../command-runner/recorded-command-runner';
import { parseDpkgSelections, parseDpkgStatus, recordedNativeArchitecture } from './dpkg-database';
import { findMissingPackages, parseRpmPackages, rpmQueryArgv } from './missing-packages';

const fixtures = new URL('./fixtures/linux/', import.meta.url);
const selections = readFixture(fixtures, 'dpkg-get-selections.debian12-vm.txt');
const statusExcerpt = readFixture(fixtures, 'dpkg-status.excerpt-15-packages-debian12-vm.txt');
const noCommands = new RecordedCommandRunner([]);

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'bm-target-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(relative: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), text);
}

/** A dpkg status stanza as dpkg writes it (fields in dpkg's order, the ones the planner reads). */
function stanza(name: string, status: string, arch: string, multiArch?: string): string {
  return [
    `Package: ${name}`,
    `Status: ${status}`,
    'Priority: optional',
    `Architecture: ${arch}`,
    ...(multiArch ? [`Multi-Arch: ${multiArch}`] : []),
    'Version: 1.0-1',
    'Description: test stanza',
    ' continuation line of the description',
  ].join('\n');
}

describe('dpkg: recorded selections against the target status file (recorded on Debian 12)', () => {
  it('lists every selected package the target lacks, sorted, with the chroot install command', async () => {
    await put('var/lib/dpkg/status', statusExcerpt);
    const result = await findMissingPackages({
      recordedDpkgSelections: selections,
      recordedRpmPackages: null,
      targetRoot: root,
      runner: noCommands,
    });
    expect(result.packageManager).toBe('dpkg');
    expect(result.recorded).toBe(878);
    // The 15 packages of the status excerpt are installed; the other 863 selections are missing.
    expect(result.missing).toHaveLength(863);
    for (const installed of ['adduser', 'libc6', 'binutils-common', 'gcc-12-base', 'postgresql-15', 'dpkg'])
      expect(result.missing).not.toContain(installed);
    // Qualified native packages (Multi-Arch: same, printed as name:amd64) are installed by their plain name.
    expect(result.missing).toContain('freeglut3-dev');
    expect(result.missing).not.toContain('freeglut3-dev:amd64');
    expect(result.missing).toContain('adwaita-icon-theme');
    expect(result.missing).toEqual([...result.missing].sort());
    expect(result.installCommand?.startsWith(`chroot ${root} apt-get install -y `)).toBe(true);
    expect(result.installCommand).toContain(' adwaita-icon-theme ');
    expect(result.notes.join('\n')).toMatch(/chroot .*resolv\.conf/);
  });

  it('reads Status, Architecture and Multi-Arch as dpkg means them (hold, config-files, foreign arch, unpacked)', async () => {
    await put(
      'var/lib/dpkg/status',
      [
        stanza('dpkg', 'install ok installed', 'amd64', 'foreign'),
        stanza('libc6', 'install ok installed', 'amd64', 'same'),
        stanza('openssh-server', 'hold ok installed', 'amd64', 'foreign'),
        stanza('nginx', 'deinstall ok config-files', 'amd64'),
        stanza('vim', 'install ok unpacked', 'amd64'),
        stanza('tzdata', 'install ok installed', 'all', 'foreign'),
        stanza('libc6', 'install ok installed', 'i386', 'same'),
        stanza('man-db', 'install ok triggers-pending', 'amd64', 'foreign'),
      ].join('\n\n'),
    );
    const recorded = [
      'dpkg\t\t\t\t\t\tinstall',
      'libc6:amd64\t\t\t\t\tinstall',
      'libc6:i386\t\t\t\t\tinstall',
      'libstdc++6:i386\t\t\t\t\tinstall',
      'openssh-server\t\t\t\t\tinstall',
      'nginx\t\t\t\t\t\tinstall',
      'vim\t\t\t\t\t\thold',
      'tzdata\t\t\t\t\t\tinstall',
      'man-db\t\t\t\t\t\tinstall',
      'telnet\t\t\t\t\t\tdeinstall',
      'ftp\t\t\t\t\t\tpurge',
    ].join('\n');
    const result = await findMissingPackages({
      recordedDpkgSelections: recorded,
      recordedRpmPackages: null,
      targetRoot: root,
      runner: noCommands,
    });
    // deinstall/purge selections are not wanted; config-files and unpacked are not installed; hold and
    // triggers-pending are; the foreign i386 library is named with its architecture.
    expect(result.recorded).toBe(9);
    expect(result.missing).toEqual(['libstdc++6:i386', 'nginx', 'vim']);
    expect(result.installCommand).toBe(`chroot ${root} apt-get install -y libstdc++6:i386 nginx vim`);
    expect(result.notes.join('\n')).toMatch(
      /another architecture are missing \(i386\).*dpkg --add-architecture/,
    );
    expect(result.notes.join('\n')).toMatch(/1 of them were on hold.*apt-mark hold vim/);
  });

  it('compares native packages across architectures (amd64 backup, arm64 replacement)', async () => {
    await put(
      'var/lib/dpkg/status',
      [
        stanza('dpkg', 'install ok installed', 'arm64', 'foreign'),
        stanza('libc6', 'install ok installed', 'arm64', 'same'),
        stanza('libssl3', 'install ok installed', 'arm64', 'same'),
      ].join('\n\n'),
    );
    const result = await findMissingPackages({
      recordedDpkgSelections:
        'dpkg\tinstall\nlibc6:amd64\tinstall\nlibssl3:amd64\tinstall\nlibzstd1:amd64\tinstall\n',
      recordedRpmPackages: null,
      targetRoot: root,
      runner: noCommands,
    });
    expect(result.missing).toEqual(['libzstd1']);
    expect(result.notes[0]).toMatch(/was amd64, the target is arm64/);
  });

  it('says why nothing was compared when the target has no package database, or another family', async () => {
    const none = await findMissingPackages({
      recordedDpkgSelections: selections,
      recordedRpmPackages: null,
      targetRoot: root,
      runner: noCommands,
    });
    expect(none).toMatchObject({ packageManager: 'dpkg', recorded: 878, missing: [], installCommand: null });
    expect(none.notes[0]).toMatch(/has no package database/);

    await mkdir(path.join(root, 'usr/lib/sysimage/rpm'), { recursive: true });
    const rpmTarget = await findMissingPackages({
      recordedDpkgSelections: selections,
      recordedRpmPackages: null,
      targetRoot: root,
      runner: noCommands,
    });
    expect(rpmTarget.missing).toEqual([]);
    expect(rpmTarget.notes[0]).toMatch(/used dpkg, the target uses rpm/);
  });

  it('never follows a link in the target out of it (absolute or ../ links stay inside the target)', async () => {
    await mkdir(path.join(root, 'var/lib/dpkg'), { recursive: true });
    // On this machine both point at real files; inside the target they lead nowhere.
    await symlink('/var/lib/dpkg/status', path.join(root, 'var/lib/dpkg/status'));
    const absolute = await findMissingPackages({
      recordedDpkgSelections: selections,
      recordedRpmPackages: null,
      targetRoot: root,
      runner: noCommands,
    });
    expect(absolute.notes[0]).toMatch(/has no package database/);
    await rm(path.join(root, 'var/lib/dpkg/status'));
    await symlink('../../../../../../../../etc/passwd', path.join(root, 'var/lib/dpkg/status'));
    const relative = await findMissingPackages({
      recordedDpkgSelections: selections,
      recordedRpmPackages: null,
      targetRoot: root,
      runner: noCommands,
    });
    expect(relative.notes[0]).toMatch(/has no package database/);
    // A link that stays inside the target is followed.
    await put('srv/dpkg-status', statusExcerpt);
    await rm(path.join(root, 'var/lib/dpkg/status'));
    await symlink('/srv/dpkg-status', path.join(root, 'var/lib/dpkg/status'));
    const inside = await findMissingPackages({
      recordedDpkgSelections: selections,
      recordedRpmPackages: null,
      targetRoot: root,
      runner: noCommands,
    });
    expect(inside.missing).toHaveLength(863);
  });

  it.runIf(existsSync('/var/lib/dpkg/status'))(
    'against this running system (target /): no chroot in the command',
    async () => {
      const result = await findMissingPackages({
        recordedDpkgSelections: 'bm-test-package-that-does-not-exist\tinstall\n',
        recordedRpmPackages: null,
        targetRoot: '/',
        runner: noCommands,
      });
      expect(result.missing).toEqual(['bm-test-package-that-does-not-exist']);
      expect(result.installCommand).toBe('apt-get install -y bm-test-package-that-does-not-exist');
    },
  );

  it('refuses bad input with a code', async () => {
    await expect(
      findMissingPackages({
        recordedDpkgSelections: 'adduser install\nthis is not a selection\n',
        recordedRpmPackages: null,
        targetRoot: root,
        runner: noCommands,
      }),
    ).rejects.toMatchObject({ code: 'UNEXPECTED_OUTPUT', message: expect.stringMatching(/line 2/) });
    await expect(
      findMissingPackages({
        recordedDpkgSelections: selections,
        recordedRpmPackages: null,
        targetRoot: 'relative/target',
        runner: noCommands,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('parses the recorded files on their own (selections, status, native architecture)', () => {
    const parsed = parseDpkgSelections(selections);
    expect(parsed).toHaveLength(878);
    expect(recordedNativeArchitecture(parsed)).toBe('amd64');
    const installed = parseDpkgStatus(statusExcerpt);
    expect(installed.map((p) => p.name)).toHaveLength(15);
    expect(installed.find((p) => p.name === 'libc6')).toEqual({
      name: 'libc6',
      architecture: 'amd64',
      multiArch: 'same',
    });
  });
});

// rpm -qa output in the export's format; package names and versions of a Fedora 39 system (constructed: no rpm
// machine to record on here). gpg-pubkey entries are how rpm lists imported signing keys; kernels repeat.
const recordedRpm = [
  'gpg-pubkey\t18b8e74c-62f2920f\t(none)',
  'bash\t5.2.26-1.fc39\tx86_64',
  'kernel-core\t6.8.9-100.fc39\tx86_64',
  'kernel-core\t6.8.11-200.fc39\tx86_64',
  'glibc\t2.38-18.fc39\tx86_64',
  'glibc\t2.38-18.fc39\ti686',
  'httpd\t2.4.59-2.fc39\tx86_64',
  'postgresql-server\t15.7-1.fc39\tx86_64',
  '',
].join('\n');

describe('rpm: recorded packages against the target database (through rpm --root)', () => {
  const answer = (stdout: string) =>
    new RecordedCommandRunner([{ argv: rpmQueryArgv(root), answer: { exitCode: 0, stdout } }]);

  it("asks this machine's rpm about the target and installs what is missing with the target's dnf", async () => {
    await mkdir(path.join(root, 'var/lib/rpm'), { recursive: true });
    await put('usr/bin/dnf', '#!/usr/bin/python3\n');
    await chmod(path.join(root, 'usr/bin/dnf'), 0o755);
    const runner = answer('bash\nglibc\nkernel-core\ngpg-pubkey\n');
    const result = await findMissingPackages({
      recordedDpkgSelections: null,
      recordedRpmPackages: recordedRpm,
      targetRoot: root,
      runner,
    });
    expect(runner.unused()).toEqual([]);
    expect(result).toMatchObject({
      packageManager: 'rpm',
      recorded: 5,
      missing: ['httpd', 'postgresql-server'],
      installCommand: `chroot ${root} dnf install -y httpd postgresql-server`,
    });
    expect(result.notes.join('\n')).toMatch(/multilib/);
  });

  it('uses zypper on openSUSE, and says so when the target has no front-end at all', async () => {
    await mkdir(path.join(root, 'usr/lib/sysimage/rpm'), { recursive: true });
    await put('usr/bin/zypper', '#!/bin/sh\n');
    await chmod(path.join(root, 'usr/bin/zypper'), 0o755);
    const zypper = await findMissingPackages({
      recordedDpkgSelections: null,
      recordedRpmPackages: recordedRpm,
      targetRoot: root,
      runner: answer('bash\n'),
    });
    expect(zypper.installCommand).toMatch(/chroot .* zypper --non-interactive install glibc httpd/);
    await rm(path.join(root, 'usr/bin/zypper'));
    const bare = await findMissingPackages({
      recordedDpkgSelections: null,
      recordedRpmPackages: recordedRpm,
      targetRoot: root,
      runner: answer('bash\n'),
    });
    expect(bare.notes.join('\n')).toMatch(/none of dnf, yum or zypper/);
  });

  it('turns a missing rpm tool or a failing query into a note, not a crash', async () => {
    await mkdir(path.join(root, 'var/lib/rpm'), { recursive: true });
    // Real: this machine (Debian) has no rpm installed, unless someone installed it.
    const real = await findMissingPackages({
      recordedDpkgSelections: null,
      recordedRpmPackages: recordedRpm,
      targetRoot: root,
      runner: new ExecCommandRunner(),
    });
    if (!existsSync('/usr/bin/rpm')) {
      expect(real.missing).toEqual([]);
      expect(real.notes[0]).toMatch(/rpm is not installed on this machine/);
    }
    const failed = await findMissingPackages({
      recordedDpkgSelections: null,
      recordedRpmPackages: recordedRpm,
      targetRoot: root,
      runner: new RecordedCommandRunner([
        {
          argv: rpmQueryArgv(root),
          answer: { exitCode: 1, stderr: 'error: cannot open Packages database in /var/lib/rpm\n' },
        },
      ]),
    });
    expect(failed.missing).toEqual([]);
    expect(failed.notes[0]).toMatch(/could not be read .*exit 1: error: cannot open Packages database/);
  });

  it('reads the recorded list (gpg-pubkey left out, repeated kernels once) and refuses a malformed line', () => {
    expect(parseRpmPackages(recordedRpm)).toEqual([
      'bash',
      'kernel-core',
      'glibc',
      'httpd',
      'postgresql-server',
    ]);
    expect(() => parseRpmPackages('bash 5.2 x86_64\n')).toThrow(/line 1 is not/);
  });

  it('says when the session recorded no package list at all', async () => {
    const result = await findMissingPackages({
      recordedDpkgSelections: null,
      recordedRpmPackages: null,
      targetRoot: root,
      runner: noCommands,
    });
    expect(result).toMatchObject({ packageManager: null, recorded: 0, missing: [], installCommand: null });
    expect(result.notes[0]).toMatch(/recorded no package list/);
  });
});

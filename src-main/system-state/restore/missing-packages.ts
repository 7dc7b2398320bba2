/**
 * Which packages the backed-up machine had that the target system lacks: the restored /etc configures services
 * whose programs are not installed until they are. dpkg is compared by reading the target's status file; rpm by
 * asking this machine's rpm to read the target's database (`rpm --root`), since rpm's database is not a text file.
 * When nothing can be compared (no database in the target, another distribution family, no rpm here) the list
 * stays empty and a note says why — an empty list never pretends that nothing is missing.
 */
import { readFile } from 'node:fs/promises';
import type { Argv, CommandRunner } from '../command-runner/command-runner';
import { describeResult, formatArgv, succeeded } from '../command-runner/command-runner';
import { fromNodeError, SystemStateError } from '../errors';
import {
  type DpkgSelection,
  nativeArchitectureOf,
  parseDpkgSelections,
  parseDpkgStatus,
  recordedNativeArchitecture,
} from './dpkg-database';
import type { MissingPackages } from './restore-analysis-model';
import { assertTargetRoot, resolveInTarget } from './target-path';

export const rpmQueryTimeoutMs = 120_000;

export function rpmQueryArgv(targetRoot: string): Argv {
  return ['rpm', '--root', targetRoot, '--query', '--all', '--queryformat', '%{NAME}\n'];
}

export async function findMissingPackages(input: {
  recordedDpkgSelections: string | null;
  recordedRpmPackages: string | null;
  targetRoot: string;
  runner: CommandRunner;
}): Promise<MissingPackages> {
  const root = assertTargetRoot(input.targetRoot);
  const targetDatabase = await packageDatabaseIn(root);
  const useDpkg =
    input.recordedDpkgSelections !== null && (input.recordedRpmPackages === null || targetDatabase !== 'rpm');
  if (useDpkg && input.recordedDpkgSelections !== null)
    return compareDpkg(input.recordedDpkgSelections, root, targetDatabase);
  if (input.recordedRpmPackages !== null)
    return compareRpm(input.recordedRpmPackages, root, targetDatabase, input.runner);
  return {
    packageManager: null,
    recorded: 0,
    missing: [],
    installCommand: null,
    notes: [
      'The session recorded no package list (neither dpkg selections nor rpm packages), so installed software cannot be compared.',
    ],
  };
}

/** The package database the target holds (dpkg first, as the export plan decides on the backed-up machine). */
export async function packageDatabaseIn(root: string): Promise<'dpkg' | 'rpm' | null> {
  if ((await resolveInTarget(root, 'var/lib/dpkg/status'))?.kind === 'file') return 'dpkg';
  // Fedora 36+ and openSUSE keep it in /usr/lib/sysimage/rpm (with /var/lib/rpm a link or absent).
  for (const dir of ['var/lib/rpm', 'usr/lib/sysimage/rpm'])
    if ((await resolveInTarget(root, dir))?.kind === 'directory') return 'rpm';
  return null;
}

async function compareDpkg(
  selectionsText: string,
  root: string,
  targetDatabase: 'dpkg' | 'rpm' | null,
): Promise<MissingPackages> {
  const selections = parseDpkgSelections(selectionsText);
  const result: MissingPackages = {
    packageManager: 'dpkg',
    recorded: selections.length,
    missing: [],
    installCommand: null,
    notes: [],
  };
  if (targetDatabase !== 'dpkg') {
    result.notes.push(notComparedNote('dpkg', root, targetDatabase));
    return result;
  }
  const status = await readTargetFile(root, 'var/lib/dpkg/status');
  const installed = parseDpkgStatus(status);
  const installedKeys = new Set(installed.map((p) => `${p.name}:${p.architecture}`));
  const targetNative = nativeArchitectureOf(installed);
  const recordedNative = recordedNativeArchitecture(selections, targetNative);
  if (targetNative !== null && recordedNative !== null && targetNative !== recordedNative)
    result.notes.push(
      `The backed-up system was ${recordedNative}, the target is ${targetNative}: its native packages are compared (and installed) as ${targetNative} packages.`,
    );

  const missing = new Set<string>();
  const held: string[] = [];
  const foreign = new Set<string>();
  for (const selection of selections) {
    const wanted = wantedArchitecture(selection, recordedNative, targetNative);
    const present =
      wanted === null
        ? installed.some(
            (p) =>
              p.name === selection.name &&
              (targetNative === null || p.architecture === targetNative || p.architecture === 'all'),
          )
        : installedKeys.has(`${selection.name}:${wanted}`) || installedKeys.has(`${selection.name}:all`);
    if (present) continue;
    const isForeign = wanted !== null && wanted !== targetNative;
    const name = isForeign ? `${selection.name}:${wanted}` : selection.name;
    missing.add(name);
    if (isForeign && wanted !== null) foreign.add(wanted);
    if (selection.state === 'hold') held.push(name);
  }
  result.missing = [...missing].sort();
  if (result.missing.length === 0) return result;

  result.installCommand = formatArgv(chrooted(root, ['apt-get', 'install', '-y', ...result.missing]));
  if (root !== '/')
    result.notes.push(
      `Run it inside the target (chroot ${root}) with /dev, /proc and /sys bind-mounted and a working /etc/resolv.conf; the target's own apt sources decide which versions are installed.`,
    );
  if (foreign.size > 0)
    result.notes.push(
      `Packages of another architecture are missing (${[...foreign].sort().join(', ')}): run dpkg --add-architecture for it and apt-get update in the target first.`,
    );
  if (held.length > 0)
    result.notes.push(
      `${held.length} of them were on hold on the backed-up machine: hold them again after installing (apt-mark hold ${held.sort().join(' ')}).`,
    );
  result.notes.push(
    'apt-get stops at a package its sources do not offer (a locally installed .deb, a package of another release): remove such names from the command and install them by hand.',
  );
  return result;
}

/**
 * The architecture a selection asks for on the target: null for an unqualified (native or `all`) package; the
 * target's native architecture for a package qualified with the backed-up machine's native one (so an amd64
 * `libc6:amd64` becomes the arm64 libc6 on an arm64 replacement); the recorded qualifier otherwise (foreign).
 */
function wantedArchitecture(
  selection: DpkgSelection,
  recordedNative: string | null,
  targetNative: string | null,
): string | null {
  if (selection.arch === null) return null;
  if (selection.arch === recordedNative && targetNative !== null) return targetNative;
  return selection.arch;
}

async function compareRpm(
  packagesText: string,
  root: string,
  targetDatabase: 'dpkg' | 'rpm' | null,
  runner: CommandRunner,
): Promise<MissingPackages> {
  const recordedNames = parseRpmPackages(packagesText);
  const result: MissingPackages = {
    packageManager: 'rpm',
    recorded: recordedNames.length,
    missing: [],
    installCommand: null,
    notes: [],
  };
  if (targetDatabase !== 'rpm') {
    result.notes.push(notComparedNote('rpm', root, targetDatabase));
    return result;
  }
  const queried = await runner.run({ argv: rpmQueryArgv(root), timeoutMs: rpmQueryTimeoutMs });
  if (!succeeded(queried)) {
    result.notes.push(
      queried.kind === 'missing'
        ? `rpm is not installed on this machine, so the target's rpm database cannot be read: install rpm here, or compare after the target boots (rpm -qa).`
        : `The target's rpm database could not be read (${describeResult(queried)}); packages were not compared.`,
    );
    return result;
  }
  const installed = new Set(
    queried.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
  result.missing = recordedNames.filter((name) => !installed.has(name)).sort();
  if (result.missing.length === 0) return result;
  const frontEnd = await rpmFrontEnd(root);
  result.installCommand = formatArgv(chrooted(root, [...frontEnd.argv, ...result.missing]));
  if (frontEnd.note) result.notes.push(frontEnd.note);
  if (root !== '/')
    result.notes.push(
      `Run it inside the target (chroot ${root}) with /dev, /proc and /sys bind-mounted and a working /etc/resolv.conf.`,
    );
  result.notes.push(
    'Packages are compared by name: a missing multilib variant (an i686 package next to its x86_64 one) is not detected.',
  );
  return result;
}

/** Names in `rpm -qa --queryformat '%{NAME}\t%{VERSION}-%{RELEASE}\t%{ARCH}\n'`, once each (kernels repeat). */
export function parseRpmPackages(text: string): string[] {
  const names = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const fields = line.split('\t');
    const name = fields[0] ?? '';
    if (fields.length !== 3 || !/^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/.test(name))
      throw new SystemStateError(
        'UNEXPECTED_OUTPUT',
        `rpm package list line ${index + 1} is not "NAME<tab>VERSION<tab>ARCH": ${JSON.stringify(line.slice(0, 120))}`,
      );
    // Imported signing keys show up as gpg-pubkey "packages"; they are not installable.
    if (name !== 'gpg-pubkey') names.add(name);
  });
  return [...names];
}

async function rpmFrontEnd(root: string): Promise<{ argv: [string, ...string[]]; note: string | null }> {
  const has = async (tool: string) => {
    for (const dir of ['usr/bin', 'bin', 'usr/sbin', 'sbin']) {
      const found = await resolveInTarget(root, `${dir}/${tool}`);
      if (found?.kind === 'file' && found.executable) return true;
    }
    return false;
  };
  if ((await has('dnf')) || (await has('dnf5'))) return { argv: ['dnf', 'install', '-y'], note: null };
  if (await has('yum')) return { argv: ['yum', 'install', '-y'], note: null };
  if (await has('zypper')) return { argv: ['zypper', '--non-interactive', 'install'], note: null };
  return {
    argv: ['dnf', 'install', '-y'],
    note: "The target has none of dnf, yum or zypper: the command assumes dnf; use the target's own package tool.",
  };
}

function notComparedNote(
  recordedWith: 'dpkg' | 'rpm',
  root: string,
  targetDatabase: 'dpkg' | 'rpm' | null,
): string {
  if (targetDatabase === null)
    return `The target (${root}) has no package database (no var/lib/dpkg/status, var/lib/rpm or usr/lib/sysimage/rpm): install the operating system there first, then compare again.`;
  return `The backed-up system used ${recordedWith}, the target uses ${targetDatabase}: package names differ between distribution families, so they were not compared. Install the software the restored configuration needs by hand.`;
}

function chrooted(root: string, argv: [string, ...string[]]): Argv {
  return root === '/' ? argv : ['chroot', root, ...argv];
}

async function readTargetFile(root: string, inTarget: string): Promise<string> {
  const resolved = await resolveInTarget(root, inTarget);
  if (resolved === null || resolved.kind !== 'file')
    throw new SystemStateError('IO_ERROR', `${inTarget} is not a file in the target ${root}`);
  try {
    return await readFile(resolved.onHost, 'utf8');
  } catch (error) {
    throw fromNodeError(error, `reading ${resolved.onHost}`);
  }
}

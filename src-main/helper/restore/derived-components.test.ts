/**
 * Components of sessions made before components.json: the derivation's path table against the real Linux detector
 * (so the two cannot drift apart), and the derivation itself on Linux and Windows recorded paths.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import { RecordedCommandRunner } from '../../system-state/command-runner/recorded-command-runner';
import { detectLinuxComponents } from '../../system-state/platform/linux/linux-components';
import { deriveComponents, linuxComponentPaths, recordsWindowsPaths } from './derived-components';
import { recordedStaging } from './restore-staging-paths';

let root = '';
const everyLinuxPath = Object.values(linuxComponentPaths).flatMap((rule) => rule.paths);

beforeAll(async () => {
  root = await makeTempDir('derived-components');
  for (const p of everyLinuxPath) {
    const onDisk = path.join(root, p);
    // Folders get a file inside (an empty /boot does not count as boot files), files are files.
    if (['/etc/fstab', '/etc/crypttab', '/etc/default/grub'].includes(p)) {
      await mkdir(path.dirname(onDisk), { recursive: true });
      await writeFile(onDisk, 'x\n');
    } else {
      await mkdir(onDisk, { recursive: true });
      await writeFile(path.join(onDisk, 'f'), 'x\n');
    }
  }
  await writeFile(path.join(root, 'var/lib/samba/private/sam.ldb'), 'ldb');
  await mkdir(path.join(root, 'var/lib/dpkg'), { recursive: true });
  await writeFile(path.join(root, 'var/lib/dpkg/status'), 'Package: a\nStatus: install ok installed\n');
});

afterAll(() => removeTempDir(root));

describe('the path table', () => {
  it("is the Linux detector's: on a tree holding every path, each component's paths are the table's", async () => {
    const detected = await detectLinuxComponents({ rootDir: root, runner: new RecordedCommandRunner([]) });
    expect(detected.every((c) => c.detected)).toBe(true);
    expect(Object.fromEntries(detected.map((c) => [c.id, c.paths]))).toEqual(
      Object.fromEntries(Object.entries(linuxComponentPaths).map(([id, rule]) => [id, [...rule.paths]])),
    );
  });
});

describe('deriveComponents', () => {
  it('Linux: a component counts when the session recorded it (its marker), with the paths it recorded', async () => {
    const inTree = new Set([
      '/etc',
      '/etc/fstab',
      '/boot',
      '/var/spool/cron',
      recordedStaging.dpkgSelections,
    ]);
    const components = await deriveComponents({
      recordedPaths: ['/boot', '/etc', '/var/spool/cron', recordedStaging.root],
      exists: async (p) => inTree.has(p),
    });
    expect(components).toEqual([
      { id: 'linux.configuration', title: 'System configuration', paths: ['/etc', '/var/spool/cron'] },
      { id: 'linux.boot', title: 'Boot files', paths: ['/boot'] },
      { id: 'linux.disk-layout', title: 'Disk layout', paths: ['/etc/fstab'] },
      { id: 'linux.software-inventory', title: 'Software inventory', paths: [] },
    ]);
  });

  it('Linux: a path in the tree but outside the recorded paths does not count', async () => {
    const components = await deriveComponents({
      recordedPaths: ['/etc'],
      exists: async () => true,
    });
    // /boot and /var/lib/… exist (says the tree) but were not backed up; the exports were not recorded either.
    expect(components.map((c) => c.id)).toEqual([
      'linux.configuration',
      'linux.disk-layout',
      'linux.openldap',
    ]);
    expect(components[0]?.paths).toEqual(['/etc']);
    expect(components[2]?.paths).toEqual(['/etc/ldap/slapd.d']);
  });

  it('Windows: recorded paths matched under the Windows folder (any drive, any slash, any case); exports count', async () => {
    const recordedPaths = [
      'C:\\Windows\\System32\\config\\SYSTEM',
      'C:\\Windows\\System32\\config\\SOFTWARE',
      '/C/Windows/SYSVOL',
      'c:/windows/ntds',
      recordedStaging.root,
    ];
    expect(recordsWindowsPaths(recordedPaths)).toBe(true);
    expect(recordsWindowsPaths(['/etc', recordedStaging.root])).toBe(false);
    const components = await deriveComponents({
      recordedPaths,
      exists: async (p) => p === recordedStaging.diskpartListDisk,
    });
    expect(components).toEqual([
      {
        id: 'windows.registry',
        title: 'Registry',
        paths: ['C:\\Windows\\System32\\config\\SYSTEM', 'C:\\Windows\\System32\\config\\SOFTWARE'],
      },
      { id: 'windows.disk-layout', title: 'Disk layout', paths: [] },
      { id: 'windows.sysvol', title: 'SYSVOL', paths: ['/C/Windows/SYSVOL'] },
      { id: 'windows.active-directory', title: 'Active Directory', paths: ['c:/windows/ntds'] },
    ]);
  });
});

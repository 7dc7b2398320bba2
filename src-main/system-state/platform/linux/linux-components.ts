/**
 * Detects the Linux System state components of a system tree: the running machine (`rootDir` = `/`) or another
 * tree (a mounted disk, a debootstrap root in tests). Files are measured for real; what only the running kernel
 * knows (block devices, EFI variables) is asked through the CommandRunner, and only for the running machine.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DetectedComponent, SizeEstimate } from '../../catalog/component';
import { addEstimates } from '../../catalog/component';
import { measureTree } from '../../catalog/tree-size';
import type { CommandRunner } from '../../command-runner/command-runner';
import { describeResult, succeeded } from '../../command-runner/command-runner';
import { formatBytes } from '../../format-bytes';
import { linuxComponentDefinitions } from './linux-component-definitions';
import { parseLsblk } from './lsblk-json';

export interface LinuxDetectionContext {
  rootDir: string;
  runner: CommandRunner;
}

type Definition = (typeof linuxComponentDefinitions)[number];

export async function detectLinuxComponents(context: LinuxDetectionContext): Promise<DetectedComponent[]> {
  const detectors: Record<Definition['id'], (ctx: LinuxDetectionContext) => Promise<Detection>> = {
    'linux.configuration': detectConfiguration,
    'linux.boot': detectBoot,
    'linux.disk-layout': detectDiskLayout,
    'linux.software-inventory': detectSoftwareInventory,
    'linux.samba-ad-dc': detectSambaAdDc,
    'linux.openldap': detectOpenLdap,
  };
  const results: DetectedComponent[] = [];
  for (const definition of linuxComponentDefinitions) {
    const detection = await detectors[definition.id](context);
    results.push({ ...definition, ...detection });
  }
  return results;
}

interface Detection {
  detected: boolean;
  evidence: string[];
  estimate: SizeEstimate;
  paths: string[];
}

/** Measures each system path under the root and says what was found. */
async function measurePaths(rootDir: string, systemPaths: readonly string[]) {
  const found: string[] = [];
  const evidence: string[] = [];
  const estimates: SizeEstimate[] = [];
  for (const systemPath of systemPaths) {
    const size = await measureTree(path.join(rootDir, systemPath));
    if (!size.exists) {
      evidence.push(`${systemPath}: absent`);
      continue;
    }
    found.push(systemPath);
    estimates.push(size);
    evidence.push(`${systemPath}: ${size.files} files, ${formatBytes(size.bytes)}`);
    if (size.unreadableCount > 0)
      evidence.push(
        `${systemPath}: ${size.unreadableCount} entries unreadable (${size.unreadable
          .map((u) => `${u.path}: ${u.reason}`)
          .join('; ')}) — the backup needs root`,
      );
  }
  return { found, evidence, estimate: addEstimates(estimates) };
}

async function detectConfiguration({ rootDir }: LinuxDetectionContext): Promise<Detection> {
  const measured = await measurePaths(rootDir, ['/etc', '/var/spool/cron', '/var/lib/systemd']);
  const wants = await countEnablementLinks(rootDir);
  if (wants !== null)
    measured.evidence.push(`systemd enablement: ${wants} unit links in /etc/systemd/system`);
  return {
    detected: measured.found.includes('/etc'),
    evidence: measured.evidence,
    estimate: measured.estimate,
    paths: measured.found,
  };
}

async function detectBoot({ rootDir, runner }: LinuxDetectionContext): Promise<Detection> {
  const measured = await measurePaths(rootDir, ['/boot', '/etc/default/grub']);
  const bootFiles = measured.found.includes('/boot')
    ? (await safeReaddir(path.join(rootDir, 'boot'))).length
    : 0;
  if (measured.found.includes('/boot') && bootFiles === 0)
    measured.evidence.push(
      '/boot is empty: the kernel is supplied from outside (virtual machine or container)',
    );
  let efiEntries = false;
  if (rootDir === '/') {
    const efi = await runner.run({ argv: ['efibootmgr', '-v'], timeoutMs: 15_000 });
    efiEntries = succeeded(efi);
    measured.evidence.push(
      succeeded(efi)
        ? `efibootmgr: ${efi.stdout.split('\n').filter((l) => /^Boot[0-9A-F]{4}/.test(l)).length} EFI boot entries`
        : `efibootmgr: ${describeResult(efi)}`,
    );
  } else {
    measured.evidence.push('EFI boot entries are read only for the running machine');
  }
  return {
    detected: bootFiles > 0 || efiEntries,
    evidence: measured.evidence,
    estimate: measured.estimate,
    paths: measured.found,
  };
}

async function detectDiskLayout({ rootDir, runner }: LinuxDetectionContext): Promise<Detection> {
  const measured = await measurePaths(rootDir, ['/etc/fstab', '/etc/crypttab', '/etc/mdadm', '/etc/lvm']);
  let disks = 0;
  if (rootDir === '/') {
    const lsblk = await runner.run({
      argv: ['lsblk', '--json', '--bytes', '--output', 'NAME,TYPE,SIZE,PTTYPE'],
    });
    if (succeeded(lsblk)) {
      const devices = parseLsblk(lsblk.stdout).filter((d) => d.type === 'disk' && d.sizeBytes > 0);
      disks = devices.length;
      measured.evidence.push(
        `lsblk: ${disks} disk(s): ${devices.map((d) => `${d.name} ${formatBytes(d.sizeBytes)} ${d.partitionTableType ?? 'no partition table'}`).join(', ')}`,
      );
    } else measured.evidence.push(`lsblk: ${describeResult(lsblk)}`);
    for (const tool of [
      ['sfdisk', '--version'],
      ['vgs', '--version'],
      ['mdadm', '--version'],
    ] as const) {
      const result = await runner.run({ argv: tool, timeoutMs: 10_000 });
      if (result.kind === 'missing')
        measured.evidence.push(`${tool[0]} is not installed: that part is not exported`);
    }
  } else {
    measured.evidence.push('block devices are read only for the running machine');
  }
  return {
    detected: disks > 0 || measured.found.includes('/etc/fstab'),
    evidence: measured.evidence,
    // The exports (partition tables, LVM metadata) are a few KiB per disk.
    estimate: addEstimates([measured.estimate, { bytes: 64 * 1024, files: 4 + disks }]),
    paths: measured.found,
  };
}

async function detectSoftwareInventory({ rootDir }: LinuxDetectionContext): Promise<Detection> {
  const evidence: string[] = [];
  let detected = false;
  let bytes = 0;
  const dpkgStatus = path.join(rootDir, 'var/lib/dpkg/status');
  const status = await readFile(dpkgStatus, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') evidence.push(`/var/lib/dpkg/status: unreadable (${error.code})`);
    return null;
  });
  if (status !== null) {
    const installed = status.match(/^Status: install ok installed$/gm)?.length ?? 0;
    evidence.push(`dpkg: ${installed} packages installed (/var/lib/dpkg/status)`);
    detected = true;
    bytes += Math.round(status.length / 10); // selections + versions are ~1/10 of the status file
  } else evidence.push('dpkg: no /var/lib/dpkg/status');
  const rpmDb = await safeReaddir(path.join(rootDir, 'var/lib/rpm'));
  if (rpmDb.length > 0) {
    evidence.push(`rpm: database in /var/lib/rpm (${rpmDb.length} files)`);
    detected = true;
    bytes += 256 * 1024;
  } else evidence.push('rpm: no database in /var/lib/rpm');
  const units = await countEnablementLinks(rootDir);
  if (units !== null) evidence.push(`enabled services: ${units} unit links`);
  return { detected, evidence, estimate: { bytes, files: detected ? 3 : 0 }, paths: [] };
}

async function detectSambaAdDc({ rootDir }: LinuxDetectionContext): Promise<Detection> {
  const database = await exists(path.join(rootDir, 'var/lib/samba/private/sam.ldb'));
  const measured = await measurePaths(rootDir, ['/var/lib/samba/sysvol', '/var/lib/samba/private']);
  measured.evidence.unshift(
    database ? 'Samba AD database found (/var/lib/samba/private/sam.ldb)' : 'no Samba AD database (sam.ldb)',
  );
  return {
    detected: database,
    evidence: measured.evidence,
    estimate: database ? measured.estimate : { bytes: 0, files: 0 },
    paths: database ? measured.found : [],
  };
}

async function detectOpenLdap({ rootDir }: LinuxDetectionContext): Promise<Detection> {
  const config = await exists(path.join(rootDir, 'etc/ldap/slapd.d'));
  const measured = await measurePaths(rootDir, ['/etc/ldap/slapd.d', '/var/lib/ldap']);
  measured.evidence.unshift(config ? 'OpenLDAP server configuration found' : 'no OpenLDAP server (slapd.d)');
  return {
    detected: config,
    evidence: measured.evidence,
    estimate: config ? measured.estimate : { bytes: 0, files: 0 },
    paths: config ? measured.found : [],
  };
}

async function countEnablementLinks(rootDir: string): Promise<number | null> {
  const base = path.join(rootDir, 'etc/systemd/system');
  const entries = await safeReaddir(base);
  if (entries.length === 0) return null;
  let links = 0;
  for (const entry of entries.filter((e) => e.endsWith('.wants') || e.endsWith('.requires')))
    links += (await safeReaddir(path.join(base, entry))).length;
  return links;
}

async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'ENOTDIR'
    )
      return [];
    throw error;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

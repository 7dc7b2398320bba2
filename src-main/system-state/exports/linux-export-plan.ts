/** The Linux export plan: disk layout, boot entries, software inventory. Paths are relative to the staging folder. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fromNodeError } from '../errors';
import type { ExportStep } from './export-plan';

/** The package manager whose database the system tree holds (dpkg first: Debian and derivatives). */
export async function packageManagerOf(rootDir: string): Promise<'dpkg' | 'rpm' | null> {
  const exists = async (p: string) =>
    stat(path.join(rootDir, p)).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return false;
        throw fromNodeError(error, `looking for ${p}`);
      },
    );
  if (await exists('var/lib/dpkg/status')) return 'dpkg';
  if (await exists('var/lib/rpm')) return 'rpm';
  return null;
}

export function linuxExportPlan(input: {
  disks: readonly string[];
  stagingDir: string;
  packageManager: 'dpkg' | 'rpm' | null;
}): ExportStep[] {
  const steps: ExportStep[] = [
    {
      id: 'lsblk',
      componentId: 'linux.disk-layout',
      argv: ['lsblk', '--json', '--bytes', '--output-all'],
      stdoutFile: 'disk-layout/lsblk.json',
    },
    ...input.disks.map(
      (disk): ExportStep => ({
        id: `sfdisk-${disk.replace(/^\/dev\//, '').replace(/\//g, '_')}`,
        componentId: 'linux.disk-layout',
        argv: ['sfdisk', '--json', disk],
        stdoutFile: `disk-layout/sfdisk-${disk.replace(/^\/dev\//, '').replace(/\//g, '_')}.json`,
      }),
    ),
    {
      id: 'lvm-vgcfgbackup',
      componentId: 'linux.disk-layout',
      // %s is replaced by vgcfgbackup with each volume group's name.
      argv: ['vgcfgbackup', '--file', `${input.stagingDir}/disk-layout/lvm/%s.vg`],
      stdoutFile: null,
      writes: ['disk-layout/lvm/'],
    },
    {
      id: 'lvm-report',
      componentId: 'linux.disk-layout',
      argv: ['lvm', 'fullreport', '--reportformat', 'json', '--units', 'b', '--nosuffix'],
      stdoutFile: 'disk-layout/lvm-fullreport.json',
    },
    {
      id: 'mdadm',
      componentId: 'linux.disk-layout',
      argv: ['mdadm', '--detail', '--scan'],
      stdoutFile: 'disk-layout/mdadm-detail-scan.txt',
    },
    {
      id: 'efibootmgr',
      componentId: 'linux.boot',
      argv: ['efibootmgr', '-v'],
      stdoutFile: 'boot/efibootmgr.txt',
    },
    {
      id: 'enabled-units',
      componentId: 'linux.software-inventory',
      argv: ['systemctl', 'list-unit-files', '--state=enabled', '--no-legend', '--no-pager'],
      stdoutFile: 'software/enabled-units.txt',
    },
  ];
  if (input.packageManager === 'dpkg')
    steps.push(
      {
        id: 'dpkg-selections',
        componentId: 'linux.software-inventory',
        argv: ['dpkg', '--get-selections'],
        stdoutFile: 'software/dpkg-selections.txt',
      },
      {
        id: 'dpkg-versions',
        componentId: 'linux.software-inventory',
        // dpkg-query's own ${field} syntax, not a JavaScript template.
        // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query format string
        argv: ['dpkg-query', '--show', '--showformat', '${Package}\t${Version}\t${Architecture}\n'],
        stdoutFile: 'software/dpkg-versions.tsv',
      },
    );
  if (input.packageManager === 'rpm')
    steps.push({
      id: 'rpm-packages',
      componentId: 'linux.software-inventory',
      argv: ['rpm', '--query', '--all', '--queryformat', '%{NAME}\t%{VERSION}-%{RELEASE}\t%{ARCH}\n'],
      stdoutFile: 'software/rpm-packages.tsv',
    });
  return steps;
}

/** The Windows System state components (as Windows Server Backup defines System state), in display order. */
import type { ComponentDefinition } from '../../catalog/component';

export const windowsComponentDefinitions = [
  {
    id: 'windows.registry',
    os: 'windows',
    title: 'Registry',
    description: 'The SYSTEM, SOFTWARE, SAM, SECURITY and DEFAULT hives and the user hives (NTUSER.DAT).',
  },
  {
    id: 'windows.boot',
    os: 'windows',
    title: 'Boot files',
    description:
      'The BCD store and the boot manager files (also on the EFI System Partition on UEFI machines).',
  },
  {
    id: 'windows.com-plus',
    os: 'windows',
    title: 'COM+ class registration',
    description: 'The COM+ registration database (%SystemRoot%\\Registration).',
  },
  {
    id: 'windows.disk-layout',
    os: 'windows',
    title: 'Disk layout',
    description: 'Basic and dynamic disks, partition style (MBR/GPT) and volumes.',
  },
  {
    id: 'windows.sysvol',
    os: 'windows',
    title: 'SYSVOL',
    description: 'Group policies and logon scripts shared by a domain controller (%SystemRoot%\\SYSVOL).',
  },
  {
    id: 'windows.active-directory',
    os: 'windows',
    title: 'Active Directory',
    description: 'The NTDS database and its logs, captured through the NTDS VSS writer (domain controllers).',
  },
  {
    id: 'windows.certificate-services',
    os: 'windows',
    title: 'Certificate Services',
    description:
      'The certification authority database (%SystemRoot%\\System32\\CertLog), when the role is installed.',
  },
  {
    id: 'windows.iis',
    os: 'windows',
    title: 'IIS configuration',
    description: 'The IIS configuration store (applicationHost.config and friends), when IIS is installed.',
  },
  {
    id: 'windows.cluster',
    os: 'windows',
    title: 'Cluster database',
    description: 'The failover cluster database (%SystemRoot%\\Cluster\\CLUSDB), on cluster nodes.',
  },
] as const satisfies readonly ComponentDefinition[];

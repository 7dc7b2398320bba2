/** The Linux System state components (DESIGN.md's table), in the order they are shown. */
import type { ComponentDefinition } from '../../catalog/component';

export const linuxComponentDefinitions = [
  {
    id: 'linux.configuration',
    os: 'linux',
    title: 'System configuration',
    description:
      'All of /etc, the cron spools and systemd state: users, network, services, everything configured.',
  },
  {
    id: 'linux.boot',
    os: 'linux',
    title: 'Boot files',
    description: '/boot (kernels, initramfs, bootloader), the bootloader defaults and the EFI boot entries.',
  },
  {
    id: 'linux.disk-layout',
    os: 'linux',
    title: 'Disk layout',
    description: 'Partition tables, LVM metadata, md RAID arrays, fstab/crypttab and filesystem UUIDs.',
  },
  {
    id: 'linux.software-inventory',
    os: 'linux',
    title: 'Software inventory',
    description: 'Installed packages (dpkg or rpm) and enabled services, to reinstall them on a new machine.',
  },
  {
    id: 'linux.samba-ad-dc',
    os: 'linux',
    title: 'Samba AD domain controller',
    description:
      'The sysvol share and the Samba Active Directory database, when this machine is a Samba AD DC.',
  },
  {
    id: 'linux.openldap',
    os: 'linux',
    title: 'OpenLDAP directory',
    description: 'The slapd configuration and LDAP databases, when this machine runs an OpenLDAP server.',
  },
] as const satisfies readonly ComponentDefinition[];

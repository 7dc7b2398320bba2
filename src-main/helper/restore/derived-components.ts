/**
 * The components of a System state session made before sessions recorded them (components.json): derived from the
 * snapshot's recorded top-level paths, what exists in its tree, and its exports, with the titles of the component
 * catalogs. The paths per component mirror the detectors (platform/linux/linux-components.ts and
 * platform/windows/windows-components.ts, where they are inline); derived-components.test.ts runs the Linux
 * detector on a tree holding all of them so that the two cannot drift apart unnoticed.
 */
import type { RestoreComponent } from '../../helper-protocol/restore-model';
import { linuxComponentDefinitions } from '../../system-state/platform/linux/linux-component-definitions';
import { windowsComponentDefinitions } from '../../system-state/platform/windows/windows-component-definitions';
import { isInside } from '../sessions/session-paths';
import { recordedStaging } from './restore-staging-paths';

interface LinuxRule {
  /** The detector's paths (absolute on the machine). */
  paths: readonly string[];
  /** The component was backed up when any of these exists in the snapshot (paths or exports). */
  markers: readonly string[];
}

/** Per Linux component: where it lives and what proves that the session backed it up. */
export const linuxComponentPaths: Record<(typeof linuxComponentDefinitions)[number]['id'], LinuxRule> = {
  'linux.configuration': { paths: ['/etc', '/var/spool/cron', '/var/lib/systemd'], markers: ['/etc'] },
  // The detector requires a non-empty /boot or EFI boot entries; a session records /boot only then.
  'linux.boot': { paths: ['/boot', '/etc/default/grub'], markers: ['/boot', recordedStaging.efibootmgr] },
  'linux.disk-layout': {
    paths: ['/etc/fstab', '/etc/crypttab', '/etc/mdadm', '/etc/lvm'],
    markers: ['/etc/fstab', recordedStaging.lsblk],
  },
  // All exports: the package selections and enabled units are applied after a restore, not restored as files.
  'linux.software-inventory': {
    paths: [],
    markers: [recordedStaging.enabledUnits, recordedStaging.dpkgSelections, recordedStaging.rpmPackages],
  },
  'linux.samba-ad-dc': {
    paths: ['/var/lib/samba/sysvol', '/var/lib/samba/private'],
    markers: ['/var/lib/samba/private/sam.ldb'],
  },
  'linux.openldap': { paths: ['/etc/ldap/slapd.d', '/var/lib/ldap'], markers: ['/etc/ldap/slapd.d'] },
};

/** Per Windows component: its paths relative to the Windows folder (`C:\Windows`), as the detector measures them. */
export const windowsComponentPaths: Record<
  (typeof windowsComponentDefinitions)[number]['id'],
  readonly string[]
> = {
  'windows.registry': ['SYSTEM', 'SOFTWARE', 'SAM', 'SECURITY', 'DEFAULT'].map((h) => `System32/config/${h}`),
  'windows.boot': ['Boot'],
  'windows.com-plus': ['Registration'],
  // diskpart's listing is an export; there are no files of its own.
  'windows.disk-layout': [],
  'windows.sysvol': ['SYSVOL'],
  'windows.active-directory': ['NTDS'],
  'windows.certificate-services': ['System32/CertLog'],
  'windows.iis': ['System32/inetsrv/config'],
  'windows.cluster': ['Cluster/CLUSDB'],
};

/** Windows components that an export proves even without files of their own. */
const windowsExportMarkers: Partial<Record<keyof typeof windowsComponentPaths, string>> = {
  'windows.boot': recordedStaging.bcdeditEnum,
  'windows.disk-layout': recordedStaging.diskpartListDisk,
};

/** A recorded Windows path (`C:\Windows\Boot`, `/C/Windows/Boot`) as `windows/boot`, or null when it is not one. */
function windowsRelative(recordedPath: string): string | null {
  const slashed = recordedPath.replace(/\\/g, '/');
  const match = /^\/?[A-Za-z]:?\/windows\/(.+?)\/*$/i.exec(slashed);
  return match?.[1] === undefined ? null : match[1].toLowerCase();
}

/** Whether the snapshot's recorded paths are those of a Windows machine. */
export function recordsWindowsPaths(recordedPaths: readonly string[]): boolean {
  return recordedPaths.some((p) => /^[A-Za-z]:[\\/]/.test(p) || windowsRelative(p) !== null);
}

export interface DerivationInput {
  /** The snapshot's recorded (top-level) paths. */
  recordedPaths: readonly string[];
  /** Whether an absolute path exists in the snapshot's tree (file or directory). */
  exists: (recordedPath: string) => Promise<boolean>;
}

/** The components a session without components.json backed up, in catalog order. */
export async function deriveComponents(input: DerivationInput): Promise<RestoreComponent[]> {
  return recordsWindowsPaths(input.recordedPaths) ? deriveWindows(input) : deriveLinux(input);
}

async function deriveLinux({ recordedPaths, exists }: DerivationInput): Promise<RestoreComponent[]> {
  // A path counts only when the session backed it up (it lies in a recorded path, the staging folder for the
  // exports) and it is in the tree.
  const recorded = async (p: string) =>
    recordedPaths.some((r) => r === p || isInside(p, r)) && (await exists(p));
  const components: RestoreComponent[] = [];
  for (const definition of linuxComponentDefinitions) {
    const rule = linuxComponentPaths[definition.id];
    let marked = false;
    for (const marker of rule.markers) if (!marked) marked = await recorded(marker);
    if (!marked) continue;
    const paths: string[] = [];
    for (const p of rule.paths) if (await recorded(p)) paths.push(p);
    components.push({ id: definition.id, title: definition.title, paths });
  }
  return components;
}

async function deriveWindows({ recordedPaths, exists }: DerivationInput): Promise<RestoreComponent[]> {
  const components: RestoreComponent[] = [];
  for (const definition of windowsComponentDefinitions) {
    const wanted = windowsComponentPaths[definition.id].map((p) => p.toLowerCase());
    // On Windows the recorded paths are the components' own paths (none lies inside another).
    const paths = recordedPaths.filter((p) => {
      const relative = windowsRelative(p);
      return relative !== null && wanted.includes(relative);
    });
    const marker = windowsExportMarkers[definition.id];
    const exported = marker !== undefined && (await exists(marker));
    if (paths.length > 0 || exported) components.push({ id: definition.id, title: definition.title, paths });
  }
  return components;
}

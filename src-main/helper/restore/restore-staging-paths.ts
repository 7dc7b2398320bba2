/**
 * Where a System state snapshot records what is not a plain file of the machine: the staging folder of its session
 * (exports, machine manifest, components record) is recorded at `/.backup-manager/system-state` whatever its path
 * was (sessions/session-paths.ts), laid out by system-state/exports/*-export-plan.ts. The restore wizard reads
 * these from the repository; they are never restored into a target.
 */
import { componentsRecordFile } from '../../system-state/manifest/components-record';
import { systemStateExportPath } from '../sessions/session-paths';

const under = (relative: string) => `${systemStateExportPath}/${relative}`;

export const recordedStaging = {
  root: systemStateExportPath,
  manifest: under('machine-manifest.json'),
  components: under(componentsRecordFile),
  /** `sfdisk-<disk>.json` per partitioned disk, lsblk, LVM and md exports. */
  diskLayoutDir: under('disk-layout'),
  lsblk: under('disk-layout/lsblk.json'),
  lvmReport: under('disk-layout/lvm-fullreport.json'),
  mdadmScan: under('disk-layout/mdadm-detail-scan.txt'),
  /** Windows: diskpart's `list disk` (the export step task A adds to windows-export-plan.ts). */
  diskpartListDisk: under('disk-layout/diskpart-list-disk.txt'),
  efibootmgr: under('boot/efibootmgr.txt'),
  bcdeditEnum: under('boot/bcdedit-enum-all.txt'),
  softwareDir: under('software'),
  enabledUnits: under('software/enabled-units.txt'),
  dpkgSelections: under('software/dpkg-selections.txt'),
  rpmPackages: under('software/rpm-packages.tsv'),
} as const;

/** The file name sfdisk's export of `disk` gets (linux-export-plan.ts): `/dev/nvme0n1` → `sfdisk-nvme0n1.json`. */
export function sfdiskExportName(disk: string): string {
  return `sfdisk-${disk.replace(/^\/dev\//, '').replace(/\//g, '_')}.json`;
}

/** Whether `recordedPath` is the staging folder or inside it (never part of the machine's own files). */
export function isStagingPath(recordedPath: string): boolean {
  return recordedPath === systemStateExportPath || recordedPath.startsWith(`${systemStateExportPath}/`);
}

/**
 * The vocabulary of restoring System state onto a (possibly different) machine: what the backed-up machine's files
 * say (recorded files and disk layout exports, read from the snapshot by the helper), how it compares with this
 * machine, and the plans the wizard shows before anything is changed. The planners in this folder are pure
 * functions of these inputs (or use the CommandRunner to probe and run), so every verdict is tested on recorded
 * manifests and files; the helper (helper/restore/) reads the inputs from the repository and maps the results onto
 * the wire (helper-protocol/restore-model.ts).
 */
import type { MachineManifest } from '../manifest/machine-manifest';

export type RestoreCheckStatus = 'pass' | 'warn' | 'fail';

/** A text file of the backed-up system as recorded in the snapshot, under its live path (`/etc/fstab`). */
export interface RecordedFile {
  path: string;
  text: string;
}

/**
 * The disk layout exports of the backed-up machine (staging folder, `disk-layout/`), each as recorded: null when the
 * session did not produce it (tool missing, no LVM…).
 */
export interface RecordedLayout {
  /** `sfdisk --json DISK` per partitioned disk; `disk` is the device path on the backed-up machine. */
  sfdisk: { disk: string; json: string }[];
  /** `lsblk --json --bytes --output-all`. */
  lsblkJson: string | null;
  /** `lvm fullreport --reportformat json --units b --nosuffix`. */
  lvmReportJson: string | null;
  /** `mdadm --detail --scan`. */
  mdadmScan: string | null;
  /** Windows: diskpart's `list disk` (dynamic disks, partition style, free space), as the preflight reads it. */
  diskpartListDisk: string | null;
}

export type CompatibilityItemId =
  | 'os'
  | 'arch'
  | 'boot-mode'
  | 'disks'
  | 'partition-style'
  | 'mbr-2tb-limit'
  | 'network-interfaces'
  | 'filesystem-uuids';

/** One line of the compatibility report: the backed-up machine against this one. */
export interface CompatibilityItem {
  id: CompatibilityItemId;
  title: string;
  status: RestoreCheckStatus;
  /** Plain words for a help-desk person: what differs and why it matters. */
  explanation: string;
  /** What the restore will do about it, or what the user has to do ("" when nothing). */
  action: string;
  /** The facts compared, one per line (sizes, names, UUIDs, file:line). */
  evidence: string[];
}

export interface CompatibilityInput {
  backedUp: MachineManifest;
  here: MachineManifest;
  /** fstab, crypttab, bootloader and network configuration of the backed-up system. */
  configFiles: RecordedFile[];
  layout: RecordedLayout;
}

/** A filesystem UUID that configuration refers to (`UUID=…`, `/dev/disk/by-uuid/…`, `root=UUID=…`). */
export interface UuidReference {
  file: string;
  /** 1-based. */
  line: number;
  uuid: string;
  kind: 'fstab' | 'crypttab' | 'bootloader' | 'resume' | 'other';
  /** fstab: the mount point of the entry; otherwise null. */
  mountpoint: string | null;
  /** fstab: the filesystem type of the entry; otherwise null. */
  fsType: string | null;
}

/** A network interface that configuration refers to by name or MAC. */
export interface InterfaceReference {
  file: string;
  line: number;
  name: string | null;
  mac: string | null;
}

/** One UUID of the backed-up configuration and what the restore writes instead. */
export interface UuidRemapEntry {
  from: string;
  /** null: no filesystem here could be matched; the references stay as they are and are listed for the user. */
  to: string | null;
  /** fstab's mount point for it, when known. */
  mountpoint: string | null;
  /** Why this mapping (`exists here`, `chosen by the user`, `the filesystem mounted at /mnt/target/boot`, …). */
  reason: string;
  references: { file: string; line: number }[];
}

export interface UuidRemapPlan {
  /** Only UUIDs that change or cannot be resolved; a UUID that exists here is left alone and not listed. */
  entries: UuidRemapEntry[];
  unresolved: number;
}

/** A command the wizard shows before running it (only on the user's confirmation). */
export interface PlannedCommand {
  id: string;
  title: string;
  argv: string[];
  /** False when it cannot run (tool not installed in the target, no boot disk found…); `reason` says why. */
  available: boolean;
  reason: string;
}

export interface BootRepairPlan {
  /** The target root the commands run in (through chroot). */
  targetRoot: string;
  /** Host paths bind-mounted into the target first (/dev, /proc, /sys, and efivars on UEFI); unmounted after. */
  bindMounts: string[];
  steps: PlannedCommand[];
  notes: string[];
}

export interface ServicePlanEntry {
  unit: string;
  /**
   * `already-enabled`: the restored /etc enables it; `enable`: it will be enabled (`systemctl --root`);
   * `unit-missing`: its unit file is not in the target (its package is missing, see MissingPackages).
   */
  action: 'already-enabled' | 'enable' | 'unit-missing';
  detail: string;
}

export interface MissingPackages {
  packageManager: 'dpkg' | 'rpm' | null;
  /** How many packages the backed-up machine had selected for installation. */
  recorded: number;
  /** Recorded but not installed in the target, sorted. */
  missing: string[];
  /** The command that installs them (run in the target, e.g. through chroot), or null when none are missing. */
  installCommand: string | null;
  notes: string[];
}

/** The script that would recreate the backed-up disk layout on new disks: shown and saved, never executed. */
export interface DiskLayoutScript {
  script: string;
  /** Old disk → new disk as used in the script; an unmapped disk keeps its old name and is warned about. */
  diskMap: Record<string, string>;
  warnings: string[];
}

export type SysvolRestoreMode = 'authoritative' | 'non-authoritative';

export interface WindowsRestoreStep {
  id: string;
  title: string;
  detail: string;
  /** What must hold before the step can run (e.g. "Directory Services Restore Mode"), or null. */
  requires: string | null;
  /** The commands the helper runs for it (recorded-output tested), empty when it is a manual step. */
  commands: string[][];
}

export interface WindowsRestorePlan {
  domainController: boolean;
  sysvolMode: SysvolRestoreMode | null;
  /** Said plainly in the UI before the restore starts (DSRM, a reboot, the BitLocker recovery key…). */
  requirements: string[];
  steps: WindowsRestoreStep[];
  warnings: string[];
}

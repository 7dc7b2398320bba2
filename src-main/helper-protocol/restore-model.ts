/**
 * Restoring System state as it crosses the helper protocol: the machines and System state sessions of a repository,
 * the compatibility report against this machine, the restore plan, and a restore job with its progress and
 * outcome. Plain wire shapes (this room imports nothing of the project); the helper maps system-state's restore
 * analysis (system-state/restore/restore-analysis-model.ts) onto them field by field.
 */

export type RestoreCheckStatus = 'pass' | 'warn' | 'fail';

/** A repository opened for the wizard; later requests name it by `handle` so the key is derived once. */
export interface RestoreRepositoryInfo {
  handle: string;
  /** As given (a local path now; sftp:/s3: URLs when remote backends land). */
  repository: string;
  repositoryId: string;
  /** System state snapshots in it, of every machine. */
  systemStateSessions: number;
}

/** One machine that backed up System state into the repository (by hostname, described by its newest manifest). */
export interface RestoreMachine {
  hostname: string;
  /** This machine's own hostname matches (the wizard still lists every machine). */
  isThisMachine: boolean;
  sessions: number;
  latestTime: string;
  /** From the newest session's machine manifest; null when that session has none (or it is unreadable). */
  os: { family: 'linux' | 'windows'; name: string; version: string } | null;
  arch: string | null;
  bootMode: 'uefi' | 'bios' | 'unknown' | null;
}

export interface RestoreComponent {
  id: string;
  title: string;
  /** Where it lives on the backed-up machine (absolute, as recorded in the snapshot). */
  paths: string[];
}

/** One System state session of a machine, i.e. one snapshot tagged `system-state`. */
export interface RestoreSessionEntry {
  snapshotId: string;
  shortId: string;
  time: string;
  hostname: string;
  /** Content bytes and files of the whole snapshot. */
  sizeBytes: number;
  files: number;
  components: RestoreComponent[];
  /** A rollback backup the wizard took before applying a restore to this system. */
  rollback: boolean;
}

export interface CompatibilityItem {
  id: string;
  title: string;
  status: RestoreCheckStatus;
  explanation: string;
  action: string;
  evidence: string[];
}

export interface CompatibilityReport {
  backedUpHostname: string;
  thisHostname: string;
  items: CompatibilityItem[];
  overall: RestoreCheckStatus;
  /** False when the session has no machine manifest: only what can be read from its files is compared. */
  manifestFound: boolean;
}

/** Where a restore writes: a folder (the default; e.g. a new disk mounted at /mnt/target) or this system. */
export type RestoreTarget =
  | { kind: 'folder'; path: string }
  /** `confirmHostname` must equal this machine's hostname; a rollback backup is taken first. */
  | { kind: 'system'; confirmHostname: string };

export interface PlannedCommand {
  id: string;
  title: string;
  argv: string[];
  available: boolean;
  reason: string;
}

export interface RestorePlan {
  snapshotId: string;
  target: RestoreTarget;
  /** The root the restored system will live in: the folder, or / (the helper's system root). */
  targetRoot: string;
  components: RestoreComponent[];
  uuidRemap: {
    entries: {
      from: string;
      to: string | null;
      mountpoint: string | null;
      reason: string;
      references: { file: string; line: number }[];
    }[];
    unresolved: number;
  };
  bootRepair: { bindMounts: string[]; steps: PlannedCommand[]; notes: string[] } | null;
  services: { unit: string; action: 'already-enabled' | 'enable' | 'unit-missing'; detail: string }[];
  missingPackages: {
    packageManager: 'dpkg' | 'rpm' | null;
    recorded: number;
    missing: string[];
    installCommand: string | null;
    notes: string[];
  } | null;
  /** The script that recreates the disk layout on new disks, for review; never executed by the helper. */
  diskLayoutScript: { script: string; diskMap: Record<string, string>; warnings: string[] } | null;
  windows: {
    domainController: boolean;
    sysvolMode: 'authoritative' | 'non-authoritative' | null;
    requirements: string[];
    steps: { id: string; title: string; detail: string; requires: string | null; commands: string[][] }[];
    warnings: string[];
  } | null;
  notes: string[];
}

export const restoreJobKinds = ['restore', 'rollback', 'test-restore'] as const;
export type RestoreJobKind = (typeof restoreJobKinds)[number];

export const restoreJobStates = [
  'running',
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
] as const;
export type RestoreJobState = (typeof restoreJobStates)[number];

/**
 * prepare: open, read the plan inputs; rollback-backup: back up what an apply to this system overwrites;
 * restore: write the files; verify: re-read every restored file against the repository; post-restore: UUID
 * remap, services; done.
 */
export const restoreJobPhases = [
  'prepare',
  'rollback-backup',
  'restore',
  'verify',
  'post-restore',
  'done',
] as const;
export type RestoreJobPhase = (typeof restoreJobPhases)[number];

export interface RestoreJobProgress {
  filesDone: number;
  filesTotal: number | null;
  bytesDone: number;
  bytesTotal: number | null;
  currentItem: string | null;
  /** Bytes per second over the phase so far; null before there is a rate. */
  bytesPerSecond: number | null;
  etaSeconds: number | null;
}

export interface RestoreChecklistItem {
  id: string;
  title: string;
  status: 'done' | 'todo' | 'skipped' | 'failed';
  detail: string;
}

export interface RestoreJob {
  id: string;
  kind: RestoreJobKind;
  state: RestoreJobState;
  phase: RestoreJobPhase;
  snapshotId: string;
  hostname: string;
  target: RestoreTarget;
  targetRoot: string;
  startedAt: string;
  finishedAt: string | null;
  progress: RestoreJobProgress;
  /** Apply to this system: the rollback snapshot taken first (undo it with restore/rollback). */
  rollbackSnapshotId: string | null;
  /** Entries not restored (damaged data, refused names), with the engine's code. */
  failures: { path: string; code: string; message: string }[];
  verification: {
    filesChecked: number;
    bytesChecked: number;
    mismatches: { path: string; reason: string }[];
  } | null;
  /** What the wizard shows after the restore: done steps and what is left for the user (boot repair, packages). */
  checklist: RestoreChecklistItem[];
  /** A failed or cancelled job: the code (WRONG_PASSWORD, PATH_ESCAPE, INSUFFICIENT_SPACE, CANCELLED, …). */
  error: { code: string; message: string } | null;
}

export interface BootRepairResult {
  steps: { id: string; title: string; ok: boolean; output: string }[];
  ok: boolean;
}

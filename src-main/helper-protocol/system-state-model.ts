/**
 * System state as it crosses the helper protocol: detected components, preflight checks, the snapshot location
 * with the drives it can be on, and the diagnostic report. Plain wire shapes, declared here rather than imported
 * from system-state (this room imports nothing of the project); the helper maps its own objects onto them field
 * by field, so a field system-state adds later does not reach clients unannounced.
 */

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One preflight or troubleshooting check, in the same words the CLI prints and the report contains. */
export interface PreflightCheck {
  /** Stable id: `free-space`, `services`, `vss-writers`, `provider-health`, `mbr-2tb-limit`, … */
  id: string;
  status: CheckStatus;
  /** `OK` when it passes; otherwise the code (INSUFFICIENT_SPACE, SERVICE_STOPPED, …). */
  code: string;
  title: string;
  /** What was observed, one fact per line. */
  evidence: string[];
  /** What to do about it ("" when nothing is needed). */
  fix: string;
  /** A failing check that stops a session (the helper's rule, sessions/preflight-policy.ts); false otherwise. */
  blocksBackup: boolean;
}

export interface SizeEstimate {
  bytes: number;
  files: number;
}

export interface SystemStateComponent {
  /** Stable id, e.g. `linux.configuration`. */
  id: string;
  title: string;
  description: string;
  detected: boolean;
  /** Why it is (or is not) detected. */
  evidence: string[];
  estimate: SizeEstimate;
  /** What a backup of it reads, absolute on the live system. */
  paths: string[];
}

export interface SystemStateComponentsResult {
  components: SystemStateComponent[];
  /** The sum over the detected components: what a System state session backs up. */
  estimate: SizeEstimate;
}

/** A local drive the snapshot location can be on. */
export interface SnapshotDrive {
  mountPoint: string;
  device: string;
  fsType: string;
  totalBytes: number;
  freeBytes: number;
  isSystemDrive: boolean;
  /** Whether the snapshot provider can keep its snapshot data there, and why (not). */
  snapshotData: { possible: boolean; reason: string };
}

export type LocationSource = 'default' | 'settings';

export interface SnapshotLocationState {
  /** Where the next session puts its snapshot data and staging folder. */
  current: string;
  /** `settings`: chosen (the helper settings' snapshotLocation); `default`: the system disk. */
  source: LocationSource;
  /** The system-disk default, used while nothing is chosen. */
  default: string;
  /** The snapshot technology of this machine and why it was chosen. */
  provider: { kind: string; reason: string };
  /** Writable local drives, the system disk first, then by free space. */
  drives: SnapshotDrive[];
}

/**
 * The free-space check in numbers, for the screen that shows it with a one-click fix. Null in a preflight when the
 * location is not on a local drive (the free-space check then fails with INVALID_LOCATION).
 */
export interface FreeSpaceSummary {
  location: string;
  /** The mount point of the drive the location is on. */
  driveMount: string;
  freeBytes: number;
  estimateBytes: number;
  /** The check fails with less free space than this (1.1 × the estimate)… */
  failBelowBytes: number;
  /** …and warns with less than this (1.5 × the estimate). */
  warnBelowBytes: number;
  status: CheckStatus;
  /** When the check does not pass: the other drive with the most free space that would, if any. */
  suggestedDrive: SnapshotDrive | null;
}

export interface PreflightResult {
  checks: PreflightCheck[];
  /** The worst status of the checks. */
  overall: CheckStatus;
  location: string;
  /** `override`: the request named the location to check. */
  locationSource: LocationSource | 'override';
  freeSpace: FreeSpaceSummary | null;
}

/** The report for the help desk, with secrets removed by the helper before it leaves. */
export interface DiagnosticReport {
  generatedAt: string;
  product: string;
  machine: { hostname: string; platform: string; release: string; arch: string };
  snapshot: {
    provider: string;
    providerReason: string;
    location: string;
    locationSource: LocationSource | 'override';
  };
  overall: CheckStatus;
  checks: PreflightCheck[];
  components: {
    id: string;
    title: string;
    detected: boolean;
    evidence: string[];
    estimate: SizeEstimate;
  }[];
}

export interface DiagnosticReportResult {
  report: DiagnosticReport;
  /** The same report as readable text, for copying into a ticket. */
  text: string;
}

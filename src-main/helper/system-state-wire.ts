/**
 * System state's objects in the helper protocol's wire shapes (helper-protocol/system-state-model.ts), field by
 * field: what crosses the socket is what the protocol declares, not whatever system-state holds today.
 */
import type {
  DiagnosticReport,
  FreeSpaceSummary,
  PreflightCheck,
  SnapshotDrive,
  SystemStateComponent,
} from '../helper-protocol/system-state-model';
import { addEstimates, type DetectedComponent } from '../system-state/catalog/component';
import type { DiagnosticReport as SystemStateReport } from '../system-state/diagnostics/diagnostic-report';
import { driveOf } from '../system-state/location/local-drives';
import {
  failRatio,
  type LocationCandidate,
  listCandidates,
  warnRatio,
} from '../system-state/location/snapshot-location';
import type { CheckResult } from '../system-state/preflight/check';
import type { MachineContext } from '../system-state/system-state-service';
import { checkBlocksSession } from './sessions/preflight-policy';

/** `windows`: the machine the check ran on, whose rules decide whether a failure blocks a session. */
export function toWireCheck(check: CheckResult, windows: boolean): PreflightCheck {
  return {
    id: check.id,
    status: check.status,
    code: check.code,
    title: check.title,
    evidence: [...check.evidence],
    fix: check.fix,
    blocksBackup: checkBlocksSession(check, windows),
  };
}

export function toWireComponent(component: DetectedComponent): SystemStateComponent {
  return {
    id: component.id,
    title: component.title,
    description: component.description,
    detected: component.detected,
    evidence: [...component.evidence],
    estimate: { bytes: component.estimate.bytes, files: component.estimate.files },
    paths: [...component.paths],
  };
}

export function toWireDrive(candidate: LocationCandidate): SnapshotDrive {
  return {
    mountPoint: candidate.path,
    device: candidate.device,
    fsType: candidate.fsType,
    totalBytes: candidate.totalBytes,
    freeBytes: candidate.freeBytes,
    isSystemDrive: candidate.isSystemDrive,
    snapshotData: { possible: candidate.snapshotData.possible, reason: candidate.snapshotData.reason },
  };
}

export function toWireReport(report: SystemStateReport): DiagnosticReport {
  return {
    generatedAt: report.generatedAt,
    product: report.product,
    machine: { ...report.machine },
    snapshot: { ...report.snapshot },
    overall: report.overall,
    checks: report.checks.map((check) => toWireCheck(check, report.machine.platform === 'win32')),
    components: report.components.map((c) => ({
      id: c.id,
      title: c.title,
      detected: c.detected,
      evidence: [...c.evidence],
      estimate: { bytes: c.estimate.bytes, files: c.estimate.files },
    })),
  };
}

/**
 * The numbers behind the free-space check of a preflight, and the drive its fix suggests, for a one-click fix.
 * The suggestion follows the check's own rule (free-space-check.ts): the other drive with the most free space
 * that has at least 1.1 × the estimate. Null when the location is not on a local drive.
 */
export function freeSpaceSummary(preflight: {
  checks: readonly CheckResult[];
  location: string;
  components: readonly DetectedComponent[];
  machine: MachineContext;
}): FreeSpaceSummary | null {
  const { machine, location } = preflight;
  const check = preflight.checks.find((c) => c.id === 'free-space');
  if (check === undefined || check.code === 'INVALID_LOCATION') return null;
  const drive = driveOf(machine.drives, location, machine.windows);
  if (drive === undefined) return null;
  const estimateBytes = addEstimates(
    preflight.components.filter((c) => c.detected).map((c) => c.estimate),
  ).bytes;
  const failBelowBytes = Math.ceil(estimateBytes * failRatio);
  const suggested =
    check.status === 'pass'
      ? undefined
      : listCandidates(machine)
          .filter((c) => c.path !== drive.mountPoint && c.freeBytes >= failBelowBytes)
          .sort((a, b) => b.freeBytes - a.freeBytes)[0];
  return {
    location,
    driveMount: drive.mountPoint,
    freeBytes: drive.freeBytes,
    estimateBytes,
    failBelowBytes,
    warnBelowBytes: Math.ceil(estimateBytes * warnRatio),
    status: check.status,
    suggestedDrive: suggested === undefined ? null : toWireDrive(suggested),
  };
}

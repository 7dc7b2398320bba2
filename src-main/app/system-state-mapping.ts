/**
 * The helper's System state answers (helper-protocol/system-state-model.ts) in the contract's shapes, field by
 * field: the contract's schemas are strict, and a field the helper adds later must be added here on purpose
 * rather than reach the renderer unannounced.
 */
import type {
  PreflightCheck as HelperCheck,
  SystemStateComponent as HelperComponent,
  SnapshotDrive as HelperDrive,
  FreeSpaceSummary as HelperFreeSpace,
  SnapshotLocationState as HelperLocationState,
  PreflightResult as HelperPreflight,
  DiagnosticReport as HelperReport,
} from '../helper-protocol/system-state-model';
import type {
  DiagnosticReport,
  FreeSpaceSummary,
  PreflightCheck,
  PreflightResult,
  SnapshotDrive,
  SnapshotLocationState,
  SystemStateComponent,
} from '../ipc/contract';

export function toContractCheck(check: HelperCheck): PreflightCheck {
  return {
    id: check.id,
    status: check.status,
    code: check.code,
    title: check.title,
    evidence: [...check.evidence],
    fix: check.fix,
    blocksBackup: check.blocksBackup,
  };
}

export function toContractComponent(component: HelperComponent): SystemStateComponent {
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

export function toContractDrive(drive: HelperDrive): SnapshotDrive {
  return {
    mountPoint: drive.mountPoint,
    device: drive.device,
    fsType: drive.fsType,
    totalBytes: drive.totalBytes,
    freeBytes: drive.freeBytes,
    isSystemDrive: drive.isSystemDrive,
    snapshotData: { possible: drive.snapshotData.possible, reason: drive.snapshotData.reason },
  };
}

export function toContractLocationState(state: HelperLocationState): SnapshotLocationState {
  return {
    current: state.current,
    source: state.source,
    default: state.default,
    provider: { kind: state.provider.kind, reason: state.provider.reason },
    drives: state.drives.map(toContractDrive),
  };
}

function toContractFreeSpace(summary: HelperFreeSpace): FreeSpaceSummary {
  return {
    location: summary.location,
    driveMount: summary.driveMount,
    freeBytes: summary.freeBytes,
    estimateBytes: summary.estimateBytes,
    failBelowBytes: summary.failBelowBytes,
    warnBelowBytes: summary.warnBelowBytes,
    status: summary.status,
    suggestedDrive: summary.suggestedDrive === null ? null : toContractDrive(summary.suggestedDrive),
  };
}

export function toContractPreflight(result: HelperPreflight): PreflightResult {
  return {
    checks: result.checks.map(toContractCheck),
    overall: result.overall,
    location: result.location,
    locationSource: result.locationSource,
    freeSpace: result.freeSpace === null ? null : toContractFreeSpace(result.freeSpace),
  };
}

export function toContractReport(report: HelperReport): DiagnosticReport {
  const { machine, snapshot } = report;
  return {
    generatedAt: report.generatedAt,
    product: report.product,
    machine: {
      hostname: machine.hostname,
      platform: machine.platform,
      release: machine.release,
      arch: machine.arch,
    },
    snapshot: {
      provider: snapshot.provider,
      providerReason: snapshot.providerReason,
      location: snapshot.location,
      locationSource: snapshot.locationSource,
    },
    overall: report.overall,
    checks: report.checks.map(toContractCheck),
    components: report.components.map((c) => ({
      id: c.id,
      title: c.title,
      detected: c.detected,
      evidence: [...c.evidence],
      estimate: { bytes: c.estimate.bytes, files: c.estimate.files },
    })),
  };
}

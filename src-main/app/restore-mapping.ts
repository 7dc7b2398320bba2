/**
 * The helper's restore wire shapes (helper-protocol/restore-model.ts) as the contract's (ipc/contract/restore.ts),
 * copied field by field: the contract's schemas are strict, so a field the helper adds later must not leak into
 * the UI unchecked (nor fail every answer as INTERNAL); it reaches the UI once it is added here and there.
 */

import type * as Wire from '../helper-protocol/restore-model';
import type { RestoreTestScheduleState } from '../helper-protocol/restore-protocol';
import type {
  BootRepairResult,
  CompatibilityReport,
  RestoreComponent,
  RestoreJob,
  RestoreMachine,
  RestorePlan,
  RestoreRepositoryInfo,
  RestoreSessionEntry,
  RestoreTarget,
  RestoreTestSchedule,
} from '../ipc/contract';

export function toContractRepositoryInfo(info: Wire.RestoreRepositoryInfo): RestoreRepositoryInfo {
  return {
    handle: info.handle,
    repository: info.repository,
    repositoryId: info.repositoryId,
    systemStateSessions: info.systemStateSessions,
  };
}

export function toContractMachine(machine: Wire.RestoreMachine): RestoreMachine {
  return {
    hostname: machine.hostname,
    isThisMachine: machine.isThisMachine,
    sessions: machine.sessions,
    latestTime: machine.latestTime,
    os:
      machine.os === null
        ? null
        : { family: machine.os.family, name: machine.os.name, version: machine.os.version },
    arch: machine.arch,
    bootMode: machine.bootMode,
  };
}

function toContractComponent(component: Wire.RestoreComponent): RestoreComponent {
  return { id: component.id, title: component.title, paths: [...component.paths] };
}

export function toContractSessionEntry(entry: Wire.RestoreSessionEntry): RestoreSessionEntry {
  return {
    snapshotId: entry.snapshotId,
    shortId: entry.shortId,
    time: entry.time,
    hostname: entry.hostname,
    sizeBytes: entry.sizeBytes,
    files: entry.files,
    components: entry.components.map(toContractComponent),
    rollback: entry.rollback,
  };
}

export function toContractCompatibility(report: Wire.CompatibilityReport): CompatibilityReport {
  return {
    backedUpHostname: report.backedUpHostname,
    thisHostname: report.thisHostname,
    items: report.items.map((item) => ({
      id: item.id,
      title: item.title,
      status: item.status,
      explanation: item.explanation,
      action: item.action,
      evidence: [...item.evidence],
    })),
    overall: report.overall,
    manifestFound: report.manifestFound,
  };
}

function toContractTarget(target: Wire.RestoreTarget): RestoreTarget {
  return target.kind === 'folder'
    ? { kind: 'folder', path: target.path }
    : { kind: 'system', confirmHostname: target.confirmHostname };
}

function toContractCommand(command: Wire.PlannedCommand) {
  return {
    id: command.id,
    title: command.title,
    argv: [...command.argv],
    available: command.available,
    reason: command.reason,
  };
}

export function toContractPlan(plan: Wire.RestorePlan): RestorePlan {
  const { bootRepair, missingPackages, diskLayoutScript, windows } = plan;
  return {
    snapshotId: plan.snapshotId,
    target: toContractTarget(plan.target),
    targetRoot: plan.targetRoot,
    components: plan.components.map(toContractComponent),
    uuidRemap: {
      entries: plan.uuidRemap.entries.map((entry) => ({
        from: entry.from,
        to: entry.to,
        mountpoint: entry.mountpoint,
        reason: entry.reason,
        references: entry.references.map((ref) => ({ file: ref.file, line: ref.line })),
      })),
      unresolved: plan.uuidRemap.unresolved,
    },
    bootRepair:
      bootRepair === null
        ? null
        : {
            bindMounts: [...bootRepair.bindMounts],
            steps: bootRepair.steps.map(toContractCommand),
            notes: [...bootRepair.notes],
          },
    services: plan.services.map((service) => ({
      unit: service.unit,
      action: service.action,
      detail: service.detail,
    })),
    missingPackages:
      missingPackages === null
        ? null
        : {
            packageManager: missingPackages.packageManager,
            recorded: missingPackages.recorded,
            missing: [...missingPackages.missing],
            installCommand: missingPackages.installCommand,
            notes: [...missingPackages.notes],
          },
    diskLayoutScript:
      diskLayoutScript === null
        ? null
        : {
            script: diskLayoutScript.script,
            diskMap: { ...diskLayoutScript.diskMap },
            warnings: [...diskLayoutScript.warnings],
          },
    windows:
      windows === null
        ? null
        : {
            domainController: windows.domainController,
            sysvolMode: windows.sysvolMode,
            requirements: [...windows.requirements],
            steps: windows.steps.map((step) => ({
              id: step.id,
              title: step.title,
              detail: step.detail,
              requires: step.requires,
              commands: step.commands.map((argv) => [...argv]),
            })),
            warnings: [...windows.warnings],
          },
    notes: [...plan.notes],
  };
}

export function toContractJob(job: Wire.RestoreJob): RestoreJob {
  const { progress, verification } = job;
  return {
    id: job.id,
    kind: job.kind,
    state: job.state,
    phase: job.phase,
    snapshotId: job.snapshotId,
    hostname: job.hostname,
    target: toContractTarget(job.target),
    targetRoot: job.targetRoot,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    progress: {
      filesDone: progress.filesDone,
      filesTotal: progress.filesTotal,
      bytesDone: progress.bytesDone,
      bytesTotal: progress.bytesTotal,
      currentItem: progress.currentItem,
      bytesPerSecond: progress.bytesPerSecond,
      etaSeconds: progress.etaSeconds,
    },
    rollbackSnapshotId: job.rollbackSnapshotId,
    failures: job.failures.map((f) => ({ path: f.path, code: f.code, message: f.message })),
    verification:
      verification === null
        ? null
        : {
            filesChecked: verification.filesChecked,
            bytesChecked: verification.bytesChecked,
            mismatches: verification.mismatches.map((m) => ({ path: m.path, reason: m.reason })),
          },
    checklist: job.checklist.map((item) => ({
      id: item.id,
      title: item.title,
      status: item.status,
      detail: item.detail,
    })),
    error: job.error === null ? null : { code: job.error.code, message: job.error.message },
  };
}

export function toContractBootRepair(result: Wire.BootRepairResult): BootRepairResult {
  return {
    steps: result.steps.map((step) => ({ id: step.id, title: step.title, ok: step.ok, output: step.output })),
    ok: result.ok,
  };
}

export function toContractTestSchedule(state: RestoreTestScheduleState): RestoreTestSchedule {
  const spec = state.spec;
  return {
    spec:
      spec.kind === 'off'
        ? { kind: 'off' }
        : spec.kind === 'daily'
          ? { kind: 'daily', time: spec.time }
          : { kind: 'weekly', weekdays: [...spec.weekdays], time: spec.time },
    nextRunAt: state.nextRunAt,
    lastRunAt: state.lastRunAt,
    lastJob: state.lastJob === null ? null : toContractJob(state.lastJob),
  };
}

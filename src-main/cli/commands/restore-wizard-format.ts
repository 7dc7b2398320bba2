/** Human output of `backup-manager restore-wizard …`: machines, sessions, the compatibility report, plans, jobs. */
import type {
  CompatibilityReport,
  RestoreJob,
  RestoreMachine,
  RestorePlan,
  RestoreSessionEntry,
} from '../../helper-protocol/restore-model';
import type { RestoreTestScheduleState } from '../../helper-protocol/restore-protocol';
import { formatDuration, formatSize } from './cli-format';
import { specText } from './schedule-commands';
import { localTime, table } from './session-format';

const statusMarks = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;
const checklistMarks = { done: '[x]', todo: '[ ]', skipped: '[-]', failed: '[!]' } as const;

export function machinesTable(machines: readonly RestoreMachine[]): string {
  if (machines.length === 0) return 'no machine has System state sessions in this repository';
  return table(
    ['HOSTNAME', 'SESSIONS', 'LATEST', 'OS', 'ARCH', 'BOOT'],
    machines.map((m) => [
      `${m.hostname}${m.isThisMachine ? ' (this machine)' : ''}`,
      String(m.sessions),
      localTime(m.latestTime, false),
      m.os === null ? '?' : `${m.os.name} ${m.os.version}`.trim(),
      m.arch ?? '?',
      m.bootMode ?? '?',
    ]),
  );
}

export function sessionsTable(sessions: readonly RestoreSessionEntry[]): string {
  if (sessions.length === 0) return 'no System state sessions of this machine';
  return table(
    ['ID', 'TIME', 'SIZE', 'FILES', 'COMPONENTS'],
    sessions.map((s) => [
      s.shortId,
      localTime(s.time, false),
      formatSize(s.sizeBytes),
      String(s.files),
      `${s.rollback ? '(rollback point) ' : ''}${s.components.map((c) => c.id).join(', ')}`,
    ]),
  );
}

export function compatibilityText(report: CompatibilityReport): string {
  const lines = [
    `${report.backedUpHostname} (backed up) against ${report.thisHostname} (this machine): ${report.overall.toUpperCase()}` +
      (report.manifestFound ? '' : ' — the session has no machine manifest; only its files were compared'),
  ];
  for (const item of report.items) {
    lines.push(`${statusMarks[item.status]}  ${item.title}: ${item.explanation}`);
    if (item.action) lines.push(`      → ${item.action}`);
    for (const evidence of item.evidence) lines.push(`      ${evidence}`);
  }
  return lines.join('\n');
}

export function planText(plan: RestorePlan): string {
  const lines = [
    `Restore ${plan.snapshotId.slice(0, 8)} into ${plan.target.kind === 'system' ? `this system (${plan.targetRoot})` : plan.targetRoot}`,
    `Components: ${plan.components.map((c) => `${c.title} (${c.paths.join(', ') || 'exports only'})`).join('; ')}`,
  ];
  if (plan.uuidRemap.entries.length > 0) {
    lines.push('Filesystem UUIDs:');
    for (const e of plan.uuidRemap.entries)
      lines.push(
        `  ${e.from} → ${e.to ?? 'UNRESOLVED'}${e.mountpoint ? ` (${e.mountpoint})` : ''}: ${e.reason}; ` +
          e.references.map((r) => `${r.file}:${r.line}`).join(', '),
      );
    if (plan.uuidRemap.unresolved > 0)
      lines.push(`  ${plan.uuidRemap.unresolved} unresolved: choose a filesystem with --map-uuid OLD=NEW`);
  }
  if (plan.services.length > 0)
    lines.push(`Services: ${plan.services.map((s) => `${s.unit} (${s.action})`).join(', ')}`);
  if (plan.missingPackages !== null) {
    const p = plan.missingPackages;
    lines.push(`Packages: ${p.missing.length} of ${p.recorded} recorded are missing in the target`);
    if (p.installCommand) lines.push(`  install: ${p.installCommand}`);
  }
  if (plan.bootRepair !== null) {
    lines.push('Boot repair (runs only when confirmed):');
    for (const step of plan.bootRepair.steps)
      lines.push(
        `  ${step.available ? '-' : 'x'} ${step.title}${step.available ? `: ${step.argv.join(' ')}` : ` (${step.reason})`}`,
      );
  }
  if (plan.diskLayoutScript !== null)
    lines.push(
      `Disk layout script: ${plan.diskLayoutScript.script.split('\n').length} lines (saved with the job, never run)` +
        plan.diskLayoutScript.warnings.map((w) => `\n  warning: ${w}`).join(''),
    );
  if (plan.windows !== null) {
    lines.push('Windows steps:');
    for (const step of plan.windows.steps)
      lines.push(`  - ${step.title}${step.requires ? ` (requires ${step.requires})` : ''}`);
    for (const requirement of plan.windows.requirements) lines.push(`  requires: ${requirement}`);
  }
  for (const note of plan.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

const kindLabels = { restore: 'restore', rollback: 'rollback', 'test-restore': 'test restore' } as const;

export function jobStartedText(job: RestoreJob): string {
  return `started ${kindLabels[job.kind]} job ${job.id} into ${job.targetRoot}`;
}

/** The live line: phase, percent, files, bytes, rate, ETA, current item. */
export function jobProgressLine(job: RestoreJob): string {
  const p = job.progress;
  const percent =
    p.bytesTotal !== null && p.bytesTotal > 0
      ? `${Math.min(100, (p.bytesDone / p.bytesTotal) * 100).toFixed(1)}%`
      : '';
  return [
    job.phase,
    percent,
    `${p.filesDone}/${p.filesTotal ?? '?'} files`,
    `${formatSize(p.bytesDone)}/${p.bytesTotal === null ? '?' : formatSize(p.bytesTotal)}`,
    p.bytesPerSecond === null ? '' : `${formatSize(p.bytesPerSecond)}/s`,
    p.etaSeconds === null ? '' : `ETA ${formatDuration(p.etaSeconds)}`,
    p.currentItem ?? '',
  ]
    .filter(Boolean)
    .join('  ');
}

export function jobOutcomeText(job: RestoreJob): string {
  const lines = [
    `${kindLabels[job.kind]} job ${job.id}: ${job.state}${job.error ? ` (${job.error.code}: ${job.error.message})` : ''}`,
  ];
  if (job.rollbackSnapshotId !== null && job.kind === 'restore')
    lines.push(
      `rollback snapshot: ${job.rollbackSnapshotId.slice(0, 8)} (undo: backup-manager restore-wizard rollback --job ${job.id} …)`,
    );
  if (job.verification !== null)
    lines.push(
      `verified: ${job.verification.filesChecked} files, ${formatSize(job.verification.bytesChecked)}, ` +
        `${job.verification.mismatches.length} mismatches`,
    );
  for (const failure of job.failures.slice(0, 20))
    lines.push(`not restored: ${failure.path}: ${failure.code}: ${failure.message}`);
  if (job.failures.length > 20) lines.push(`… ${job.failures.length - 20} more not restored (see --json)`);
  for (const mismatch of job.verification?.mismatches.slice(0, 20) ?? [])
    lines.push(`mismatch: ${mismatch.path}: ${mismatch.reason}`);
  for (const item of job.checklist)
    lines.push(`${checklistMarks[item.status]} ${item.title}: ${item.detail}`);
  return lines.join('\n');
}

export function testScheduleText(schedule: RestoreTestScheduleState): string {
  return [
    `test restore: ${specText(schedule.spec)}`,
    `next run: ${localTime(schedule.nextRunAt, false)}`,
    `last scheduled run: ${localTime(schedule.lastRunAt, false)}`,
    `last test restore: ${schedule.lastJob === null ? '-' : `${schedule.lastJob.id} ${schedule.lastJob.state} (${localTime(schedule.lastJob.startedAt)})`}`,
  ].join('\n');
}

/**
 * The System state phases before the backup: preflight (checks, components, paths), snapshot (the provider this
 * machine uses, its handle journaled at once so a crash cannot lose it) and collect (exports and machine
 * manifest into the staging folder, journaled before anything is written there).
 */
import type { SessionErrorCode } from '../../helper-protocol/session-model';
import { addEstimates } from '../../system-state/catalog/component';
import type { CheckCode } from '../../system-state/errors';
import { stagingFolder } from '../../system-state/exports/run-exports';
import { formatBytes } from '../../system-state/format-bytes';
import type { CheckResult } from '../../system-state/preflight/check';
import type { StagingResult } from '../../system-state/system-state-service';
import { nonBlockingExplanations, nonBlockingReason } from './preflight-policy';
import type { AttemptContext } from './session-context';
import { journaled, reportProblem } from './session-context';
import { SessionError } from './session-failure';
import { normalizePaths } from './session-paths';
import { recordSnapshot } from './session-snapshot';
import { explainByFreeSpace } from './session-space';

/** The session code of a blocking check. Retryability follows the failure classification's defaults. */
function sessionCodeOf(code: CheckCode): { code: SessionErrorCode; retryable?: boolean } {
  switch (code) {
    case 'INSUFFICIENT_SPACE':
    case 'LOW_FREE_SPACE':
      return { code: 'INSUFFICIENT_SPACE', retryable: false };
    case 'INVALID_LOCATION':
      return { code: 'INVALID_LOCATION', retryable: false };
    case 'SERVICE_STOPPED':
      return { code: 'SERVICE_STOPPED' };
    // A service that is not installed or not automatic stays so however long we wait.
    case 'SERVICE_NOT_AUTOMATIC':
    case 'SERVICE_NOT_INSTALLED':
      return { code: 'SERVICE_STOPPED', retryable: false };
    case 'VSS_WRITER_UNSTABLE':
      return { code: 'VSS_WRITER_UNSTABLE', retryable: true };
    case 'VSS_UNAVAILABLE':
      return { code: 'VSS_UNAVAILABLE' };
    default:
      return { code: 'PREFLIGHT_FAILED', retryable: false };
  }
}

function describeCheck(check: CheckResult): string {
  const lines = [`Check "${check.title}" (${check.id}): ${check.status} ${check.code}`];
  for (const evidence of check.evidence) lines.push(`  ${evidence}`);
  if (check.fix) lines.push(`  Fix: ${check.fix}`);
  return lines.join('\n');
}

/** Result of the System state preflight: the paths to back up, or nothing to back up on this machine. */
export type PreflightOutcome = { kind: 'ready' } | { kind: 'no-selection'; reason: string };

export async function systemStatePreflight(context: AttemptContext): Promise<PreflightOutcome> {
  const { deps, log } = context;
  const location = context.settings.snapshotLocation ?? (await deps.systemState.location()).location;
  context.location = location;
  log.info(`Snapshot location: ${location}`);
  const result = await deps.systemState.preflight(location);
  const windows = result.machine.windows;
  const blocking: CheckResult[] = [];
  for (const check of result.checks) {
    if (check.status === 'pass') {
      log.info(describeCheck(check));
    } else if (check.status === 'warn') {
      log.warning(describeCheck(check));
    } else {
      const reason = nonBlockingReason(check, windows);
      if (reason !== null) {
        log.warning(`${describeCheck(check)}\n  ${nonBlockingExplanations[reason]}`);
      } else {
        log.error(describeCheck(check));
        blocking.push(check);
      }
    }
  }
  const first = blocking[0];
  if (first !== undefined) {
    const mapped = sessionCodeOf(first.code);
    const others = blocking.length > 1 ? ` (and ${blocking.length - 1} more failing checks in the log)` : '';
    throw new SessionError(
      mapped.code,
      `preflight check "${first.title}" failed: ${first.evidence.join('; ')}${first.fix ? `. ${first.fix}` : ''}${others}`,
      { retryable: mapped.retryable, check: first.id },
    );
  }

  const detected = result.components.filter((c) => c.detected);
  for (const component of result.components)
    log.info(
      `Component ${component.title} (${component.id}): ${component.detected ? 'detected' : 'not detected'}` +
        `${component.paths.length > 0 ? `; paths ${component.paths.join(', ')}` : ''}`,
    );
  const paths = normalizePaths(detected.flatMap((c) => c.paths));
  if (paths.length === 0)
    return {
      kind: 'no-selection',
      reason: 'no System state component with files was detected on this machine',
    };
  context.paths = paths;
  deps.journal.setPaths(context.session.id, paths);
  // The summary's paths changed: the UI shows what this session backs up from now on.
  const summary = deps.journal.getSummary(context.session.id);
  if (summary !== null) journaled(deps, summary);
  context.estimateBytes = addEstimates(detected.map((c) => c.estimate)).bytes;
  log.info(`Backing up ${paths.join(', ')} (estimate ${formatBytes(context.estimateBytes)})`);

  const machine = result.machine;
  const kind = machine.choice.kind;
  // The temporary copy mirrors the root (and copies only the component paths); the others snapshot the system
  // drive: the btrfs or LVM root filesystem, the Windows system volume.
  const source =
    kind === 'temp-copy' ? '/' : (machine.systemDrive?.mountPoint ?? (machine.windows ? 'C:\\' : '/'));
  context.snapshotPlan = { kind, source, location };
  log.info(`Snapshot technology: ${kind} (${machine.choice.reason})`);
  return { kind: 'ready' };
}

export async function systemStateSnapshot(context: AttemptContext): Promise<void> {
  const plan = context.snapshotPlan;
  if (plan === null) throw new SessionError('INTERNAL_ERROR', 'snapshot phase without a snapshot plan');
  const provider = context.deps.providers[plan.kind];
  context.log.info(`Creating the ${plan.kind} snapshot of ${plan.source} at ${plan.location}`);
  let handle: Awaited<ReturnType<typeof provider.create>>;
  try {
    handle = await provider.create({
      sessionId: context.session.id,
      source: plan.source,
      location: plan.location,
      paths: context.paths,
      estimateBytes: context.estimateBytes,
      signal: context.signal,
    });
  } catch (error) {
    throw await explainByFreeSpace(error, plan.location, `creating the ${plan.kind} snapshot`);
  }
  recordSnapshot(context, provider, handle);
}

export async function collectExports(context: AttemptContext): Promise<void> {
  const { deps, log } = context;
  const location = context.location;
  if (location === null)
    throw new SessionError('INTERNAL_ERROR', 'collect phase without a snapshot location');
  const stagingDir = stagingFolder(location, context.session.id);
  // Journaled before anything is written, so a crash in the middle leaves a folder the recovery knows about.
  deps.journal.setStagingDir(context.session.id, stagingDir);
  context.stagingDir = stagingDir;
  log.info(`Writing the exports and the machine manifest into ${stagingDir}`);
  let staged: StagingResult;
  try {
    staged = await deps.systemState.stage(context.session.id, location);
  } catch (error) {
    throw await explainByFreeSpace(error, location, 'writing the exports');
  }
  const detected = new Set(staged.components.filter((c) => c.detected).map((c) => c.id));
  for (const result of staged.exports) {
    const line = `Export ${result.id} (${result.componentId}): ${result.outcome}: ${result.evidence}`;
    if (result.outcome === 'written') log.info(line);
    // An export of a component this machine does not have (EFI entries on a BIOS machine) is expected to fail.
    else if (!detected.has(result.componentId))
      log.info(`${line} (component not detected here: nothing is missing)`);
    else reportProblem(context, `${line} — this part of System state is missing from the backup`);
  }
  log.info(`Machine manifest written: ${staged.manifestFile}`);
}

/**
 * The restore wizard's words and small rules: the steps, status labels with icons (never colour alone), the job's
 * phases, the default target folder, and the checks of what the user typed. Pure functions, tested on their own;
 * the components only show what these return.
 */
import type {
  RestoreChecklistItem,
  RestoreCheckStatus,
  RestoreJob,
  RestoreJobPhase,
  RestoreJobState,
  RestoreMachine,
  RestorePlan,
} from '@contract';
import { positionState } from '../../components/stepper';
import { remoteErrorHint } from '../remote-repository/remote-text';
import { checkRepositoryLocation, type LocationKind } from '../remote-repository/repository-location';

export type Tone = 'ok' | 'warn' | 'error' | 'neutral' | 'running';

export interface StatusView {
  label: string;
  icon: string;
  tone: Tone;
}

export const wizardSteps = [
  { id: 'repository', title: 'Repository' },
  { id: 'session', title: 'Machine and session' },
  { id: 'components', title: 'Components' },
  { id: 'compatibility', title: 'Compatibility' },
  { id: 'target', title: 'Target' },
  { id: 'run', title: 'Restore' },
  { id: 'result', title: 'Result' },
] as const;

export type WizardStep = (typeof wizardSteps)[number]['id'];

export function stepNumber(step: WizardStep): number {
  return wizardSteps.findIndex((s) => s.id === step) + 1;
}

export function stepTitle(step: WizardStep): string {
  return wizardSteps.find((s) => s.id === step)?.title ?? step;
}

export const checkViews: Record<RestoreCheckStatus, StatusView> = {
  pass: { label: 'Passed', icon: '✓', tone: 'ok' },
  warn: { label: 'Warning', icon: '!', tone: 'warn' },
  fail: { label: 'Failed', icon: '✕', tone: 'error' },
};

/** The compatibility report's verdict in one sentence. */
export const overallVerdicts: Record<RestoreCheckStatus, string> = {
  pass: 'This machine matches the backed-up one: the restore can go ahead.',
  warn: 'This machine differs from the backed-up one. The restore can go ahead; read what it adjusts and what is left to you.',
  fail: 'This machine cannot run the backed-up system as it is. Restoring into a folder still works (to inspect or copy files); applying it to this system is not offered.',
};

export const jobStateViews: Record<RestoreJobState, StatusView> = {
  running: { label: 'Running', icon: '▶', tone: 'running' },
  completed: { label: 'Completed', icon: '✓', tone: 'ok' },
  'completed-with-errors': { label: 'Completed with errors', icon: '!', tone: 'warn' },
  failed: { label: 'Failed', icon: '✕', tone: 'error' },
  cancelled: { label: 'Cancelled', icon: '■', tone: 'neutral' },
};

export function isJobEnded(job: Pick<RestoreJob, 'state'>): boolean {
  return job.state !== 'running';
}

/**
 * Whether `update` is at least as far along as `known` (events and answers to reads may cross): a job never goes
 * back from ended to running, nor to an earlier phase, nor to fewer files or bytes within a phase.
 */
export function isSameOrNewer(update: RestoreJob, known: RestoreJob): boolean {
  const rank = (job: RestoreJob) => [
    isJobEnded(job) ? 1 : 0,
    phaseOrder.indexOf(job.phase),
    job.progress.filesDone,
    job.progress.bytesDone,
  ];
  const a = rank(update);
  const b = rank(known);
  for (let i = 0; i < a.length; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** Only a finished restore applied to this system, with its rollback backup, can be undone. */
export function canRollBack(
  job: Pick<RestoreJob, 'kind' | 'state' | 'target' | 'rollbackSnapshotId'>,
): boolean {
  return (
    job.kind === 'restore' &&
    job.target.kind === 'system' &&
    job.state !== 'running' &&
    job.rollbackSnapshotId !== null
  );
}

/**
 * Whether "Run boot repair…" is offered after a job: a finished restore (not failed or cancelled) whose plan has a
 * boot repair. Without the plan (a job followed after a reload) it is offered and the helper decides.
 */
export function offersBootRepair(
  job: Pick<RestoreJob, 'kind' | 'state'>,
  plan: Pick<RestorePlan, 'bootRepair'> | null,
): boolean {
  if (job.kind !== 'restore') return false;
  if (job.state !== 'completed' && job.state !== 'completed-with-errors') return false;
  return plan === null || plan.bootRepair !== null;
}

/** Why the planned boot repair cannot run at all (no step of it can), or null when it can or the plan is unknown. */
export function bootRepairBlocked(plan: Pick<RestorePlan, 'bootRepair'> | null): string | null {
  const steps = plan?.bootRepair?.steps;
  if (!steps || steps.length === 0 || steps.some((step) => step.available)) return null;
  return `None of its steps can run in this target: ${steps.map((step) => step.reason).join(' ')}`;
}

/** "2 to enable, 5 already enabled, 19 not installed here". */
export function servicesSummary(services: Pick<RestorePlan['services'][number], 'action'>[]): string {
  const count = (action: string) => services.filter((s) => s.action === action).length;
  const parts = [
    [count('enable'), 'to enable'],
    [count('already-enabled'), 'already enabled'],
    [count('unit-missing'), 'not installed here'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, words]) => `${n} ${words}`)
    .join(', ');
}

/** The result's headline. */
export function outcomeText(job: Pick<RestoreJob, 'kind' | 'state' | 'targetRoot'>): string {
  const what =
    job.kind === 'rollback'
      ? 'The rollback'
      : job.kind === 'test-restore'
        ? 'The test restore'
        : 'The restore';
  switch (job.state) {
    case 'running':
      return `${what} is running.`;
    case 'completed':
      return `${what} completed: every restored file was verified against the repository.`;
    case 'completed-with-errors':
      return `${what} completed with errors: some entries were not restored or did not verify (listed below).`;
    case 'failed':
      return `${what} failed.`;
    case 'cancelled':
      return `${what} was cancelled. What was written before stays in ${job.targetRoot}.`;
  }
}

export const checklistViews: Record<RestoreChecklistItem['status'], StatusView> = {
  done: { label: 'Done', icon: '✓', tone: 'ok' },
  todo: { label: 'To do', icon: '○', tone: 'warn' },
  skipped: { label: 'Skipped', icon: '–', tone: 'neutral' },
  failed: { label: 'Failed', icon: '✕', tone: 'error' },
};

export const phaseLabels: Record<RestoreJobPhase, string> = {
  prepare: 'Prepare',
  'rollback-backup': 'Rollback backup',
  restore: 'Restore files',
  verify: 'Verify',
  'post-restore': 'Post-restore',
  done: 'Done',
};

const phaseOrder: readonly RestoreJobPhase[] = [
  'prepare',
  'rollback-backup',
  'restore',
  'verify',
  'post-restore',
  'done',
];

export type PhaseState = 'done' | 'current' | 'pending' | 'skipped' | 'stopped';

/**
 * The stepper's phases. A restore into a folder takes no rollback backup, so that step reads "not needed"
 * rather than vanishing (the stepper keeps its width). The phase a failed or cancelled job stopped in is marked.
 */
export function phaseStates(
  job: Pick<RestoreJob, 'phase' | 'state' | 'target'>,
): { phase: RestoreJobPhase; label: string; state: PhaseState }[] {
  const at = phaseOrder.indexOf(job.phase);
  const stopped = job.state === 'failed' || job.state === 'cancelled';
  return phaseOrder
    .filter((p) => p !== 'done')
    .map((phase) => {
      let state: PhaseState = positionState(phaseOrder.indexOf(phase), at);
      if (phase === 'rollback-backup' && job.target.kind === 'folder') state = 'skipped';
      else if (state === 'current' && stopped) state = 'stopped';
      return { phase, label: phaseLabels[phase], state };
    });
}

export const phaseStateWords: Record<PhaseState, string> = {
  done: 'done',
  current: 'current',
  pending: 'not started',
  skipped: 'not needed',
  stopped: 'stopped here',
};

/** "Debian GNU/Linux 12 · x64 · UEFI", or what is known of it. */
export function describeMachine(machine: Pick<RestoreMachine, 'os' | 'arch' | 'bootMode'>): string {
  const parts: string[] = [];
  if (machine.os) {
    const { name, version } = machine.os;
    // Some names already carry the version ("Debian GNU/Linux 12 (bookworm)").
    parts.push(name.includes(version) ? name : `${name} ${version}`.trim());
  }
  if (machine.arch) parts.push(machine.arch);
  if (machine.bootMode === 'uefi') parts.push('UEFI');
  else if (machine.bootMode === 'bios') parts.push('BIOS');
  return parts.length > 0 ? parts.join(' · ') : 'No machine description in its newest session';
}

export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
}

/** The default folder a restore writes to: beside nothing of the running system, named after the session. */
export function defaultTargetFolder(platform: string | null, hostname: string, shortId: string): string {
  const name = `${hostname}-${shortId}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return platform === 'win32'
    ? `C:\\BackupManagerRestore\\${name}`
    : `/var/tmp/backup-manager-restore/${name}`;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

export function checkTargetFolder(input: string): Checked<string> {
  const path = input.trim();
  if (path === '') return { ok: false, problem: 'Type the folder to restore into.' };
  if (path.length > 4096) return { ok: false, problem: 'The path is longer than 4096 characters.' };
  if (!isAbsolutePath(path))
    return { ok: false, problem: 'Use an absolute path, such as /mnt/target or D:\\Restore.' };
  if (path === '/' || /^[A-Za-z]:[\\/]?$/.test(path))
    return {
      ok: false,
      problem: 'That is the root of a drive: to restore onto this system, choose "Apply to this system".',
    };
  return { ok: true, value: path };
}

/** The location typed in step 1: a folder (or USB disk), an SFTP server or S3 storage, as the contract takes it. */
export function checkRepositoryPath(
  input: string,
): { ok: true; value: string; kind: LocationKind } | { ok: false; problem: string } {
  if (input.trim() === '')
    return {
      ok: false,
      problem:
        'Type the location of the repository: a folder or a USB disk (/media/usb/backup), sftp:user@host:/path or s3:https://host/bucket.',
    };
  const checked = checkRepositoryLocation(input);
  return checked.ok ? { ok: true, value: checked.location, kind: checked.kind } : checked;
}

/**
 * The name typed back must be this machine's, exactly as the helper compares it (surrounding spaces aside): a
 * help-desk person connected to the wrong machine must not get through by a near miss.
 */
export function hostnameMatches(typed: string, hostname: string): boolean {
  return typed.trim() === hostname && hostname !== '';
}

const uuidPattern = /^[0-9A-Fa-f-]{4,64}$/;

/** A UUID typed for an unresolved row: empty (no choice), valid, or why not. */
export function checkUuid(input: string): Checked<string | null> {
  const uuid = input.trim();
  if (uuid === '') return { ok: true, value: null };
  if (!uuidPattern.test(uuid))
    return { ok: false, problem: 'A filesystem UUID is hex digits and dashes (blkid shows them).' };
  return { ok: true, value: uuid };
}

/** The repository errors the first step explains in words of its own, with what to try. */
export function openErrorHint(code: string): string | null {
  switch (code) {
    case 'WRONG_PASSWORD':
      return 'The password is not right for this repository. Check it (it is case-sensitive) and try again.';
    case 'REPO_NOT_FOUND':
      return 'There is no backup repository at this path. Check that the disk is connected and the path is the repository folder (it holds a "config" file and a "data" folder).';
    case 'PASSWORD_REQUIRED':
      return 'Type the password of the repository.';
    case 'REPO_CORRUPT':
      return 'The repository is damaged. Run a check of the repository before restoring from it.';
    case 'REPO_LOCKED':
      return 'Another program holds a lock on the repository. Wait for it to finish, then try again.';
    case 'HOST_KEY_MISMATCH':
      return 'The SFTP server’s host key is not one you trusted (never seen, or changed). Compare it below with the server’s own; once you trust it, the repository is opened again.';
    case 'AUTH_FAILED':
      return "The server refused the login. SFTP: the helper logs in with the SSH key file of Settings, which must be in the server's authorized_keys for that user. S3: check the access key ID and the secret (or the ones remembered in Settings), and that they may read this bucket.";
    default:
      return remoteErrorHint(code);
  }
}

/** What to do about a refusal any step can meet (the repository was forgotten, another restore runs…). */
export function failureHint(code: string): string | null {
  switch (code) {
    case 'RESTORE_HANDLE_UNKNOWN':
      return 'The helper no longer has this repository open (it restarted, or the wizard was idle for 30 minutes): close it and open it again in step 1.';
    case 'RESTORE_JOB_NOT_FOUND':
      return 'The helper no longer knows this restore: it restarted, which stopped the restore. Prepare it again.';
    case 'RESTORE_BUSY':
      return 'Another restore writes there right now. Wait for it to end, or choose another folder.';
    case 'INVALID_TARGET':
      return 'Choose another folder.';
    case 'CONFIRMATION_MISMATCH':
      return "Type this machine's name exactly as shown.";
    case 'NOT_AUTHORIZED':
      return 'A restore writes files as the administrator, so an administrator must approve it. Approve the password prompt of your desktop, or run the restore as root: sudo backup-manager restore-wizard run …';
    case 'HELPER_UNAVAILABLE':
      return 'The helper is not answering: see the status at the top right.';
    default:
      return openErrorHint(code);
  }
}

/** A shown plan still matches the choices only when it was made for exactly these. */
export function planMatches(plan: RestorePlan | null, planKey: string | null, currentKey: string): boolean {
  return plan !== null && planKey === currentKey;
}

/** "3 of 5 components". */
export function selectionSummary(selected: number, total: number): string {
  if (selected === 0) return 'No selection';
  return selected === total
    ? `All ${total} component${total === 1 ? '' : 's'}`
    : `${selected} of ${total} components`;
}

/** "24 Nov 2026, 02:00": sessions can be months old, so the year is always there. */
export function formatDateTime(iso: string | null): string {
  if (iso === null) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** What the run step's progress counts in the job's phase (the numbers are that phase's). */
export function progressLabel(job: Pick<RestoreJob, 'phase'>): string {
  if (job.phase === 'rollback-backup') return 'Backed up for the rollback point';
  if (job.phase === 'verify') return 'Verified';
  return 'Restored';
}

/** The run step's headline: the rollback backup comes before an apply's restore, and says so. */
export function runningHeadline(job: Pick<RestoreJob, 'kind' | 'phase' | 'hostname'>): string {
  if (job.kind === 'rollback')
    return `Rolling back: putting the state from before ${job.hostname}'s session was applied back into`;
  if (job.phase === 'rollback-backup')
    return `Backing up what applying ${job.hostname}'s session will overwrite (the rollback point), then restoring it into`;
  return `Restoring ${job.hostname}'s session into`;
}

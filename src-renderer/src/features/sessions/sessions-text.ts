/**
 * The Sessions screen's words and numbers: status labels and tones (text and icon, never colour alone), the
 * phases a source goes through, durations, the attempt chain of a restarted session, the timeline
 * grouped per attempt, and the link into a troubleshooting check. Pure functions, tested on their own.
 */
import type {
  CheckStatus,
  PreflightCheck,
  SessionDetail,
  SessionLogEntry,
  SessionPhase,
  SessionSource,
  SessionStatus,
  SessionSummary,
} from '@contract';
import { formatCount } from '../../components/format';
import { positionState } from '../../components/stepper';

export type Tone = 'ok' | 'warn' | 'error' | 'neutral' | 'running';

export interface StatusView {
  label: string;
  tone: Tone;
  icon: string;
}

/** N-able's names, with an icon so the status is readable without colour. */
export const statusViews: Record<SessionStatus, StatusView> = {
  'in-process': { label: 'In process', tone: 'running', icon: '▶' },
  completed: { label: 'Completed', tone: 'ok', icon: '✓' },
  'completed-with-errors': { label: 'Completed with errors', tone: 'warn', icon: '!' },
  failed: { label: 'Failed', tone: 'error', icon: '✕' },
  aborted: { label: 'Aborted', tone: 'neutral', icon: '■' },
  interrupted: { label: 'Interrupted', tone: 'warn', icon: '⏸' },
  restarted: { label: 'Restarted', tone: 'running', icon: '↻' },
  'not-started': { label: 'Not started', tone: 'neutral', icon: '–' },
  'no-selection': { label: 'No selection', tone: 'neutral', icon: '∅' },
};

const terminal: ReadonlySet<SessionStatus> = new Set([
  'completed',
  'completed-with-errors',
  'failed',
  'aborted',
  'not-started',
  'no-selection',
]);

export function isTerminal(status: SessionStatus): boolean {
  return terminal.has(status);
}

/** Running, or waiting for its automatic restart: shown in the live panel. */
export function isLive(session: Pick<SessionSummary, 'status'>): boolean {
  return !isTerminal(session.status);
}

export const sourceLabels: Record<SessionSource, string> = {
  'system-state': 'System state',
  files: 'Files',
};

export const phaseLabels: Record<SessionPhase, string> = {
  queued: 'Queued',
  preflight: 'Preflight',
  snapshot: 'Snapshot',
  collect: 'Collect',
  backup: 'Back up',
  verify: 'Verify',
  cleanup: 'Clean up',
  done: 'Done',
};

/** The steps shown in the stepper: Files sessions skip the snapshot and the collection. */
export function phasesOf(source: SessionSource): SessionPhase[] {
  return source === 'files'
    ? ['preflight', 'backup', 'verify', 'cleanup']
    : ['preflight', 'snapshot', 'collect', 'backup', 'verify', 'cleanup'];
}

export type StepState = 'done' | 'current' | 'pending';

const phaseOrder: readonly SessionPhase[] = [
  'queued',
  'preflight',
  'snapshot',
  'collect',
  'backup',
  'verify',
  'cleanup',
  'done',
];

export function stepStates(
  source: SessionSource,
  phase: SessionPhase,
): { phase: SessionPhase; label: string; state: StepState }[] {
  const at = phaseOrder.indexOf(phase);
  return phasesOf(source).map((p) => {
    return { phase: p, label: phaseLabels[p], state: positionState(phaseOrder.indexOf(p), at) };
  });
}

/** "42 s", "3 min 5 s", "1 h 12 min". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

export function sessionDuration(session: Pick<SessionSummary, 'startedAt' | 'endedAt'>, now: number): string {
  if (session.startedAt === null) return '—';
  const end = session.endedAt === null ? now : Date.parse(session.endedAt);
  return formatDuration((end - Date.parse(session.startedAt)) / 1000);
}

export function formatTime(iso: string | null): string {
  if (iso === null) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/**
 * The story of a session that was interrupted, from its summary: each attempt's outcome then the session's status,
 * e.g. "Interrupted → Restarted → Completed". Every attempt but the last ended Interrupted (only an interruption
 * is restarted), and the last one too when all of them did (it then waits, or was cancelled while waiting). Null
 * when there is no story beyond the status.
 */
export function attemptChain(
  session: Pick<SessionSummary, 'attempt' | 'interruptions' | 'status'>,
): string | null {
  const steps: string[] = [];
  const allInterrupted = session.interruptions >= session.attempt;
  for (let attempt = 1; attempt <= session.attempt; attempt++) {
    if (attempt > 1) steps.push(statusViews.restarted.label);
    if (attempt < session.attempt || allInterrupted) steps.push(statusViews.interrupted.label);
    // The last attempt ended as the session did; a running one has no outcome yet.
    else if (isTerminal(session.status)) steps.push(statusViews[session.status].label);
  }
  if (allInterrupted && isTerminal(session.status)) steps.push(statusViews[session.status].label);
  return steps.length < 2 ? null : steps.join(' → ');
}

export interface TimelineGroup {
  attempt: number;
  title: string;
  outcome: StatusView | null;
  entries: { seq: number; at: string; phase: string; status: StatusView; detail: string | null }[];
}

/** The transitions per attempt (attempt 0: queued before the first run), so a restart reads as one story. */
export function timelineGroups(detail: Pick<SessionDetail, 'transitions' | 'attempts'>): TimelineGroup[] {
  const groups = new Map<number, TimelineGroup>();
  for (const t of detail.transitions) {
    let group = groups.get(t.attempt);
    if (!group) {
      const attempt = detail.attempts.find((a) => a.attempt === t.attempt);
      group = {
        attempt: t.attempt,
        title: t.attempt === 0 ? 'Before the first attempt' : `Attempt ${t.attempt}`,
        outcome: attempt?.outcome ? statusViews[attempt.outcome] : null,
        entries: [],
      };
      groups.set(t.attempt, group);
    }
    group.entries.push({
      seq: t.seq,
      at: t.at,
      phase: phaseLabels[t.phase],
      status: statusViews[t.status],
      detail: t.detail,
    });
  }
  return [...groups.values()].sort((a, b) => a.attempt - b.attempt);
}

export const logLevelLabels: Record<SessionLogEntry['level'], string> = {
  debug: 'Debug',
  info: 'Info',
  warning: 'Warning',
  error: 'Error',
};

/** The tone a log level is shown in (with its label, never the colour alone); info keeps the text colour. */
export const logLevelTones: Record<SessionLogEntry['level'], Tone | null> = {
  debug: 'neutral',
  info: null,
  warning: 'warn',
  error: 'error',
};

/** The deep link the Troubleshooting screen reads (`#/troubleshooting?check=<id>`). */
export function troubleshootingHref(check: string): string {
  return `#/troubleshooting?check=${encodeURIComponent(check)}`;
}

/** "free-space" → "free space". */
export function checkName(check: string): string {
  return check.replace(/-/g, ' ');
}

export const checkStatusViews: Record<CheckStatus, { label: string; icon: string; tone: Tone }> = {
  pass: { label: 'Passed', icon: '✓', tone: 'ok' },
  warn: { label: 'Warning', icon: '!', tone: 'warn' },
  fail: { label: 'Failed', icon: '✕', tone: 'error' },
};

/** Whether a check stops a session: the helper says so per check (its rule, sessions/preflight-policy.ts). */
export function blocks(check: Pick<PreflightCheck, 'blocksBackup'>): boolean {
  return check.blocksBackup;
}

/** The verdict for "Back up now": fail only for a blocking failure; any other problem is a warning. */
export function startVerdict(checks: Pick<PreflightCheck, 'status' | 'blocksBackup'>[]): CheckStatus {
  if (checks.some(blocks)) return 'fail';
  return checks.some((c) => c.status !== 'pass') ? 'warn' : 'pass';
}

/**
 * The history's Problems cell: "2 warnings", "1 error, 3 warnings", "None"; "—" while a running session has
 * nothing to count yet. Errors are the interruptions and the failure it ended with; warnings come with the backup
 * phase's numbers (a session that ended without reaching it has none).
 */
export function problemsSummary(session: Pick<SessionSummary, 'errors' | 'stats' | 'status'>): string {
  const warnings = session.stats?.warnings ?? 0;
  const parts: string[] = [];
  if (session.errors > 0) parts.push(`${session.errors} error${session.errors === 1 ? '' : 's'}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  if (parts.length > 0) return parts.join(', ');
  return isTerminal(session.status) ? 'None' : '—';
}

/** The history's Files cell: "3 new, 1 changed"; "—" until a backup phase ended. */
export function filesSummary(session: Pick<SessionSummary, 'stats'>): string {
  if (session.stats === null) return '—';
  return `${formatCount(session.stats.filesNew)} new, ${formatCount(session.stats.filesChanged)} changed`;
}

/** The toast line for a session that just ended. */
export function endedMessage(session: Pick<SessionSummary, 'source' | 'status' | 'failure'>): string {
  const what = `${sourceLabels[session.source]} backup`;
  const status = statusViews[session.status].label;
  return session.failure ? `${what}: ${status} — ${session.failure.message}` : `${what}: ${status}`;
}

/**
 * Human output of the session commands: tables, details, log lines, the live progress line and the outcome of a
 * session with what to do about a failure. Times are shown in local time, as the user reads a clock.
 */
import {
  type SessionDetail,
  type SessionFailure,
  type SessionLogEntry,
  type SessionProgress,
  type SessionSource,
  type SessionStatus,
  type SessionSummary,
  sessionStatusLabels,
} from '../../helper-protocol/session-model';
import { formatDuration, formatSize } from './cli-format';

export const sourceLabels: Record<SessionSource, string> = {
  'system-state': 'System state',
  files: 'Files',
};

/** Exit code of a finished session: 0 completed, 3 completed with errors, 1 anything else. */
export function exitCodeOf(status: SessionStatus): number {
  if (status === 'completed') return 0;
  if (status === 'completed-with-errors') return 3;
  return 1;
}

/** `2026-11-25 02:30:00` in local time (minutes only with seconds=false); `-` when there is no time. */
export function localTime(iso: string | null, seconds = true): string {
  if (iso === null) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  const time = `${two(date.getHours())}:${two(date.getMinutes())}`;
  return `${day} ${time}${seconds ? `:${two(date.getSeconds())}` : ''}`;
}

/** Columns padded to their widest cell; the last column is not padded (no trailing blanks). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * The history as a table: what each session did (how long it took, what it added, new and changed files, errors
 * and warnings) next to its status. `-` where a number is not known: the session has not ended, or it never
 * reached the end of a backup phase.
 */
export function sessionTable(sessions: readonly SessionSummary[]): string {
  if (sessions.length === 0) return 'no sessions';
  return table(
    [
      'ID',
      'SOURCE',
      'STATUS',
      'PHASE',
      'STARTED',
      'DURATION',
      'ADDED',
      'NEW',
      'CHANGED',
      'ERRORS',
      'WARNINGS',
      'ATTEMPT',
      'CODE',
    ],
    sessions.map((s) => [
      s.id,
      s.source,
      sessionStatusLabels[s.status],
      s.phase,
      localTime(s.startedAt, false),
      durationText(s),
      s.stats === null ? '-' : formatSize(s.stats.bytesAdded),
      s.stats === null ? '-' : String(s.stats.filesNew),
      s.stats === null ? '-' : String(s.stats.filesChanged),
      String(s.errors),
      s.stats === null ? '-' : String(s.stats.warnings),
      `${s.attempt}/${s.maxAttempts}`,
      s.failure?.code ?? '',
    ]),
  );
}

/** From the first attempt's start to the session's end (`1:05:09`, `3:05`); `-` until it ended. */
export function durationText(session: Pick<SessionSummary, 'startedAt' | 'endedAt'>): string {
  if (session.startedAt === null || session.endedAt === null) return '-';
  const seconds = (Date.parse(session.endedAt) - Date.parse(session.startedAt)) / 1000;
  return Number.isFinite(seconds) ? formatDuration(seconds) : '-';
}

/** The command that explains a failure's troubleshooting check. */
export function checkCommandOf(check: string, repository: string): string {
  return check === 'repository'
    ? `backup-manager check --repo ${repository}`
    : 'backup-manager system-state diagnose';
}

function failureLines(failure: SessionFailure, repository: string, indent: string): string[] {
  const lines = [`${indent}${failure.code}: ${failure.message}`];
  if (failure.check !== null) {
    lines.push(
      `${indent}troubleshooting check: ${failure.check} (run: ${checkCommandOf(failure.check, repository)})`,
    );
  }
  return lines;
}

function statsText(session: SessionSummary): string | null {
  const { stats } = session;
  if (stats === null) return null;
  // Unreadable entries, failed exports, a snapshot left behind: each is in the log as a warning.
  const warnings =
    stats.warnings > 0 ? `; ${stats.warnings} warning${stats.warnings === 1 ? '' : 's'} (see the log)` : '';
  return (
    `${stats.filesNew} new, ${stats.filesChanged} changed, ${stats.filesUnmodified} unmodified files; ` +
    `${formatSize(stats.bytesProcessed)} processed, ${formatSize(stats.bytesAdded)} added${warnings}`
  );
}

/** "2 (1 interruption, then the failure it ended with)". */
export function errorsText(session: Pick<SessionSummary, 'errors' | 'interruptions'>): string {
  const parts: string[] = [];
  if (session.interruptions > 0)
    parts.push(`${session.interruptions} interruption${session.interruptions === 1 ? '' : 's'}`);
  if (session.errors > session.interruptions) parts.push('the failure it ended with');
  return `${session.errors} (${parts.join(', then ')})`;
}

/** How a session ended: its status, what it wrote, and for a failure the code, the message and the check. */
export function outcomeText(session: SessionSummary): string {
  const lines = [`session ${session.id}: ${sessionStatusLabels[session.status]}`];
  if (session.snapshotId !== null) lines.push(`  snapshot ${session.snapshotId.slice(0, 8)}`);
  const stats = statsText(session);
  if (stats !== null) lines.push(`  ${stats}`);
  if (session.failure !== null) lines.push(...failureLines(session.failure, session.repository, '  '));
  return lines.join('\n');
}

/** One line per change of phase or status while waiting: `02:30:05  backup  In process (attempt 1/3)`. */
export function changeLine(session: SessionSummary): string {
  const time = localTime(new Date().toISOString()).slice(11);
  return `${time}  ${session.phase.padEnd(9)} ${sessionStatusLabels[session.status]} (attempt ${session.attempt}/${session.maxAttempts})`;
}

/** The live line: `[backup] 42.0%  1234/5678 files  1.20 GiB/2.80 GiB  95.3 MiB/s  ETA 0:17  /etc/passwd` */
export function sessionProgressLine(p: SessionProgress): string {
  const percent =
    p.bytesTotal !== null && p.bytesTotal > 0
      ? `${Math.min(100, (p.bytesDone / p.bytesTotal) * 100).toFixed(1)}%`
      : '';
  return [
    `[${p.phase}]`,
    percent,
    `${p.filesDone}/${p.filesTotal ?? '?'} files`,
    `${formatSize(p.bytesDone)}/${p.bytesTotal === null ? '?' : formatSize(p.bytesTotal)}`,
    `${formatSize(p.bytesPerSecond)}/s`,
    `ETA ${p.etaSeconds === null ? '--:--' : formatDuration(p.etaSeconds)}`,
    p.currentItem ?? '',
  ]
    .filter(Boolean)
    .join('  ');
}

export function logLine(entry: SessionLogEntry): string {
  const attempt = entry.attempt > 1 ? `[attempt ${entry.attempt}] ` : '';
  return `${localTime(entry.at)}  ${entry.level.padEnd(7)}  ${attempt}${entry.message}`;
}

export function sessionDetailText(session: SessionDetail): string {
  const field = (name: string, value: string) => `  ${`${name}:`.padEnd(14)}${value}`;
  const lines = [
    `Session ${session.id}`,
    field('Source', `${sourceLabels[session.source]} (${session.source})`),
    field('Status', `${sessionStatusLabels[session.status]} (phase ${session.phase})`),
    field('Trigger', session.trigger),
    field('Repository', session.repository),
    field('Paths', session.paths.length === 0 ? '-' : session.paths.join(', ')),
    field('Created', localTime(session.createdAt)),
    field('Started', localTime(session.startedAt)),
    field('Ended', localTime(session.endedAt)),
    field('Attempt', `${session.attempt} of ${session.maxAttempts}`),
  ];
  if (session.nextAttemptAt !== null) lines.push(field('Next attempt', localTime(session.nextAttemptAt)));
  if (session.snapshotId !== null) lines.push(field('Snapshot', session.snapshotId));
  const stats = statsText(session);
  if (stats !== null) lines.push(field('Result', stats));
  if (session.errors > 0) lines.push(field('Errors', errorsText(session)));
  if (session.failure !== null) {
    lines.push('  Failure:', ...failureLines(session.failure, session.repository, '    '));
  }
  lines.push('', 'Attempts:');
  lines.push(
    indent(
      table(
        ['#', 'STARTED', 'ENDED', 'OUTCOME', 'CODE'],
        session.attempts.map((a) => [
          String(a.attempt),
          localTime(a.startedAt),
          localTime(a.endedAt),
          a.outcome === null ? 'running' : sessionStatusLabels[a.outcome],
          a.failure?.code ?? '',
        ]),
      ),
    ),
  );
  lines.push('', 'Transitions:');
  lines.push(
    indent(
      table(
        ['SEQ', 'AT', 'ATTEMPT', 'PHASE', 'STATUS', 'DETAIL'],
        session.transitions.map((t) => [
          String(t.seq),
          localTime(t.at),
          String(t.attempt),
          t.phase,
          sessionStatusLabels[t.status],
          t.detail ?? '',
        ]),
      ),
    ),
  );
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/**
 * Test-only: the built `backup-manager backup --json` as a separate process, so a test can SIGKILL it the way a
 * crash, an OOM kill or a power cut ends a backup — no cleanup handler, no finally block runs. The JSON lines it
 * printed up to that moment tell how far it got.
 */
import { spawn } from 'node:child_process';
import type { CliBuild } from '../../testing/private-cli-build';

export interface ProgressLine {
  filesDone: number;
  bytesDone: number;
  filesTotal: number;
  bytesTotal: number;
  totalsFinal: boolean;
}

/** The fields of the CLI's `{"type":"summary",…}` line that the tests use. */
export interface SummaryLine {
  snapshot_id: string;
  files_new: number;
  bytes_processed: number;
  bytes_added: number;
  blobs_added: number;
  warnings: number;
  entries_left_out: number;
  seconds: number;
}

export interface CliBackupOptions {
  cli: CliBuild;
  repo: string;
  source: string;
  password: string;
  /** SIGKILL this long after the process was started. */
  killAfterMs?: number;
  /**
   * SIGKILL this long after the first progress line with bytes read: a point in the data phase that does not move
   * with how long start-up took (process start, key derivation, the lock's re-check wait vary most under load).
   */
  killAfterDataMs?: number;
  /** SIGKILL as soon as a progress line satisfies this. */
  killWhen?: (progress: ProgressLine) => boolean;
}

export interface CliBackupRun {
  /** 'killed' when our SIGKILL ended it; 'exited' when it ended on its own first. */
  outcome: 'killed' | 'exited';
  exitCode: number | null;
  durationMs: number;
  /** Time from the start to the first progress line with bytes read (start-up done), null if none came. */
  firstDataMs: number | null;
  progressLines: number;
  lastProgress: ProgressLine | null;
  summary: SummaryLine | null;
  /** Warning and error lines (stderr, JSON) as text. */
  warnings: string[];
  errors: string[];
}

/** A backup process running; `kill` sends SIGKILL (once, and only while it runs). */
export interface RunningCliBackup {
  done: Promise<CliBackupRun>;
  kill(): void;
}

export function runCliBackup(options: CliBackupOptions): Promise<CliBackupRun> {
  return startCliBackup(options).done;
}

export function startCliBackup(options: CliBackupOptions): RunningCliBackup {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [options.cli.script, 'backup', '--json', '--repo', options.repo, options.source],
    {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TZ: 'UTC',
        BACKUP_MANAGER_PASSWORD: options.password,
        ...options.cli.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const run: CliBackupRun = {
    outcome: 'exited',
    exitCode: null,
    durationMs: 0,
    firstDataMs: null,
    progressLines: 0,
    lastProgress: null,
    summary: null,
    warnings: [],
    errors: [],
  };
  let killed = false;
  const kill = () => {
    // Only while it runs: after 'exit' the PID may already belong to another process.
    if (killed || child.exitCode !== null || child.signalCode !== null) return;
    killed = true;
    child.kill('SIGKILL');
  };
  const timer = options.killAfterMs === undefined ? undefined : setTimeout(kill, options.killAfterMs);
  let dataTimer: NodeJS.Timeout | undefined;

  const onStdoutLine = (line: string) => {
    const value = parseLine(line);
    if (value === null) run.errors.push(`stdout: ${line}`);
    else if (value.type === 'progress') {
      run.progressLines++;
      run.lastProgress = value as unknown as ProgressLine;
      if (run.firstDataMs === null && run.lastProgress.bytesDone > 0) {
        run.firstDataMs = performance.now() - started;
        if (options.killAfterDataMs !== undefined) dataTimer = setTimeout(kill, options.killAfterDataMs);
      }
      if (options.killWhen?.(run.lastProgress)) kill();
    } else if (value.type === 'summary') {
      run.summary = value as unknown as SummaryLine;
    }
  };
  const onStderrLine = (line: string) => {
    const value = parseLine(line);
    if (value === null) run.errors.push(`stderr: ${line}`);
    else if (value.type === 'warning') run.warnings.push(value.message ?? line);
    else run.errors.push(`${value.code ?? ''}: ${value.message ?? line}`);
  };
  splitLines(child.stdout, onStdoutLine);
  splitLines(child.stderr, onStderrLine);

  const done = new Promise<CliBackupRun>((resolve, reject) => {
    child.on('error', reject);
    // 'close' (not 'exit'): every line the process printed has been read by then.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(dataTimer);
      run.durationMs = performance.now() - started;
      run.exitCode = code;
      run.outcome = killed && signal === 'SIGKILL' ? 'killed' : 'exited';
      resolve(run);
    });
  });
  return { done, kill };
}

/** A JSON line of the CLI; null for anything else (a crash's stack trace, say), which the caller reports. */
function parseLine(line: string): { type?: string; message?: string; code?: string } | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? value : null;
  } catch {
    return null;
  }
}

/** Calls `onLine` for each complete line; a line cut off by the kill is dropped (it was never whole). */
function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(line);
  });
}

/**
 * What the session runner is built from (its dependencies) and what one attempt of a session works with: the
 * fixed inputs, a logger writing the session's log, and the resources the phases acquire one after the other
 * (repository, snapshot, staging folder) so that cleanup finds and releases each of them whatever happened.
 */
import type { Repository } from '../../engine/repository/repository';
import type {
  HelperSettings,
  LogLevel,
  SessionPhase,
  SessionProgress,
  SessionStats,
  SessionSummary,
} from '../../helper-protocol/session-model';
import type { CommandRunner } from '../../system-state/command-runner/command-runner';
import type {
  SnapshotHandle,
  SnapshotProvider,
  SnapshotProviderKind,
} from '../../system-state/snapshots/snapshot-provider';
import type { SystemStateService } from '../../system-state/system-state-service';
import type { RepositoryBackends } from '../repository/repository-backends';
import type { PasswordSource } from '../settings/password-source';
import type { ProgressThrottle } from './progress-throttle';
import type { RestartPolicy } from './restart-policy';
import type { SessionJournal } from './session-journal-types';

export interface SessionNotify {
  /** After every journal change of a session (status, phase, attempt). */
  changed(session: SessionSummary): void;
  /** Throttled to at most 10 a second per session. */
  progress(progress: SessionProgress): void;
}

export interface SessionHooks {
  /** Test seam (in-process only): runs after a phase is journaled and before it acts. */
  beforePhase?(sessionId: string, phase: SessionPhase, attempt: number): Promise<void>;
}

export interface SessionRunnerDeps {
  journal: SessionJournal;
  systemState: SystemStateService;
  providers: Record<SnapshotProviderKind, SnapshotProvider>;
  runner: CommandRunner;
  settings: () => Promise<HelperSettings>;
  passwords: PasswordSource;
  /** Opens the session's repository from its location (local, SFTP, S3) with the helper's settings. */
  backends: RepositoryBackends;
  restartPolicy: RestartPolicy;
  notify: SessionNotify;
  now?: () => Date;
  /** Engine worker threads per backup (default: one per CPU). */
  workers?: number;
  /** How often the snapshot is checked during the backup (default 5000 ms). */
  watchdogIntervalMs?: number;
  hooks?: SessionHooks;
}

/** The dependencies with their defaults filled in. */
export interface ResolvedDeps extends SessionRunnerDeps {
  now: () => Date;
  watchdogIntervalMs: number;
}

export const defaultWatchdogIntervalMs = 5000;

export function resolveDeps(deps: SessionRunnerDeps): ResolvedDeps {
  return {
    ...deps,
    now: deps.now ?? (() => new Date()),
    watchdogIntervalMs: deps.watchdogIntervalMs ?? defaultWatchdogIntervalMs,
  };
}

export interface SessionLogger {
  log(level: LogLevel, message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

/** Writes the session's log (the journal keeps it for the UI and the help desk), stamped with the runner's clock. */
export function sessionLogger(deps: ResolvedDeps, sessionId: string): SessionLogger {
  const log = (level: LogLevel, message: string) => {
    deps.journal.appendLog(sessionId, level, message, deps.now());
  };
  return {
    log,
    info: (message) => log('info', message),
    warning: (message) => log('warning', message),
    error: (message) => log('error', message),
  };
}

export interface SnapshotPlan {
  kind: SnapshotProviderKind;
  /** What the provider snapshots (the root for the temporary copy, a mount point, a volume). */
  source: string;
  /** Where its data and bookkeeping go. */
  location: string;
}

/** The snapshot an attempt made, with the provider that deletes it. */
export interface TakenSnapshot {
  handle: SnapshotHandle;
  provider: SnapshotProvider;
}

export interface AttemptContext {
  readonly deps: ResolvedDeps;
  readonly session: SessionSummary;
  readonly attempt: number;
  /** Aborted by cancel() and by a helper stop. */
  readonly signal: AbortSignal;
  readonly log: SessionLogger;
  readonly progress: ProgressThrottle;
  settings: HelperSettings;
  /** System state: the snapshot location (where the temporary copy and the staging folder go). */
  location: string | null;
  /** The paths the snapshot records (live paths; what restore shows). */
  paths: string[];
  /** System state: the estimate the snapshot provider sizes its storage from. */
  estimateBytes: number;
  /** What the snapshot phase snapshots, decided in preflight; null: the files are read live. */
  snapshotPlan: SnapshotPlan | null;
  repository: Repository | null;
  snapshot: TakenSnapshot | null;
  stagingDir: string | null;
  /** The repository snapshot the backup phase saved (and found trustworthy), once it did. */
  savedSnapshotId: string | null;
  /** What the backup phase did (journaled when it ended), once it did. */
  backupStats: SessionStats | null;
  /** Problems that make the session "Completed with errors" (unreadable entries, failed exports, …). */
  problems: number;
}

/** Logs a warning that counts: the session then ends Completed with errors rather than Completed. */
export function reportProblem(context: AttemptContext, message: string): void {
  context.problems++;
  context.log.warning(message);
}

/** Journals a change and tells the listeners, so the UI never shows a state the journal does not hold. */
export function journaled(deps: ResolvedDeps, summary: SessionSummary): SessionSummary {
  deps.notify.changed(summary);
  return summary;
}

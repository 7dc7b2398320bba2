/**
 * The helper's restore jobs: each one restore (or rollback, or test restore) running in the background, with its
 * state as the wire shows it (helper-protocol/restore-model.ts), announced as `restore/changed` at most 10 times a
 * second (restore-job-announcer.ts), cancellable through an AbortSignal, and written to its report file when it
 * ends (restore-job-report.ts). Jobs are kept for the helper's lifetime; what must outlive it (an apply's rollback
 * record, the last test restore) is in the reports.
 *
 * What a job does is the `run` function handed to launch() (restore-job-runner.ts, restore-rollback.ts,
 * restore-test.ts); this registry decides how it ended: completed, completed with errors (entries not restored,
 * verification mismatches, a failed post-restore step), failed with the error's code, or cancelled.
 */
import { randomBytes } from 'node:crypto';
import type {
  RestoreChecklistItem,
  RestoreJob,
  RestoreJobKind,
  RestoreJobPhase,
  RestoreJobProgress,
  RestoreTarget,
} from '../../helper-protocol/restore-model';
import type { LogLevel } from '../../helper-protocol/session-model';
import type { ThrottleClock } from '../progress/change-throttle';
import { RestoreError } from './restore-error';
import { RestoreJobAnnouncer } from './restore-job-announcer';
import { RestoreJobError } from './restore-job-error';
import { type RestoreJobReport, readJobReport, writeJobReport } from './restore-job-report';

/** Failures and mismatches kept per job; beyond, one entry says how many more there were. */
export const maxListedProblems = 1000;

export interface RestoreJobStart {
  kind: RestoreJobKind;
  snapshotId: string;
  hostname: string;
  target: RestoreTarget;
  targetRoot: string;
  repository: string;
  components: string[];
  includePaths: string[];
  /** Jobs writing to the same place run one at a time: a second one with the same key is RESTORE_BUSY. */
  exclusiveKey: string;
}

/** What a running job's code sees of its job. */
export interface JobControl {
  readonly job: RestoreJob;
  readonly report: RestoreJobReport;
  readonly signal: AbortSignal;
  setPhase(phase: RestoreJobPhase): void;
  progress(progress: RestoreJobProgress): void;
  fail(failure: { path: string; code: string; message: string }): void;
  mismatch(mismatch: { path: string; reason: string }): void;
  /** Adds the item, or replaces the one with the same id. */
  check(item: RestoreChecklistItem): void;
  /** Announces a change made directly on `job`. */
  changed(): void;
  saveReport(): Promise<void>;
  log(level: LogLevel, message: string): void;
}

export interface RestoreJobsDeps {
  stateDir: string;
  notify: (job: RestoreJob) => void;
  log: (level: LogLevel, message: string) => void;
  now?: () => Date;
  clock?: ThrottleClock;
}

interface JobEntry {
  job: RestoreJob;
  report: RestoreJobReport;
  controller: AbortController | null;
  stopping: boolean;
  exclusiveKey: string | null;
  announcer: RestoreJobAnnouncer;
  done: Promise<void>;
  waiters: Set<(job: RestoreJob) => void>;
}

export const emptyProgress: RestoreJobProgress = {
  filesDone: 0,
  filesTotal: null,
  bytesDone: 0,
  bytesTotal: null,
  currentItem: null,
  bytesPerSecond: null,
  etaSeconds: null,
};

export class RestoreJobs {
  private readonly jobs = new Map<string, JobEntry>();
  private readonly busy = new Map<string, string>();
  private readonly now: () => Date;
  private closed = false;

  constructor(private readonly deps: RestoreJobsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Starts `run` as a new job; returns the job as it starts (phase prepare). */
  launch(start: RestoreJobStart, run: (control: JobControl) => Promise<void>): RestoreJob {
    if (this.closed)
      throw new RestoreJobError('RESTORE_BUSY', 'the helper is stopping: no new restore starts');
    const holder = this.busy.get(start.exclusiveKey);
    if (holder !== undefined)
      throw new RestoreJobError(
        'RESTORE_BUSY',
        `restore job ${holder} is writing there right now; wait for it (restore/wait) or cancel it first`,
      );
    const entry = this.newEntry(start);
    entry.controller = new AbortController();
    entry.exclusiveKey = start.exclusiveKey;
    this.busy.set(start.exclusiveKey, entry.job.id);
    this.jobs.set(entry.job.id, entry);
    entry.announcer.changed();
    const control = this.controlOf(entry, entry.controller.signal);
    entry.done = Promise.resolve()
      .then(() => run(control))
      .then(
        () => this.finish(entry, null),
        (error: unknown) => this.finish(entry, error),
      );
    return structuredClone(entry.job);
  }

  /** A job that could not even start (a scheduled test restore without a password…): listed, reported, failed. */
  async recordFailed(start: RestoreJobStart, error: unknown): Promise<RestoreJob> {
    const entry = this.newEntry(start);
    this.jobs.set(entry.job.id, entry);
    entry.done = this.finish(entry, error);
    await entry.done;
    return structuredClone(entry.job);
  }

  /** A finished job of an earlier helper run (from its report), listed again. */
  remember(report: RestoreJobReport): void {
    if (!this.jobs.has(report.job.id)) this.jobs.set(report.job.id, this.entryFor(report));
  }

  get(id: string): RestoreJob {
    return structuredClone(this.entryOf(id).job);
  }

  find(id: string): RestoreJob | null {
    const entry = this.jobs.get(id);
    return entry === undefined ? null : structuredClone(entry.job);
  }

  /** Newest first. */
  list(): RestoreJob[] {
    return [...this.jobs.values()]
      .map((entry) => structuredClone(entry.job))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** The report of a job of this helper run, else from disk (null when there is none). */
  async report(id: string): Promise<RestoreJobReport | null> {
    const entry = this.jobs.get(id);
    if (entry !== undefined) return structuredClone(entry.report);
    return readJobReport(this.deps.stateDir, id);
  }

  isRunning(id: string): boolean {
    return this.jobs.get(id)?.job.state === 'running';
  }

  /** Stops a running job (what was written stays); a job that ended is returned as it is. */
  cancel(id: string): RestoreJob {
    const entry = this.entryOf(id);
    if (entry.job.state === 'running' && entry.controller !== null && !entry.controller.signal.aborted) {
      this.deps.log('info', `restore job ${id}: cancel requested`);
      entry.controller.abort();
    }
    return structuredClone(entry.job);
  }

  /** Resolves when the job ends; `signal` stops the wait (CANCELLED), not the job. */
  wait(id: string, signal?: AbortSignal): Promise<RestoreJob> {
    const entry = this.entryOf(id);
    if (entry.job.state !== 'running') return Promise.resolve(structuredClone(entry.job));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        entry.waiters.delete(waiter);
        reject(
          Object.assign(new Error(`stopped waiting for restore job ${id} (the job goes on)`), {
            code: 'CANCELLED',
          }),
        );
      };
      const waiter = (job: RestoreJob) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(job);
      };
      if (signal?.aborted) return onAbort();
      entry.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Changes an ended job (boot repair ticks its checklist item), saves its report and announces it. */
  async amend(id: string, change: (job: RestoreJob, report: RestoreJobReport) => void): Promise<RestoreJob> {
    const entry = this.entryOf(id);
    change(entry.job, entry.report);
    entry.report.job = entry.job;
    await writeJobReport(this.deps.stateDir, entry.report);
    entry.announcer.changed();
    entry.announcer.flush();
    return structuredClone(entry.job);
  }

  /** Helper stop: running jobs stop (failed, SERVICE_STOPPED), their reports are written, waiters answered. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const entries = [...this.jobs.values()];
    for (const entry of entries.filter((e) => e.job.state === 'running')) {
      entry.stopping = true;
      entry.controller?.abort();
    }
    // Every job's `done`, not only the running ones': a job that has just ended is still writing its report
    // (its state flips before the write), and the helper must not exit or drop the state folder under it.
    await Promise.all(entries.map((entry) => entry.done));
  }

  private entryOf(id: string): JobEntry {
    const entry = this.jobs.get(id);
    if (entry === undefined)
      throw new RestoreError(
        'RESTORE_JOB_NOT_FOUND',
        `no restore job ${id} in this helper (restore/jobs lists them)`,
      );
    return entry;
  }

  private newEntry(start: RestoreJobStart): JobEntry {
    const job: RestoreJob = {
      id: randomBytes(16).toString('hex'),
      kind: start.kind,
      state: 'running',
      phase: 'prepare',
      snapshotId: start.snapshotId,
      hostname: start.hostname,
      target: start.target,
      targetRoot: start.targetRoot,
      startedAt: this.now().toISOString(),
      finishedAt: null,
      progress: { ...emptyProgress },
      rollbackSnapshotId: null,
      failures: [],
      verification: null,
      checklist: [],
      error: null,
    };
    return this.entryFor({
      version: 1,
      job,
      repository: start.repository,
      components: [...start.components],
      includePaths: [...start.includePaths],
      plan: null,
      apply: null,
      diskLayoutScriptFile: null,
    });
  }

  private entryFor(report: RestoreJobReport): JobEntry {
    return {
      job: report.job,
      report,
      controller: null,
      stopping: false,
      exclusiveKey: null,
      announcer: new RestoreJobAnnouncer(report.job, this.deps.notify, this.deps.clock),
      done: Promise.resolve(),
      waiters: new Set(),
    };
  }

  private controlOf(entry: JobEntry, signal: AbortSignal): JobControl {
    const { job, report, announcer } = entry;
    const log = (level: LogLevel, message: string) =>
      this.deps.log(level, `restore job ${job.id}: ${message}`);
    let failuresLeftOut = 0;
    let mismatchesLeftOut = 0;
    return {
      job,
      report,
      signal,
      setPhase: (phase) => {
        job.phase = phase;
        job.progress = { ...emptyProgress };
        log('info', `phase ${phase}`);
        announcer.changed();
      },
      progress: (progress) => {
        job.progress = progress;
        announcer.changed();
      },
      fail: (failure) => {
        failuresLeftOut = addLimited(job.failures, failure, failuresLeftOut, (more) => ({
          path: '…',
          code: 'MORE_FAILURES',
          message: `${more} more entries were not restored (the first ${maxListedProblems} are listed)`,
        }));
        announcer.changed();
      },
      mismatch: (mismatch) => {
        job.verification ??= { filesChecked: 0, bytesChecked: 0, mismatches: [] };
        mismatchesLeftOut = addLimited(job.verification.mismatches, mismatch, mismatchesLeftOut, (more) => ({
          path: '…',
          reason: `${more} more mismatches (the first ${maxListedProblems} are listed)`,
        }));
        announcer.changed();
      },
      check: (item) => {
        const at = job.checklist.findIndex((existing) => existing.id === item.id);
        if (at >= 0) job.checklist[at] = item;
        else job.checklist.push(item);
        announcer.changed();
      },
      changed: () => announcer.changed(),
      saveReport: () => writeJobReport(this.deps.stateDir, report),
      log,
    };
  }

  private async finish(entry: JobEntry, error: unknown): Promise<void> {
    const { job } = entry;
    const cancelled = entry.controller?.signal.aborted ?? false;
    if (error === null) {
      const problems =
        job.failures.length > 0 ||
        (job.verification?.mismatches.length ?? 0) > 0 ||
        job.checklist.some((item) => item.status === 'failed');
      job.state = problems ? 'completed-with-errors' : 'completed';
      job.phase = 'done';
    } else if (entry.stopping) {
      job.state = 'failed';
      job.error = {
        code: 'SERVICE_STOPPED',
        message: 'the helper stopped during the restore; what was written so far stays',
      };
    } else if (cancelled) {
      job.state = 'cancelled';
      job.error = { code: 'CANCELLED', message: 'the restore was cancelled; what was written so far stays' };
    } else {
      job.state = 'failed';
      job.error = errorOf(error);
      if (job.error.code === 'INTERNAL_ERROR')
        this.deps.log('error', `restore job ${job.id} failed: ${(error as Error)?.stack ?? String(error)}`);
    }
    job.finishedAt = this.now().toISOString();
    job.progress = { ...job.progress, currentItem: null, bytesPerSecond: null, etaSeconds: null };
    this.deps.log(
      job.state === 'failed' ? 'error' : 'info',
      `restore job ${job.id} (${job.kind}) ended ${job.state}${job.error ? `: ${job.error.code}: ${job.error.message}` : ''}`,
    );
    try {
      await writeJobReport(this.deps.stateDir, entry.report);
    } catch (writeError) {
      this.deps.log('error', `restore job ${job.id}: its report could not be written: ${String(writeError)}`);
    }
    if (entry.exclusiveKey !== null && this.busy.get(entry.exclusiveKey) === job.id)
      this.busy.delete(entry.exclusiveKey);
    entry.announcer.changed();
    entry.announcer.flush();
    entry.announcer.dispose();
    const waiters = [...entry.waiters];
    entry.waiters.clear();
    for (const waiter of waiters) waiter(structuredClone(job));
  }
}

/** Adds `item`, or past the limit counts it and keeps one summary entry last; returns the new count left out. */
function addLimited<T>(list: T[], item: T, leftOut: number, summary: (more: number) => T): number {
  if (list.length < maxListedProblems) {
    list.push(item);
    return leftOut;
  }
  list[maxListedProblems] = summary(leftOut + 1);
  return leftOut + 1;
}

/** The wire error of whatever a job threw: its string code (engine, system-state, helper), else INTERNAL_ERROR. */
export function errorOf(error: unknown): { code: string; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'NO_SPACE') return { code: 'INSUFFICIENT_SPACE', message };
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return { code, message };
  return { code: 'INTERNAL_ERROR', message: `${message} (details are in the helper's log)` };
}

/**
 * Runs the test restore on its schedule, the way the session scheduler (schedules/scheduler.ts) runs backups: due
 * times from schedule-times.ts (local wall clock), only the latest due time ever looked at (a machine that was off
 * runs it once when it comes back), a short tick so a wake from sleep is noticed, and the due time claimed in the
 * state file before the run starts, so it never runs twice. The state file (`<stateDir>/restore-test-schedule.json`,
 * atomic, 0600) also names the last test restore of any trigger, whose outcome restore/test-schedule/get and
 * restore/jobs show after a helper restart too (from the job's report).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RestoreJob } from '../../helper-protocol/restore-model';
import type { RestoreTestScheduleState } from '../../helper-protocol/restore-protocol';
import { type LogLevel, type ScheduleSpec, scheduleSpecSchema } from '../../helper-protocol/session-model';
import { latestDueAtOrBefore, nextDueAfter } from '../schedules/schedule-times';
import { SerialQueue } from '../settings/serial-queue';
import { readJsonState, writeJsonStateAtomic } from '../settings/state-file';
import { readJobReport } from './restore-job-report';
import type { RestoreJobs } from './restore-jobs';
import { type TestRestoreParams, testRestoreRoot } from './restore-test';

const storedSchema = z
  .object({
    spec: scheduleSpecSchema,
    setAt: z.iso.datetime(),
    /** The due time last claimed (a run started, or was tried, for it). */
    lastDueAt: z.iso.datetime().nullable(),
    lastJobId: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .nullable(),
  })
  .strict();
type StoredTestSchedule = z.infer<typeof storedSchema>;

const offSpec: ScheduleSpec = { kind: 'off' };

export interface RestoreTestSchedulerDeps {
  stateDir: string;
  jobs: RestoreJobs;
  /** Starts a test restore; throws when it cannot even start. */
  startTest: (params: TestRestoreParams) => Promise<RestoreJob>;
  /** Lists (and reports) a scheduled test restore that could not start, so its failure is seen. */
  recordFailure: (error: unknown) => Promise<RestoreJob>;
  log: (level: LogLevel, message: string) => void;
  now?: () => Date;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** How often the schedule is checked when nothing is due (catches a wake from sleep). */
  tickMs?: number;
}

export class RestoreTestScheduler {
  private readonly file: string;
  private readonly writes = new SerialQueue();
  private readonly checks = new SerialQueue();
  private readonly now: () => Date;
  private readonly tickMs: number;
  private running = false;
  private timer: unknown = null;

  constructor(private readonly deps: RestoreTestSchedulerDeps) {
    this.file = path.join(deps.stateDir, 'restore-test-schedule.json');
    this.now = deps.now ?? (() => new Date());
    this.tickMs = deps.tickMs ?? 60_000;
  }

  /**
   * Removes what a test restore interrupted by a crash left behind (no test restore runs before start), lists the
   * last test restore of an earlier run again, then checks at once and keeps checking until stop().
   */
  async start(): Promise<void> {
    await rm(testRestoreRoot(this.deps.stateDir), { recursive: true, force: true }).catch((error: unknown) =>
      this.deps.log('error', `leftover test restore folders could not be removed: ${describeError(error)}`),
    );
    try {
      const { lastJobId } = await this.read();
      const report = lastJobId === null ? null : await readJobReport(this.deps.stateDir, lastJobId);
      if (report !== null) this.deps.jobs.remember(report);
    } catch (error) {
      // The helper starts anyway; restore/test-schedule/get reports a damaged file with its code.
      this.deps.log('error', `the last test restore cannot be listed: ${describeError(error)}`);
    }
    this.running = true;
    await this.wake();
  }

  stop(): void {
    this.running = false;
    this.disarm();
  }

  async state(): Promise<RestoreTestScheduleState> {
    const stored = await this.read();
    let lastJob: RestoreJob | null = null;
    if (stored.lastJobId !== null) {
      lastJob = this.deps.jobs.find(stored.lastJobId);
      if (lastJob === null)
        lastJob = (await readJobReport(this.deps.stateDir, stored.lastJobId))?.job ?? null;
    }
    return {
      spec: stored.spec,
      nextRunAt: nextDueAfter(stored.spec, this.now())?.toISOString() ?? null,
      lastRunAt: stored.lastDueAt,
      lastJob,
    };
  }

  /** Sets the schedule (from now on: due times before now never run) and re-arms the timer. */
  async set(spec: ScheduleSpec): Promise<RestoreTestScheduleState> {
    await this.update((stored) => ({ ...stored, spec, setAt: this.now().toISOString() }));
    if (this.running) await this.wake();
    return this.state();
  }

  /** A test restore started now (restore/test): it becomes the last one. */
  async runNow(params: TestRestoreParams): Promise<RestoreJob> {
    const job = await this.deps.startTest(params);
    await this.update((stored) => ({ ...stored, lastJobId: job.id }));
    return job;
  }

  /** Starts the run that is due and not claimed yet, if any. */
  async checkNow(): Promise<void> {
    await this.checks.run(() => this.check());
  }

  private async wake(): Promise<void> {
    let nextDue: number | null = null;
    try {
      nextDue = await this.checks.run(() => this.check());
    } catch (error) {
      this.deps.log('error', `checking the test restore schedule failed: ${describeError(error)}`);
    }
    this.disarm();
    if (!this.running) return;
    const now = this.now().getTime();
    const wakeAt = Math.min(now + this.tickMs, nextDue ?? Number.POSITIVE_INFINITY);
    const setTimer = this.deps.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.timer = setTimer(
      () => {
        this.timer = null;
        if (this.running) void this.wake();
      },
      Math.max(0, wakeAt - now),
    );
  }

  private disarm(): void {
    if (this.timer === null) return;
    (this.deps.clearTimer ?? ((handle) => clearTimeout(handle as NodeJS.Timeout)))(this.timer);
    this.timer = null;
  }

  /** Runs the latest due time when it is after the schedule was set and not claimed; returns the next due (ms). */
  private async check(): Promise<number | null> {
    const now = this.now();
    const stored = await this.read();
    const due = latestDueAtOrBefore(stored.spec, now);
    const claimed = stored.lastDueAt === null ? null : new Date(stored.lastDueAt);
    if (due !== null && due > new Date(stored.setAt) && (claimed === null || due > claimed)) {
      // Claimed first: a crash between the claim and the start loses this run rather than doubling it.
      await this.update((current) => ({ ...current, lastDueAt: due.toISOString() }));
      this.deps.log('info', `starting the test restore due at ${due.toISOString()}`);
      let job: RestoreJob;
      try {
        job = await this.deps.startTest({});
      } catch (error) {
        this.deps.log('error', `the scheduled test restore could not start: ${describeError(error)}`);
        job = await this.deps.recordFailure(error);
      }
      await this.update((current) => ({ ...current, lastJobId: job.id }));
    }
    return nextDueAfter(stored.spec, now)?.getTime() ?? null;
  }

  private async read(): Promise<StoredTestSchedule> {
    const stored = await readJsonState(this.file, storedSchema, 'SCHEDULE_INVALID');
    return stored ?? { spec: offSpec, setAt: new Date(0).toISOString(), lastDueAt: null, lastJobId: null };
  }

  private update(change: (stored: StoredTestSchedule) => StoredTestSchedule): Promise<void> {
    return this.writes.run(async () => {
      await writeJsonStateAtomic(this.file, change(await this.read()));
    });
  }
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

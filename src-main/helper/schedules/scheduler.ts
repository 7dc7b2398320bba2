/**
 * Starts the scheduled sessions. A run is due at each time of its schedule (schedule-times.ts); at start, on every
 * tick and when the next due time comes, each data source whose latest due time has not been claimed yet claims it
 * in the journal and starts a session. Because only the *latest* due time is ever looked at, a machine that slept
 * or was off across several due times runs once after it wakes or starts; because the claim is unique and durable
 * (journal.claimScheduledRun), it never runs twice — not within one helper, not across helper restarts.
 *
 * The claim is taken before the session is started, so a crash between the two loses that run (it is not started
 * after the restart): a missed backup shows as no session, a doubled one would fight the first for the repository.
 */
import {
  type LogLevel,
  type ScheduleSpec,
  type ScheduleState,
  type SessionSource,
  type SessionSummary,
  sessionSources,
} from '../../helper-protocol/session-model';
import type { SessionJournal } from '../sessions/session-journal-types';
import { SerialQueue } from '../settings/serial-queue';
import type { ScheduleStore, StoredSchedule } from './schedule-store';
import { latestDueAtOrBefore, nextDueAfter } from './schedule-times';

export type TimerHandle = unknown;

export interface SchedulerDeps {
  store: ScheduleStore;
  journal: Pick<
    SessionJournal,
    'claimScheduledRun' | 'attachScheduledRunSession' | 'lastScheduledRun' | 'activeSessionOf'
  >;
  /** Starts a session with trigger 'schedule' (or returns the one of that source already running). */
  startSession: (
    source: SessionSource,
    paths: string[],
    dueAt: Date,
    excludes: string[],
  ) => Promise<{ session: SessionSummary; created: boolean }>;
  now?: () => Date;
  setTimer?: (callback: () => void, ms: number) => TimerHandle;
  clearTimer?: (handle: TimerHandle) => void;
  /**
   * How often the schedules are checked even when nothing is due. The tick is what catches a machine waking from
   * sleep: Node's timers run on the monotonic clock, which stands still while the machine sleeps, so a timer set
   * for the next due time hours away would fire that many hours late; a short tick fires within tickMs of waking.
   */
  tickMs?: number;
  log: (level: LogLevel, message: string) => void;
}

const offSpec: ScheduleSpec = { kind: 'off' };

export class Scheduler {
  private readonly now: () => Date;
  private readonly setTimer: (callback: () => void, ms: number) => TimerHandle;
  private readonly clearTimer: (handle: TimerHandle) => void;
  private readonly tickMs: number;
  /** Checks run one at a time, so two wakes never race for the same source. */
  private readonly checks = new SerialQueue();
  private running = false;
  private timer: TimerHandle | null = null;
  /** When the armed timer should fire by the wall clock; a much later firing means the machine slept. */
  private expectedWakeAt: number | null = null;

  constructor(private readonly deps: SchedulerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.setTimer = deps.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer = deps.clearTimer ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));
    this.tickMs = deps.tickMs ?? 60_000;
  }

  /** Checks at once (a run missed while the machine was off starts now), then keeps checking until stop(). */
  async start(): Promise<void> {
    this.running = true;
    await this.wake();
  }

  stop(): void {
    this.running = false;
    this.disarm();
  }

  /** Starts the runs that are due and not claimed yet. */
  async checkNow(): Promise<void> {
    await this.checks.run(() => this.checkAll());
  }

  async states(): Promise<ScheduleState[]> {
    const now = this.now();
    const stored = await this.deps.store.read();
    return sessionSources.map((source) => {
      const schedule = stored.find((entry) => entry.source === source);
      const spec = schedule?.spec ?? offSpec;
      const last = this.deps.journal.lastScheduledRun(source);
      return {
        source,
        spec,
        paths: schedule?.paths ?? [],
        excludes: schedule?.excludes ?? [],
        nextRunAt: nextDueAfter(spec, now)?.toISOString() ?? null,
        lastRunAt: last?.dueAt.toISOString() ?? null,
        lastSessionId: last?.sessionId ?? null,
      };
    });
  }

  /** Saves the schedule of `source` (from now on: due times before now never run) and re-arms the timer. */
  async set(
    source: SessionSource,
    spec: ScheduleSpec,
    paths: string[],
    excludes: string[] = [],
  ): Promise<ScheduleState[]> {
    await this.deps.store.set(source, spec, paths, this.now(), excludes);
    if (this.running) await this.wake();
    return this.states();
  }

  /** Checks, then arms the timer for the next tick or due time, whichever comes first. */
  private async wake(): Promise<void> {
    let nextDue: number | null = null;
    try {
      nextDue = await this.checks.run(() => this.checkAll());
    } catch (error) {
      // Keep ticking: a schedules file fixed by hand is picked up at the next tick; schedule/get reports the error.
      this.deps.log('error', `checking the schedules failed: ${describeError(error)}`);
    }
    this.arm(nextDue);
  }

  private arm(nextDue: number | null): void {
    this.disarm();
    if (!this.running) return;
    const now = this.now().getTime();
    const wakeAt = Math.min(now + this.tickMs, nextDue ?? Number.POSITIVE_INFINITY);
    this.expectedWakeAt = wakeAt;
    this.timer = this.setTimer(() => this.onTimer(), Math.max(0, wakeAt - now));
  }

  private disarm(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.expectedWakeAt = null;
  }

  private onTimer(): void {
    const lateMs = this.now().getTime() - (this.expectedWakeAt ?? Number.POSITIVE_INFINITY);
    this.timer = null;
    if (!this.running) return;
    if (lateMs > Math.max(this.tickMs, 60_000))
      this.deps.log(
        'info',
        `resumed after sleep: the schedule timer fired ${Math.round(lateMs / 60_000)} min late; checking the schedules now`,
      );
    void this.wake();
  }

  /** Checks every stored schedule; returns the earliest next due time (ms), or null when nothing is scheduled. */
  private async checkAll(): Promise<number | null> {
    const now = this.now();
    let earliestNextDue: number | null = null;
    for (const schedule of await this.deps.store.read()) {
      await this.checkSource(schedule, now);
      const next = nextDueAfter(schedule.spec, now)?.getTime() ?? null;
      if (next !== null && (earliestNextDue === null || next < earliestNextDue)) earliestNextDue = next;
    }
    return earliestNextDue;
  }

  private async checkSource(schedule: StoredSchedule, now: Date): Promise<void> {
    const { source, spec, paths, excludes, setAt } = schedule;
    const due = latestDueAtOrBefore(spec, now);
    // A due time before the schedule was set belongs to the previous schedule (or to none).
    if (!due || due <= setAt) return;
    const what = `the scheduled ${source} backup due at ${due.toISOString()}`;
    try {
      const last = this.deps.journal.lastScheduledRun(source);
      if (last && due <= last.dueAt) return;
      // Lost when another check or helper claimed it first: that one starts it.
      if (!this.deps.journal.claimScheduledRun(source, due, null)) return;
      const active = this.deps.journal.activeSessionOf(source);
      if (active) {
        this.deps.log(
          'warning',
          `${what} was not started: session ${active.id} of that data source is still running (${active.status})`,
        );
        return;
      }
      const late = now.getTime() - due.getTime() > Math.max(this.tickMs, 60_000);
      this.deps.log(
        'info',
        `starting ${what}${late ? ' (missed while the helper or the machine was off)' : ''}`,
      );
      const { session, created } = await this.deps.startSession(source, paths, due, excludes ?? []);
      if (created) this.deps.journal.attachScheduledRunSession(source, due, session.id);
      else
        this.deps.log(
          'warning',
          `${what} was not started: session ${session.id} of that data source was running`,
        );
    } catch (error) {
      // One source failing must not keep the other from running; the error is reported, the claim stays.
      this.deps.log('error', `${what} could not be started: ${describeError(error)}`);
    }
  }
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

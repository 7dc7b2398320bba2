import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLevel, SessionSource, SessionSummary } from '../../helper-protocol/session-model';
import { SqliteSessionJournal } from '../sessions/session-journal';
import { ScheduleStore } from './schedule-store';
import { Scheduler, type SchedulerDeps } from './scheduler';

/** Wall clock and timers the test moves by hand. */
class FakeClock {
  private nextHandle = 1;
  readonly timers = new Map<number, { callback: () => void; ms: number }>();

  constructor(public current: Date) {}

  now = (): Date => new Date(this.current);

  setTimer = (callback: () => void, ms: number): number => {
    const handle = this.nextHandle++;
    this.timers.set(handle, { callback, ms });
    return handle;
  };

  clearTimer = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** The one armed timer (the scheduler keeps exactly one while running). */
  armed(): { callback: () => void; ms: number } {
    expect(this.timers.size).toBe(1);
    const [timer] = this.timers.values();
    if (!timer) throw new Error('no timer armed');
    return timer;
  }

  /** Sets the wall clock to `at` and fires the armed timer (as after a sleep, when `at` is far ahead). */
  async fireAt(at: Date, scheduler: Scheduler): Promise<void> {
    const timer = this.armed();
    this.timers.clear();
    this.current = at;
    timer.callback();
    // The timer's check is queued before this one: once this one is done, so is the timer's.
    await scheduler.checkNow();
  }
}

interface StartedRun {
  source: SessionSource;
  paths: string[];
  dueAt: string;
}

let stateDir: string;
let journalFile: string;
let journal: SqliteSessionJournal;
let clock: FakeClock;
let started: StartedRun[];
let logs: Array<{ level: LogLevel; message: string }>;
let schedulers: Scheduler[];
let sessionCounter: number;

beforeEach(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'scheduler-'));
  journalFile = path.join(stateDir, 'journal.db');
  journal = SqliteSessionJournal.open(journalFile);
  clock = new FakeClock(new Date(2024, 0, 10, 8, 0));
  started = [];
  logs = [];
  schedulers = [];
  sessionCounter = 0;
});

afterEach(async () => {
  for (const scheduler of schedulers) scheduler.stop();
  journal.close();
  await rm(stateDir, { recursive: true, force: true });
});

function newSessionId(): string {
  sessionCounter += 1;
  return `20240110-080000-${sessionCounter.toString(16).padStart(6, '0')}`;
}

/** Starts a real queued session in the journal, as the runner does, and records the call. */
async function startSession(
  source: SessionSource,
  paths: string[],
  dueAt: Date,
): Promise<{ session: SessionSummary; created: boolean }> {
  started.push({ source, paths, dueAt: dueAt.toISOString() });
  return journal.createSession({
    id: newSessionId(),
    source,
    paths,
    repository: '/srv/repo',
    trigger: 'schedule',
    maxAttempts: 3,
    createdAt: clock.now(),
  });
}

function completeSession(id: string, at: Date): void {
  journal.beginAttempt(id, 1, at);
  journal.finishSession(id, { status: 'completed', failure: null, snapshotId: null, stats: null, at });
}

function newScheduler(overrides: { startSession?: SchedulerDeps['startSession'] } = {}): Scheduler {
  const scheduler = new Scheduler({
    store: ScheduleStore.inStateDir(stateDir),
    journal,
    startSession: overrides.startSession ?? startSession,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    tickMs: 60_000,
    log: (level, message) => logs.push({ level, message }),
  });
  schedulers.push(scheduler);
  return scheduler;
}

/** A local wall time in January 2024 (no DST change in it, whatever TZ the tests run in). */
const local = (day: number, hours: number, minutes = 0, seconds = 0) =>
  new Date(2024, 0, day, hours, minutes, seconds);

describe('Scheduler', () => {
  it('runs once, for the latest due time, after sleeping across three due times', async () => {
    const scheduler = newScheduler();
    await scheduler.start();
    await scheduler.set('system-state', { kind: 'daily', time: '09:00' }, []);
    expect(started).toEqual([]);

    // Asleep from 08:00 on the 10th to 10:00 on the 12th: due at 09:00 on the 10th, 11th and 12th.
    await clock.fireAt(local(12, 10), scheduler);
    expect(started).toEqual([{ source: 'system-state', paths: [], dueAt: local(12, 9).toISOString() }]);
    expect(logs.some((entry) => entry.message.startsWith('resumed after sleep'))).toBe(true);

    // The next ticks and explicit checks start nothing more.
    await clock.fireAt(local(12, 10, 1), scheduler);
    await scheduler.checkNow();
    expect(started).toHaveLength(1);

    const [systemState] = await scheduler.states();
    expect(systemState).toMatchObject({
      source: 'system-state',
      lastRunAt: local(12, 9).toISOString(),
      nextRunAt: local(13, 9).toISOString(),
    });
  });

  it('does not start the run again after a helper restart, and starts the next one', async () => {
    const first = newScheduler();
    await first.start();
    await first.set('system-state', { kind: 'daily', time: '09:00' }, []);
    await clock.fireAt(local(10, 9), first);
    expect(started).toHaveLength(1);
    // The session has ended, so only the durable claim keeps the new helper from starting the run again.
    completeSession('20240110-080000-000001', local(10, 9, 2));

    // The helper stops; a new one opens the same journal and state directory.
    first.stop();
    journal.close();
    journal = SqliteSessionJournal.open(journalFile);
    clock.current = local(10, 9, 5);
    const second = newScheduler();
    await second.start();
    expect(started).toHaveLength(1);

    await clock.fireAt(local(11, 9), second);
    expect(started.map((run) => run.dueAt)).toEqual([local(10, 9).toISOString(), local(11, 9).toISOString()]);
  });

  it('runs a due time missed while the machine was off once, when the helper starts', async () => {
    const before = newScheduler();
    await before.set('system-state', { kind: 'weekly', weekdays: [1, 3, 5], time: '20:00' }, []);
    before.stop();

    // Off from Wednesday the 10th 08:00 until Tuesday the 16th 07:00: Wed, Fri and Mon due times passed.
    clock.current = local(16, 7);
    await newScheduler().start();
    expect(started).toEqual([{ source: 'system-state', paths: [], dueAt: local(15, 20).toISOString() }]);
    expect(
      logs.some((entry) => entry.message.includes('missed while the helper or the machine was off')),
    ).toBe(true);
  });

  it('arms the timer for the next due time when it comes before the next tick, and runs at it', async () => {
    clock.current = local(10, 8, 59, 30);
    const scheduler = newScheduler();
    await scheduler.start();
    await scheduler.set('files', { kind: 'daily', time: '09:00' }, ['/home/ada']);
    expect(clock.armed().ms).toBe(30_000);

    await clock.fireAt(local(10, 9), scheduler);
    expect(started).toEqual([{ source: 'files', paths: ['/home/ada'], dueAt: local(10, 9).toISOString() }]);
    expect(logs.some((entry) => entry.message.startsWith('resumed after sleep'))).toBe(false);
    // With nothing due before it, the next wake is a tick.
    expect(clock.armed().ms).toBe(60_000);
  });

  it('does not start a second session of a data source while one is running', async () => {
    const manual = journal.createSession({
      id: '20240110-075900-abcdef',
      source: 'files',
      paths: ['/home/ada'],
      repository: '/srv/repo',
      trigger: 'manual',
      maxAttempts: 3,
      createdAt: local(10, 7, 59),
    });
    const scheduler = newScheduler();
    await scheduler.start();
    await scheduler.set('files', { kind: 'daily', time: '09:00' }, ['/home/ada']);
    await scheduler.set('system-state', { kind: 'daily', time: '09:00' }, []);

    await clock.fireAt(local(10, 9), scheduler);
    // System state is not blocked by a files session; files is.
    expect(started.map((run) => run.source)).toEqual(['system-state']);
    const warning = logs.find((entry) => entry.level === 'warning');
    expect(warning?.message).toContain(`session ${manual.session.id} of that data source is still running`);
    // The run is used up (claimed): the next tick does not start it.
    expect(journal.lastScheduledRun('files')?.dueAt.toISOString()).toBe(local(10, 9).toISOString());
    await clock.fireAt(local(10, 9, 1), scheduler);
    expect(started.map((run) => run.source)).toEqual(['system-state']);
  });

  it('names the session a scheduled run started in the schedule state', async () => {
    const scheduler = newScheduler();
    await scheduler.start();
    await scheduler.set('system-state', { kind: 'daily', time: '09:00' }, []);
    await clock.fireAt(local(10, 9, 0, 5), scheduler);
    expect(started).toHaveLength(1);
    const state = (await scheduler.states()).find((s) => s.source === 'system-state');
    expect(state?.lastRunAt).toBe(local(10, 9).toISOString());
    expect(state?.lastSessionId).toBe(journal.activeSessionOf('system-state')?.id);
    expect(state?.lastSessionId).toMatch(/^20240110-080000-/);
  });

  it('does not run a due time that passed before the schedule was set', async () => {
    clock.current = local(10, 10);
    const scheduler = newScheduler();
    await scheduler.start();
    await scheduler.set('system-state', { kind: 'daily', time: '09:00' }, []);
    await scheduler.checkNow();
    expect(started).toEqual([]);
    await clock.fireAt(local(11, 9), scheduler);
    expect(started).toHaveLength(1);
  });

  it('persists set() in schedules.json (mode 0600) for the next helper', async () => {
    const scheduler = newScheduler();
    const states = await scheduler.set('files', { kind: 'weekly', weekdays: [6], time: '07:15' }, [
      '/srv/data',
    ]);
    expect(states.find((state) => state.source === 'files')).toEqual({
      source: 'files',
      spec: { kind: 'weekly', weekdays: [6], time: '07:15' },
      paths: ['/srv/data'],
      excludes: [],
      // 2024-01-13 is the Saturday after the 10th.
      nextRunAt: local(13, 7, 15).toISOString(),
      lastRunAt: null,
      lastSessionId: null,
    });
    expect(states.find((state) => state.source === 'system-state')?.spec).toEqual({ kind: 'off' });

    const stored = await ScheduleStore.inStateDir(stateDir).read();
    expect(stored).toEqual([
      {
        source: 'files',
        spec: { kind: 'weekly', weekdays: [6], time: '07:15' },
        paths: ['/srv/data'],
        setAt: local(10, 8),
      },
    ]);
    expect((await stat(path.join(stateDir, 'schedules.json'))).mode & 0o777).toBe(0o600);
  });

  it('starts a scheduled Files run with the excludes of its schedule', async () => {
    const excludesOf: string[][] = [];
    const scheduler = newScheduler({
      startSession: (source, paths, dueAt, excludes: string[]) => {
        excludesOf.push(excludes);
        return startSession(source, paths, dueAt);
      },
    });
    await scheduler.start();
    await scheduler.set('files', { kind: 'daily', time: '09:00' }, ['/srv/data'], ['*.tmp']);
    expect((await scheduler.states()).find((s) => s.source === 'files')?.excludes).toEqual(['*.tmp']);
    await clock.fireAt(local(10, 9), scheduler);
    expect(started).toEqual([{ source: 'files', paths: ['/srv/data'], dueAt: local(10, 9).toISOString() }]);
    expect(excludesOf).toEqual([['*.tmp']]);
  });

  it('logs a session that cannot be started, with its code, and still starts the other source', async () => {
    const failing = async (source: SessionSource, paths: string[], dueAt: Date) => {
      if (source === 'files')
        throw Object.assign(new Error('no repository configured'), { code: 'INVALID_LOCATION' });
      return startSession(source, paths, dueAt);
    };
    const scheduler = newScheduler({ startSession: failing });
    await scheduler.start();
    await scheduler.set('files', { kind: 'daily', time: '09:00' }, ['/home/ada']);
    await scheduler.set('system-state', { kind: 'daily', time: '09:00' }, []);

    await clock.fireAt(local(10, 9), scheduler);
    expect(started.map((run) => run.source)).toEqual(['system-state']);
    expect(logs.find((entry) => entry.level === 'error')?.message).toContain(
      'could not be started: INVALID_LOCATION: no repository configured',
    );
  });

  it('stops ticking after stop()', async () => {
    const scheduler = newScheduler();
    await scheduler.start();
    expect(clock.timers.size).toBe(1);
    scheduler.stop();
    expect(clock.timers.size).toBe(0);
  });
});

/**
 * The ≤ 10 Hz rule of restore/changed on a fake clock: a phase or state change goes out at once, a burst of
 * progress within 100 ms is one notification at the end of the window carrying the latest values, nothing is lost
 * (flush), and the notification is a copy that later changes do not reach.
 */
import { describe, expect, it } from 'vitest';
import type { RestoreJob } from '../../helper-protocol/restore-model';
import { ManualClock } from '../progress/testing/manual-clock';
import { RestoreJobAnnouncer } from './restore-job-announcer';
import { emptyProgress } from './restore-jobs';

function fakeClock() {
  const clock = new ManualClock();
  return { clock, advance: (ms: number) => clock.advance(ms), pending: () => clock.pendingTimers };
}

function job(): RestoreJob {
  return {
    id: '0123456789abcdef0123456789abcdef',
    kind: 'restore',
    state: 'running',
    phase: 'prepare',
    snapshotId: 'a'.repeat(64),
    hostname: 'alpha',
    target: { kind: 'folder', path: '/mnt/target' },
    targetRoot: '/mnt/target',
    startedAt: '2026-11-26T10:00:00.000Z',
    finishedAt: null,
    progress: { ...emptyProgress },
    rollbackSnapshotId: null,
    failures: [],
    verification: null,
    checklist: [],
    error: null,
  };
}

describe('RestoreJobAnnouncer', () => {
  it('sends the first change and every phase change at once, and folds a burst into one per 100 ms window', () => {
    const { clock, advance, pending } = fakeClock();
    const sent: RestoreJob[] = [];
    const state = job();
    const announcer = new RestoreJobAnnouncer(state, (j) => sent.push(j), clock);
    announcer.changed();
    expect(sent.map((j) => j.phase)).toEqual(['prepare']);

    state.phase = 'restore';
    announcer.changed();
    expect(sent.map((j) => j.phase)).toEqual(['prepare', 'restore']);

    // 1000 progress updates over one second: at most one notification per 100 ms window.
    for (let i = 1; i <= 1000; i++) {
      state.progress = { ...state.progress, filesDone: i };
      announcer.changed();
      advance(1);
    }
    advance(100);
    const progress = sent.slice(2);
    expect(progress.length).toBeGreaterThanOrEqual(9);
    expect(progress.length).toBeLessThanOrEqual(11);
    // The last value is never lost, and every window sent the latest value it had.
    expect(progress.at(-1)?.progress.filesDone).toBe(1000);
    expect(pending()).toBe(0);

    // A state change is immediate even inside a window.
    state.progress = { ...state.progress, filesDone: 1001 };
    announcer.changed();
    state.state = 'completed';
    announcer.changed();
    expect(sent.at(-1)?.state).toBe('completed');
  });

  it('flush sends what is held back; dispose drops it; what was sent is a copy', () => {
    const { clock, advance } = fakeClock();
    const sent: RestoreJob[] = [];
    const state = job();
    const announcer = new RestoreJobAnnouncer(state, (j) => sent.push(j), clock);
    announcer.changed();
    state.progress = { ...state.progress, bytesDone: 5 };
    announcer.changed();
    expect(sent).toHaveLength(1);
    announcer.flush();
    expect(sent).toHaveLength(2);
    expect(sent[1]?.progress.bytesDone).toBe(5);
    state.failures.push({ path: '/etc/x', code: 'CORRUPT', message: 'damaged' });
    expect(sent[1]?.failures).toEqual([]);

    advance(50);
    state.progress = { ...state.progress, bytesDone: 6 };
    announcer.changed();
    announcer.dispose();
    advance(1000);
    expect(sent).toHaveLength(2);
  });
});

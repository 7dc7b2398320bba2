import { describe, expect, it } from 'vitest';
import { fakeApi, ok } from '../../api/testing/fake-api';
import { completedJob, job } from './test-fixtures';
import { createTestRestoreStore, specOf } from './test-restore-store';

const testJob = job({ id: '9'.repeat(32), kind: 'test-restore' });
const schedule = {
  spec: { kind: 'weekly' as const, weekdays: [0, 3], time: '04:30' },
  nextRunAt: '2026-11-29T04:30:00.000Z',
  lastRunAt: null,
  lastJob: completedJob({ id: '8'.repeat(32), kind: 'test-restore' }),
};

function setup() {
  const api = fakeApi();
  api.handle('restore.testSchedule.get', () => ok({ schedule }));
  api.handle('restore.jobs', () => ok({ jobs: [] }));
  api.handle('restore.test', () => ok({ job: testJob }));
  api.handle('restore.testSchedule.set', (p) => ok({ schedule: { ...schedule, spec: p.spec } }));
  const store = createTestRestoreStore(api);
  return { api, store };
}

describe('test restore', () => {
  it('shows the schedule in the form and the last result', async () => {
    const { store } = setup();
    await store.getState().load();
    expect(store.getState().form).toEqual({ kind: 'weekly', time: '04:30', weekdays: [0, 3] });
    const state = store.getState().schedule;
    expect(state.status === 'ready' && state.value.lastJob?.state).toBe('completed');
  });

  it('runs now with the helper defaults, follows the job, and reads the last result again when it ends', async () => {
    const { api, store } = setup();
    store.getState().connect();
    await store.getState().runNow();
    expect(api.paramsOf('restore.test')).toEqual([{}]);
    expect(store.getState().job?.id).toBe(testJob.id);
    // A second start while one runs asks nothing.
    await store.getState().runNow();
    expect(api.paramsOf('restore.test')).toHaveLength(1);
    // A wizard restore's events are not the test restore's.
    api.emit('restore.changed', { job: job({ phase: 'verify' }) });
    expect(store.getState().job?.phase).toBe('restore');
    api.emit('restore.changed', { job: { ...testJob, state: 'completed', phase: 'done' } });
    expect(store.getState().job?.state).toBe('completed');
    await Promise.resolve();
    expect(api.paramsOf('restore.testSchedule.get')).toHaveLength(1);
  });

  it('finds a test restore that was running when the page opened', async () => {
    const { api, store } = setup();
    api.handle('restore.jobs', () => ok({ jobs: [job(), testJob] }));
    await store.getState().load();
    expect(store.getState().job?.id).toBe(testJob.id);
  });

  it('says why a start was refused', async () => {
    const { api, store } = setup();
    api.handle('restore.test', () => ({
      ok: false,
      code: 'REPOSITORY_UNSET',
      message: 'no repository in the settings',
    }));
    await store.getState().runNow();
    expect(store.getState()).toMatchObject({ starting: false, startError: { code: 'REPOSITORY_UNSET' } });
  });

  it('saves daily, weekly and off; refuses a bad time or no day without asking', async () => {
    const { api, store } = setup();
    await store.getState().load();
    store.getState().setKind('daily');
    store.getState().setTime('25:00');
    await store.getState().save();
    expect(store.getState().saveError?.code).toBe('SCHEDULE_INVALID');
    store.getState().setTime('03:15');
    await store.getState().save();
    store.getState().setKind('weekly');
    store.getState().setWeekday(0, false);
    store.getState().setWeekday(3, false);
    await store.getState().save();
    expect(store.getState().saveError?.message).toMatch(/at least one day/);
    store.getState().setWeekday(5, true);
    store.getState().setWeekday(1, true);
    await store.getState().save();
    store.getState().setKind('off');
    await store.getState().save();
    expect(api.paramsOf('restore.testSchedule.set')).toEqual([
      { spec: { kind: 'daily', time: '03:15' } },
      { spec: { kind: 'weekly', weekdays: [1, 5], time: '03:15' } },
      { spec: { kind: 'off' } },
    ]);
    expect(store.getState().saveNotice).toBe('Scheduled test restores are off.');
  });

  it('specOf turns the form into a schedule spec', () => {
    expect(specOf({ kind: 'off', time: 'x', weekdays: [] })).toEqual({ ok: true, spec: { kind: 'off' } });
    expect(specOf({ kind: 'weekly', time: '23:59', weekdays: [6, 1] })).toEqual({
      ok: true,
      spec: { kind: 'weekly', weekdays: [1, 6], time: '23:59' },
    });
  });
});

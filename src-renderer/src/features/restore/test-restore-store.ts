/**
 * The "Test restore" panel's state: run one now (the latest System state session of this machine into a scratch
 * folder, verified, then removed), follow it, its schedule (daily, weekly or off), and the last result, kept by the
 * helper across restarts. Separate from the wizard: it never needs the wizard's repository or choices.
 */
import type { BackupManagerApi, RestoreJob, RestoreTestSchedule, ScheduleSpec } from '@contract';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { Failure, Loadable } from './restore-state';
import { isJobEnded, isSameOrNewer } from './restore-text';

export interface ScheduleFormState {
  kind: ScheduleSpec['kind'];
  time: string;
  weekdays: number[];
}

export interface TestRestoreState {
  schedule: Loadable<RestoreTestSchedule>;
  form: ScheduleFormState;
  saving: boolean;
  saveError: Failure | null;
  saveNotice: string | null;
  /** The test restore started from here (or found running), followed by its events. */
  job: RestoreJob | null;
  starting: boolean;
  startError: Failure | null;
}

export interface TestRestoreActions {
  load(): Promise<void>;
  connect(): () => void;
  runNow(): Promise<void>;
  jobChanged(job: RestoreJob): void;
  setKind(kind: ScheduleSpec['kind']): void;
  setTime(time: string): void;
  setWeekday(day: number, on: boolean): void;
  save(): Promise<void>;
}

export type TestRestoreStore = TestRestoreState & TestRestoreActions;

const defaultForm: ScheduleFormState = { kind: 'off', time: '04:00', weekdays: [0] };

function formOf(spec: ScheduleSpec): ScheduleFormState {
  if (spec.kind === 'off') return defaultForm;
  if (spec.kind === 'daily') return { ...defaultForm, kind: 'daily', time: spec.time };
  return { kind: 'weekly', time: spec.time, weekdays: [...spec.weekdays] };
}

/** The spec the form stands for, or why it is not one yet. */
export function specOf(
  form: ScheduleFormState,
): { ok: true; spec: ScheduleSpec } | { ok: false; problem: string } {
  if (form.kind === 'off') return { ok: true, spec: { kind: 'off' } };
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(form.time))
    return { ok: false, problem: 'Type the time as HH:MM (24-hour clock), e.g. 04:00.' };
  if (form.kind === 'daily') return { ok: true, spec: { kind: 'daily', time: form.time } };
  if (form.weekdays.length === 0) return { ok: false, problem: 'Choose at least one day.' };
  return {
    ok: true,
    spec: { kind: 'weekly', weekdays: [...form.weekdays].sort((a, b) => a - b), time: form.time },
  };
}

export function createTestRestoreStore(api: BackupManagerApi) {
  return createStore<TestRestoreStore>()((set, get) => ({
    schedule: { status: 'loading' },
    form: defaultForm,
    saving: false,
    saveError: null,
    saveNotice: null,
    job: null,
    starting: false,
    startError: null,

    async load() {
      const [schedule, jobs] = await Promise.all([
        api.invoke('restore.testSchedule.get', {}),
        api.invoke('restore.jobs', {}),
      ]);
      if (schedule.ok) {
        set({
          schedule: { status: 'ready', value: schedule.value.schedule },
          form: formOf(schedule.value.schedule.spec),
        });
      } else {
        set({ schedule: { status: 'error', failure: { code: schedule.code, message: schedule.message } } });
      }
      if (jobs.ok && get().job === null) {
        const running = jobs.value.jobs.find((j) => j.kind === 'test-restore' && j.state === 'running');
        if (running) set({ job: running });
      }
    },

    connect() {
      return api.subscribe('restore.changed', ({ job }) => get().jobChanged(job));
    },

    async runNow() {
      if (get().starting || (get().job !== null && !isJobEnded(get().job as RestoreJob))) return;
      set({ starting: true, startError: null });
      const result = await api.invoke('restore.test', {});
      if (!result.ok) {
        set({ starting: false, startError: { code: result.code, message: result.message } });
        return;
      }
      set({ starting: false, job: result.value.job });
    },

    jobChanged(job) {
      if (job.kind !== 'test-restore') return;
      const known = get().job;
      // A scheduled test restore shows here too: it is this machine's test restore, whoever started it.
      if (known === null || known.id !== job.id) {
        if (known === null || isJobEnded(known)) set({ job });
      } else if (isSameOrNewer(job, known)) set({ job });
      // The helper records the ended job as the last result: read the schedule again to show it.
      if (isJobEnded(job)) void get().load();
    },

    setKind(kind) {
      set({ form: { ...get().form, kind }, saveError: null, saveNotice: null });
    },

    setTime(time) {
      set({ form: { ...get().form, time }, saveError: null, saveNotice: null });
    },

    setWeekday(day, on) {
      const days = new Set(get().form.weekdays);
      if (on) days.add(day);
      else days.delete(day);
      set({
        form: { ...get().form, weekdays: [...days].sort((a, b) => a - b) },
        saveError: null,
        saveNotice: null,
      });
    },

    async save() {
      if (get().saving) return;
      const checked = specOf(get().form);
      if (!checked.ok) {
        set({ saveError: { code: 'SCHEDULE_INVALID', message: checked.problem }, saveNotice: null });
        return;
      }
      set({ saving: true, saveError: null, saveNotice: null });
      const result = await api.invoke('restore.testSchedule.set', { spec: checked.spec });
      if (!result.ok) {
        set({ saving: false, saveError: { code: result.code, message: result.message } });
        return;
      }
      set({
        saving: false,
        schedule: { status: 'ready', value: result.value.schedule },
        form: formOf(result.value.schedule.spec),
        saveNotice: checked.spec.kind === 'off' ? 'Scheduled test restores are off.' : 'Saved.',
      });
    },
  }));
}

export type TestRestoreStoreApi = ReturnType<typeof createTestRestoreStore>;

export function useTestRestore<T>(store: TestRestoreStoreApi, selector: (state: TestRestoreStore) => T): T {
  return useStore(store, selector);
}

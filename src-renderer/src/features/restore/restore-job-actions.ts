/**
 * The restore job's part of the wizard store: following it (events, and a read after a reconnect), cancelling it,
 * and what can follow a finished one — the boot repair (after a confirmation) and, for an apply to this system,
 * the rollback (after typing the hostname again). A job running in the helper that this page did not start (the
 * page was reloaded) can be followed too.
 */
import type { BackupManagerApi, RestoreJob } from '@contract';
import { thisHostname } from './restore-choices';
import { failureOf, idleBootRepair, idleRollback } from './restore-state';
import type { GetState, SetState } from './restore-store';
import { canRollBack, hostnameMatches, isJobEnded, isSameOrNewer } from './restore-text';

export interface RestoreJobActions {
  /** A `restore.changed` event (or a read): updates the restore or rollback job it is about. */
  jobChanged(job: RestoreJob): void;
  /** Reads the followed jobs again (after the link or the helper came back: events may have been missed). */
  refreshJob(): Promise<void>;
  cancel(): Promise<void>;
  askBootRepair(): void;
  dismissBootRepair(): void;
  confirmBootRepair(): Promise<void>;
  askRollback(): void;
  setRollbackInput(value: string): void;
  dismissRollback(): void;
  confirmRollback(): Promise<void>;
  /** Follows the job that was already running when the page opened. */
  followRunning(): void;
}

export function createJobActions(api: BackupManagerApi, set: SetState, get: GetState): RestoreJobActions {
  return {
    jobChanged(job) {
      const state = get();
      if (state.job?.id === job.id && isSameOrNewer(job, state.job)) {
        const ended = isJobEnded(job);
        set({
          job,
          ...(ended ? { cancelling: false } : {}),
          ...(ended && state.step === 'run' ? { step: 'result' } : {}),
        });
      }
      const rollback = state.rollback;
      if (rollback.job?.id === job.id && isSameOrNewer(job, rollback.job)) {
        set({
          rollback: { ...rollback, job, stage: isJobEnded(job) ? 'idle' : 'running' },
        });
      }
      if (state.runningElsewhere?.id === job.id) set({ runningElsewhere: isJobEnded(job) ? null : job });
    },

    async refreshJob() {
      const ids = [get().job, get().rollback.job]
        .filter((job): job is RestoreJob => job !== null && !isJobEnded(job))
        .map((job) => job.id);
      for (const jobId of ids) {
        const result = await api.invoke('restore.job', { jobId });
        if (result.ok) get().jobChanged(result.value.job);
        else if (get().job?.id === jobId) set({ jobError: failureOf(result) });
      }
    },

    async cancel() {
      const job = get().job;
      if (job === null || isJobEnded(job) || get().cancelling) return;
      set({ cancelling: true, jobError: null });
      const result = await api.invoke('restore.cancel', { jobId: job.id });
      if (!result.ok) {
        set({ cancelling: false, jobError: failureOf(result) });
        return;
      }
      get().jobChanged(result.value.job);
    },

    askBootRepair() {
      const job = get().job;
      if (job === null || !isJobEnded(job)) return;
      set({ bootRepair: { ...idleBootRepair, stage: 'confirming' } });
    },

    dismissBootRepair() {
      if (get().bootRepair.stage !== 'running') set({ bootRepair: { ...get().bootRepair, stage: 'idle' } });
    },

    async confirmBootRepair() {
      const job = get().job;
      if (job === null || get().bootRepair.stage !== 'confirming') return;
      set({ bootRepair: { stage: 'running', result: null, error: null } });
      const result = await api.invoke('restore.bootRepair', { jobId: job.id, confirm: true });
      set({
        bootRepair: result.ok
          ? { stage: 'done', result: result.value, error: null }
          : { stage: 'done', result: null, error: failureOf(result) },
      });
    },

    askRollback() {
      const job = get().job;
      if (job === null || !canRollBack(job)) return;
      set({ rollback: { ...idleRollback, stage: 'confirming' } });
    },

    setRollbackInput(value) {
      set({ rollback: { ...get().rollback, confirmInput: value, error: null } });
    },

    dismissRollback() {
      if (get().rollback.stage === 'confirming') set({ rollback: idleRollback });
    },

    async confirmRollback() {
      const { job, repository, rollback } = get();
      if (job === null || rollback.stage !== 'confirming') return;
      // This machine's name as the helper reported it; a job followed after a reload has only its own record.
      const expected =
        thisHostname(get()) ?? (job.target.kind === 'system' ? job.target.confirmHostname : '');
      if (!hostnameMatches(rollback.confirmInput, expected)) {
        set({
          rollback: {
            ...rollback,
            error: {
              code: 'HOSTNAME_MISMATCH',
              message: `Type this machine's name, ${expected}, to confirm.`,
            },
          },
        });
        return;
      }
      if (repository === null) {
        set({
          rollback: {
            ...rollback,
            error: {
              code: 'RESTORE_HANDLE_EXPIRED',
              message:
                'Open the repository this restore came from again (step 1): the rollback backup is in it.',
            },
          },
        });
        return;
      }
      set({ rollback: { ...rollback, stage: 'running', error: null } });
      const result = await api.invoke('restore.rollback', {
        handle: repository.handle,
        jobId: job.id,
        confirmHostname: rollback.confirmInput.trim(),
      });
      if (!result.ok) {
        set({ rollback: { ...get().rollback, stage: 'confirming', error: failureOf(result) } });
        return;
      }
      const started = result.value.job;
      set({
        rollback: {
          stage: isJobEnded(started) ? 'idle' : 'running',
          confirmInput: '',
          job: started,
          error: null,
        },
      });
      if (!isJobEnded(started)) await get().refreshJob();
    },

    followRunning() {
      const running = get().runningElsewhere;
      if (running === null) return;
      // A rollback followed this way is shown as the wizard's job: there is nothing to undo after it.
      set({
        runningElsewhere: null,
        job: running,
        cancelling: false,
        jobError: null,
        bootRepair: idleBootRepair,
        rollback: idleRollback,
        step: isJobEnded(running) ? 'result' : 'run',
      });
    },
  };
}

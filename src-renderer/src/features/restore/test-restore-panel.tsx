import type { RestoreJob, ScheduleSpec } from '@contract';
import { formatCount } from '../../components/format';
import { WeekdayChecks } from '../../components/weekday-checks';
import { describeNextRun, describeSpec } from '../data-sources/data-sources-format';
import { FailureMessage } from './failure-message';
import { JobProgress } from './job-progress';
import { RestoreBadge } from './restore-badge';
import { formatDateTime, jobStateViews } from './restore-text';
import { type TestRestoreStoreApi, useTestRestore } from './test-restore-store';

/**
 * Test restore: proves the backups can be restored without touching this system — the latest System state session
 * of this machine into a scratch folder, verified against the repository, then removed. Run now or on a schedule.
 */
export function TestRestorePanel({ store }: { store: TestRestoreStoreApi }) {
  const job = useTestRestore(store, (s) => s.job);
  const starting = useTestRestore(store, (s) => s.starting);
  const startError = useTestRestore(store, (s) => s.startError);
  const schedule = useTestRestore(store, (s) => s.schedule);
  const actions = store.getState();
  const running = job !== null && job.state === 'running';
  const last = job ?? (schedule.status === 'ready' ? schedule.value.lastJob : null);
  return (
    <section className="card restore-test" aria-labelledby="restore-test-title" data-testid="test-restore">
      <h3 id="restore-test-title">Test restore</h3>
      <p>
        Restores this machine's latest System state session from its backup repository into a scratch folder,
        checks every file against the repository, then removes the folder. Nothing of this system changes.
      </p>
      <div className="toolbar restore-actions">
        <button
          type="button"
          className="button button-primary"
          aria-disabled={running || starting}
          onClick={() => void actions.runNow()}
          data-testid="run-test-restore"
        >
          {starting ? 'Starting…' : running ? 'Test restore running…' : 'Run a test restore now'}
        </button>
      </div>
      {startError && <FailureMessage title="The test restore did not start" failure={startError} />}
      {running ? <JobProgress job={job} label="Test-restored" /> : <LastResult job={last} />}
      <TestSchedule store={store} />
    </section>
  );
}

function LastResult({ job }: { job: RestoreJob | null }) {
  if (job === null)
    return (
      <p className="muted" data-testid="test-last-result">
        No test restore has run yet.
      </p>
    );
  const verification = job.verification;
  return (
    <div className="restore-test-last" data-testid="test-last-result" data-state={job.state}>
      <p>
        <strong>Last test restore: </strong>
        <RestoreBadge view={jobStateViews[job.state]} /> {formatDateTime(job.finishedAt ?? job.startedAt)} —
        session of {job.hostname}
      </p>
      {verification && (
        <p className="small">
          {formatCount(verification.filesChecked)} files checked,{' '}
          {verification.mismatches.length === 0
            ? 'no mismatches'
            : `${formatCount(verification.mismatches.length)} mismatches`}
          {job.failures.length > 0 && `, ${formatCount(job.failures.length)} entries not restored`}.
        </p>
      )}
      {job.error && (
        <p className="small text-error">
          {job.error.code}: {job.error.message}
        </p>
      )}
    </div>
  );
}

function TestSchedule({ store }: { store: TestRestoreStoreApi }) {
  const schedule = useTestRestore(store, (s) => s.schedule);
  const form = useTestRestore(store, (s) => s.form);
  const saving = useTestRestore(store, (s) => s.saving);
  const error = useTestRestore(store, (s) => s.saveError);
  const notice = useTestRestore(store, (s) => s.saveNotice);
  const actions = store.getState();
  if (schedule.status === 'loading')
    return (
      <p className="muted" role="status">
        Reading the test restore schedule…
      </p>
    );
  if (schedule.status === 'error' || schedule.status === 'idle')
    return schedule.status === 'error' ? (
      <FailureMessage title="The test restore schedule could not be read" failure={schedule.failure} />
    ) : null;
  return (
    <form
      className="restore-schedule"
      aria-label="Test restore schedule"
      onSubmit={(event) => {
        event.preventDefault();
        void actions.save();
      }}
    >
      <p data-testid="test-schedule-state">
        <strong>Schedule: </strong>
        {describeSpec(schedule.value.spec)}
        {schedule.value.spec.kind !== 'off' && ` — next ${describeNextRun(schedule.value.nextRunAt)}`}
      </p>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="restore-test-kind">Run</label>
          <select
            id="restore-test-kind"
            className="input"
            value={form.kind}
            onChange={(event) => actions.setKind(event.target.value as ScheduleSpec['kind'])}
            data-testid="test-schedule-kind"
          >
            <option value="off">Off</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
          </select>
        </div>
        {form.kind !== 'off' && (
          <div className="field">
            <label htmlFor="restore-test-time">At (local time)</label>
            <input
              id="restore-test-time"
              className="input mono restore-time"
              value={form.time}
              inputMode="numeric"
              placeholder="HH:MM"
              onChange={(event) => actions.setTime(event.target.value)}
              data-testid="test-schedule-time"
            />
          </div>
        )}
        <button
          type="submit"
          className="button button-primary"
          aria-disabled={saving}
          data-testid="test-schedule-save"
        >
          {saving ? 'Saving…' : 'Save schedule'}
        </button>
      </div>
      {form.kind === 'weekly' && (
        <WeekdayChecks className="restore-weekdays" chosen={form.weekdays} onChange={actions.setWeekday} />
      )}
      <p className="small" role="status">
        {error ? (
          <span className="text-error">
            {error.code}: {error.message}
          </span>
        ) : notice !== null ? (
          <span className="notice">{notice}</span>
        ) : (
          '\u00a0'
        )}
      </p>
    </form>
  );
}

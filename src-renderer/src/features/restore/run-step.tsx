import { FailureMessage } from './failure-message';
import { JobProgress } from './job-progress';
import { RestoreBadge } from './restore-badge';
import { type RestoreStoreApi, useRestore } from './restore-store';
import { jobStateViews, progressLabel, runningHeadline } from './restore-text';

/** Step 6: the running job, followed live; it can be cancelled (what was written so far stays). */
export function RunStep({ store }: { store: RestoreStoreApi }) {
  const job = useRestore(store, (s) => s.job);
  const cancelling = useRestore(store, (s) => s.cancelling);
  const error = useRestore(store, (s) => s.jobError);
  const actions = store.getState();
  if (job === null) return <p className="muted">No restore is running.</p>;
  const running = job.state === 'running';
  return (
    <div className="restore-step-body" data-testid="run-step" data-job={job.id}>
      <p>
        <RestoreBadge view={jobStateViews[job.state]} testId="job-state" /> {runningHeadline(job)}{' '}
        <span className="mono">{job.targetRoot}</span>.
      </p>
      <JobProgress job={job} label={progressLabel(job)} />
      <div className="toolbar restore-actions">
        <button
          type="button"
          className="button"
          aria-disabled={!running || cancelling}
          onClick={() => void actions.cancel()}
          data-testid="cancel-restore"
        >
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
        <span className="small muted">
          {job.target.kind === 'system'
            ? 'Cancelling keeps what was written so far; “Undo (roll back)” afterwards puts the system back.'
            : 'Cancelling keeps what was written so far in the folder.'}
        </span>
      </div>
      {error && <FailureMessage title="The restore could not be followed or cancelled" failure={error} />}
      {error?.code === 'RESTORE_JOB_NOT_FOUND' && (
        <button type="button" className="button" onClick={actions.startOver}>
          Prepare another restore
        </button>
      )}
    </div>
  );
}

import { BootRepairPanel } from './boot-repair-panel';
import { JobOutcome } from './job-outcome';
import { type RestoreStoreApi, useRestore } from './restore-store';
import { RollbackPanel } from './rollback-panel';

/** Step 7: what the restore did, what is left to do, boot repair, and (for an apply) the way back. */
export function ResultStep({ store }: { store: RestoreStoreApi }) {
  const job = useRestore(store, (s) => s.job);
  const repositoryOpen = useRestore(store, (s) => s.repository !== null);
  const actions = store.getState();
  if (job === null) return <p className="muted">No restore has run yet.</p>;
  return (
    <div className="restore-step-body" data-testid="result-step" data-job={job.id}>
      <JobOutcome job={job} />
      <BootRepairPanel store={store} />
      <RollbackPanel store={store} />
      {repositoryOpen && (
        <div className="toolbar restore-actions">
          <button type="button" className="button" onClick={actions.startOver} data-testid="start-over">
            Prepare another restore
          </button>
        </div>
      )}
    </div>
  );
}

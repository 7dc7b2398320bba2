import { ConfirmDialog } from './confirm-dialog';
import { FailureMessage } from './failure-message';
import { HostnameField } from './hostname-field';
import { JobOutcome } from './job-outcome';
import { JobProgress } from './job-progress';
import { thisHostname } from './restore-choices';
import { type RestoreStoreApi, useRestore } from './restore-store';
import { canRollBack, hostnameMatches } from './restore-text';

/**
 * "Undo (roll back)" after an apply to this system: puts back what the apply overwrote from the rollback backup
 * taken before it, and removes what it created — after typing this machine's name again.
 */
export function RollbackPanel({ store }: { store: RestoreStoreApi }) {
  const job = useRestore(store, (s) => s.job);
  const flow = useRestore(store, (s) => s.rollback);
  const reported = useRestore(store, thisHostname);
  const actions = store.getState();
  if (job === null || !canRollBack(job)) return null;
  const hostname = reported ?? (job.target.kind === 'system' ? job.target.confirmHostname : '');
  const matches = hostnameMatches(flow.confirmInput, hostname);
  const rolling = flow.job !== null && flow.job.state === 'running';
  return (
    <section className="restore-after" aria-labelledby="restore-rollback-title" data-testid="rollback">
      <h4 id="restore-rollback-title">Undo</h4>
      <p>
        Before applying, the rollback backup{' '}
        <span className="mono">{job.rollbackSnapshotId?.slice(0, 8)}</span> saved everything this restore
        overwrote. Undoing puts it back and removes the files the restore created.
      </p>
      {flow.job === null && (
        <button type="button" className="button" onClick={actions.askRollback} data-testid="undo-restore">
          Undo (roll back)…
        </button>
      )}
      {flow.stage !== 'idle' && flow.job === null && (
        <ConfirmDialog
          title="Undo the restore on this system?"
          confirmLabel={flow.stage === 'running' ? 'Rolling back…' : 'Undo (roll back)'}
          confirmDisabled={!matches}
          busy={flow.stage === 'running'}
          onConfirm={() => void actions.confirmRollback()}
          onDismiss={actions.dismissRollback}
          testId="rollback-dialog"
        >
          <p>
            This changes the running system again: its configuration goes back to what it was before the
            restore.
          </p>
          <HostnameField
            id="restore-rollback-input"
            hostname={hostname}
            value={flow.confirmInput}
            onChange={actions.setRollbackInput}
            testId="rollback-hostname"
          />
          {flow.error && <FailureMessage title="The rollback did not start" failure={flow.error} />}
        </ConfirmDialog>
      )}
      {flow.job !== null &&
        (rolling ? <JobProgress job={flow.job} label="Rolled back" /> : <JobOutcome job={flow.job} />)}
    </section>
  );
}

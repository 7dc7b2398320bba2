import { ConfirmDialog } from './confirm-dialog';
import { FailureMessage } from './failure-message';
import { type RestoreStoreApi, useRestore } from './restore-store';
import { bootRepairBlocked, offersBootRepair } from './restore-text';

/**
 * "Run boot repair…": the planned initramfs and bootloader commands, run in the restored system only after a
 * confirmation that lists them; then each step's outcome and output.
 */
export function BootRepairPanel({ store }: { store: RestoreStoreApi }) {
  const job = useRestore(store, (s) => s.job);
  const plan = useRestore(store, (s) => (s.plan.status === 'ready' ? s.plan.value : null));
  const flow = useRestore(store, (s) => s.bootRepair);
  const actions = store.getState();
  if (job === null || !offersBootRepair(job, plan)) return null;
  const steps = plan?.bootRepair?.steps ?? [];
  const blocked = bootRepairBlocked(plan);
  return (
    <section className="restore-after" aria-labelledby="restore-boot-repair-title" data-testid="boot-repair">
      <h4 id="restore-boot-repair-title">Boot repair</h4>
      <p>
        The restored system boots only once its initramfs and bootloader match the disks they are on. This
        runs the planned commands in <span className="mono">{job.targetRoot}</span>.
      </p>
      <button
        type="button"
        className="button"
        aria-disabled={flow.stage === 'running' || blocked !== null}
        aria-describedby={blocked === null ? undefined : 'restore-boot-repair-blocked'}
        onClick={() => {
          if (blocked === null) actions.askBootRepair();
        }}
        data-testid="run-boot-repair"
      >
        {flow.stage === 'running' ? 'Repairing…' : 'Run boot repair…'}
      </button>
      {blocked !== null && (
        <p className="small muted" id="restore-boot-repair-blocked" data-testid="boot-repair-blocked">
          {blocked}
        </p>
      )}
      {(flow.stage === 'confirming' || flow.stage === 'running') && (
        <ConfirmDialog
          title="Run boot repair?"
          confirmLabel={flow.stage === 'running' ? 'Repairing…' : 'Run boot repair'}
          busy={flow.stage === 'running'}
          onConfirm={() => void actions.confirmBootRepair()}
          onDismiss={actions.dismissBootRepair}
          testId="boot-repair-dialog"
        >
          <p>
            These commands run in <span className="mono">{job.targetRoot}</span> (through chroot). They
            rewrite its boot files; they do not touch the disks' partitions.
          </p>
          {steps.length > 0 ? (
            <ol className="restore-plan-steps">
              {steps.map((step) => (
                <li key={step.id}>
                  {step.title}
                  {step.available ? (
                    <code className="restore-command mono">{step.argv.join(' ')}</code>
                  ) : (
                    <span className="small muted"> — cannot run here: {step.reason}</span>
                  )}
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">The helper runs the boot repair it planned for this restore.</p>
          )}
        </ConfirmDialog>
      )}
      {flow.error && <FailureMessage title="Boot repair did not run" failure={flow.error} />}
      {flow.result && (
        <div data-testid="boot-repair-result" data-ok={flow.result.ok}>
          <p>
            <span className={`status-badge tone-${flow.result.ok ? 'ok' : 'error'}`}>
              <span aria-hidden="true">{flow.result.ok ? '✓ ' : '✕ '}</span>
              {flow.result.ok ? 'Boot repair done' : 'Boot repair failed'}
            </span>
          </p>
          <ol className="restore-plan-steps">
            {flow.result.steps.map((step) => (
              <li key={step.id} data-ok={step.ok}>
                <span aria-hidden="true">{step.ok ? '✓ ' : '✕ '}</span>
                {step.title} — {step.ok ? 'done' : 'failed'}
                {step.output !== '' && (
                  <details>
                    <summary>Output</summary>
                    <pre className="restore-pre mono">{step.output}</pre>
                  </details>
                )}
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

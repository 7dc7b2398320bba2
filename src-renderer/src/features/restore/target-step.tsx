import { FailureMessage } from './failure-message';
import { HostnameField } from './hostname-field';
import { PlanView } from './plan-view';
import { planIsCurrent, systemTargetBlocked, thisHostname } from './restore-choices';
import { type RestoreStoreApi, useRestore } from './restore-store';
import { checkTargetFolder } from './restore-text';

/**
 * Step 5: where the restore writes — a folder (the default: nothing of this system changes), or this system after
 * typing its name — and the plan for these choices, which must be current before the restore can start.
 */
export function TargetStep({ store }: { store: RestoreStoreApi }) {
  const kind = useRestore(store, (s) => s.targetKind);
  const blocked = useRestore(store, systemTargetBlocked);
  const startError = useRestore(store, (s) => s.startError);
  const actions = store.getState();
  return (
    <div className="restore-step-body">
      <fieldset className="restore-choices" data-testid="target-kind">
        <legend>Restore into</legend>
        <label className="restore-choice">
          <input
            type="radio"
            name="restore-target"
            checked={kind === 'folder'}
            onChange={() => actions.setTargetKind('folder')}
            data-testid="target-folder"
          />
          <span className="restore-choice-text">
            <span className="restore-choice-title">A folder (recommended)</span>
            <span className="small muted">
              Nothing of this system changes. For a replacement machine, mount its new disk (for example at
              /mnt/target) and restore into that folder.
            </span>
          </span>
        </label>
        <label className="restore-choice">
          <input
            type="radio"
            name="restore-target"
            checked={kind === 'system'}
            disabled={blocked !== null}
            onChange={() => actions.setTargetKind('system')}
            data-testid="target-system"
          />
          <span className="restore-choice-text">
            <span className="restore-choice-title">Apply to this system</span>
            <span className="small muted">
              {blocked ??
                'Overwrites the configuration of this running system. A rollback backup is taken first.'}
            </span>
          </span>
        </label>
      </fieldset>
      {kind === 'folder' ? <FolderInput store={store} /> : <SystemConfirmation store={store} />}
      <PlanPanel store={store} />
      {startError && (
        <FailureMessage title="The restore did not start" failure={startError} testId="start-error" />
      )}
    </div>
  );
}

function FolderInput({ store }: { store: RestoreStoreApi }) {
  const folder = useRestore(store, (s) => s.folderInput);
  const problem = useRestore(store, (s) => {
    const checked = checkTargetFolder(s.folderInput);
    return checked.ok ? null : checked.problem;
  });
  const actions = store.getState();
  return (
    <div className="form restore-form">
      <label htmlFor="restore-folder-input">Folder</label>
      <input
        id="restore-folder-input"
        className="input input-grow mono"
        value={folder}
        spellCheck={false}
        aria-invalid={problem ? true : undefined}
        aria-describedby="restore-folder-hint"
        onChange={(event) => actions.setFolderInput(event.target.value)}
        onBlur={() => void actions.planIfStale()}
        data-testid="target-folder-input"
      />
      <p className={problem ? 'field-problem small' : 'small muted'} id="restore-folder-hint">
        {problem ??
          'Created if missing. Files already there with the same names are replaced; nothing else is removed.'}
      </p>
    </div>
  );
}

function SystemConfirmation({ store }: { store: RestoreStoreApi }) {
  const hostname = useRestore(store, thisHostname) ?? '';
  const typed = useRestore(store, (s) => s.confirmInput);
  const actions = store.getState();
  return (
    <div className="callout edge edge-warn" data-testid="system-confirmation">
      <p>
        <strong>This overwrites the configuration of this running system ({hostname}).</strong> First a
        rollback backup of everything it overwrites is taken into the repository; “Undo (roll back)” on the
        result page puts it back.
      </p>
      <HostnameField
        id="restore-confirm-input"
        hostname={hostname}
        value={typed}
        onChange={actions.setConfirmInput}
        testId="confirm-hostname"
      />
    </div>
  );
}

function PlanPanel({ store }: { store: RestoreStoreApi }) {
  const plan = useRestore(store, (s) => s.plan);
  const current = useRestore(store, planIsCurrent);
  const uuidInputs = useRestore(store, (s) => s.uuidInputs);
  const diskMapInputs = useRestore(store, (s) => s.diskMapInputs);
  const sysvolMode = useRestore(store, (s) => s.sysvolMode);
  const actions = store.getState();
  return (
    <section className="restore-plan-panel" aria-labelledby="restore-plan-title">
      <div className="toolbar restore-plan-head">
        <h4 id="restore-plan-title">The plan</h4>
        <span className="small muted" role="status" data-testid="plan-state">
          {plan.status === 'loading'
            ? 'Working out the plan…'
            : plan.status === 'ready' && !current
              ? 'Out of date: the choices changed since this plan was made.'
              : plan.status === 'ready'
                ? 'Current for these choices.'
                : '\u00a0'}
        </span>
        <button
          type="button"
          className="button"
          aria-disabled={plan.status === 'loading'}
          onClick={() => {
            if (plan.status !== 'loading') void actions.updatePlan();
          }}
          data-testid="update-plan"
        >
          Update the plan
        </button>
      </div>
      {plan.status === 'error' && (
        <FailureMessage title="The plan could not be made" failure={plan.failure} testId="plan-error" />
      )}
      {plan.status === 'ready' && (
        <div className={current ? undefined : 'restore-stale'}>
          <PlanView
            plan={plan.value}
            uuidInputs={uuidInputs}
            diskMapInputs={diskMapInputs}
            sysvolMode={sysvolMode}
            onUuidInput={actions.setUuidInput}
            onDiskMapInput={actions.setDiskMapInput}
            onSysvolMode={actions.setSysvolMode}
          />
        </div>
      )}
    </section>
  );
}

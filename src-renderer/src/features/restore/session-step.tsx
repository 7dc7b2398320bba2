import type { RestoreMachine, RestoreSessionEntry } from '@contract';
import { formatBytes, formatCount } from '../../components/format';
import { FailureMessage } from './failure-message';
import { type RestoreStoreApi, useRestore } from './restore-store';
import { describeMachine, formatDateTime } from './restore-text';

/** Step 2: every machine of the repository (this one marked), then the chosen machine's sessions, newest first. */
export function SessionStep({ store }: { store: RestoreStoreApi }) {
  const machines = useRestore(store, (s) => s.machines);
  const hostname = useRestore(store, (s) => s.hostname);
  const actions = store.getState();

  if (machines.status === 'idle' || machines.status === 'loading')
    return (
      <p className="muted placeholder" role="status">
        Reading the machines in the repository…
      </p>
    );
  if (machines.status === 'error')
    return (
      <>
        <FailureMessage title="The machines could not be listed" failure={machines.failure} />
        <button type="button" className="button" onClick={() => void actions.reloadMachines()}>
          Try again
        </button>
      </>
    );
  if (machines.value.length === 0)
    return (
      <p className="panel not-yet" data-testid="no-machines">
        This repository has no System state sessions of any machine. Choose another repository (Back).
      </p>
    );
  return (
    <div className="restore-step-body">
      <fieldset className="restore-choices" data-testid="machines">
        <legend>Machine</legend>
        {machines.value.map((machine) => (
          <MachineChoice
            key={machine.hostname}
            machine={machine}
            checked={machine.hostname === hostname}
            onChoose={() => void actions.chooseMachine(machine.hostname)}
          />
        ))}
      </fieldset>
      {hostname !== null && <SessionList store={store} hostname={hostname} />}
    </div>
  );
}

function MachineChoice({
  machine,
  checked,
  onChoose,
}: {
  machine: RestoreMachine;
  checked: boolean;
  onChoose(): void;
}) {
  return (
    <label className="restore-choice" data-hostname={machine.hostname}>
      <input type="radio" name="restore-machine" checked={checked} onChange={onChoose} />
      <span className="restore-choice-text">
        <span className="restore-choice-title">
          {machine.hostname}
          {machine.isThisMachine && (
            <span className="badge badge-info" data-testid="this-machine">
              This machine
            </span>
          )}
        </span>
        <span className="small muted">
          {describeMachine(machine)} — {machine.sessions} session{machine.sessions === 1 ? '' : 's'}, newest{' '}
          {formatDateTime(machine.latestTime)}
        </span>
      </span>
    </label>
  );
}

function SessionList({ store, hostname }: { store: RestoreStoreApi; hostname: string }) {
  const sessions = useRestore(store, (s) => s.sessions);
  const snapshotId = useRestore(store, (s) => s.snapshotId);
  const actions = store.getState();
  if (sessions.status === 'idle' || sessions.status === 'loading')
    return (
      <p className="muted placeholder" role="status">
        Reading the sessions of {hostname}…
      </p>
    );
  if (sessions.status === 'error')
    return (
      <>
        <FailureMessage
          title={`The sessions of ${hostname} could not be listed`}
          failure={sessions.failure}
        />
        <button type="button" className="button" onClick={() => void actions.chooseMachine(hostname)}>
          Try again
        </button>
      </>
    );
  return (
    <fieldset className="restore-choices" data-testid="sessions">
      <legend>Session of {hostname} (newest first)</legend>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col" className="num">
                Files
              </th>
              <th scope="col">Components</th>
            </tr>
          </thead>
          <tbody>
            {sessions.value.map((session) => (
              <SessionRow
                key={session.snapshotId}
                session={session}
                checked={session.snapshotId === snapshotId}
                onChoose={() => actions.chooseSession(session.snapshotId)}
              />
            ))}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}

function SessionRow({
  session,
  checked,
  onChoose,
}: {
  session: RestoreSessionEntry;
  checked: boolean;
  onChoose(): void;
}) {
  return (
    <tr
      aria-current={checked ? 'true' : undefined}
      data-snapshot={session.shortId}
      data-rollback={session.rollback}
    >
      <td>
        <label className="restore-row-choice">
          <input type="radio" name="restore-session" checked={checked} onChange={onChoose} />
          <span>{formatDateTime(session.time)}</span>
          <span className="mono small muted">{session.shortId}</span>
          {session.rollback && (
            <span className="badge badge-neutral" data-testid="rollback-session">
              Rollback backup
            </span>
          )}
        </label>
      </td>
      <td className="num">{formatBytes(session.sizeBytes)}</td>
      <td className="num">{formatCount(session.files)}</td>
      <td>{session.components.map((c) => c.title).join(', ') || '—'}</td>
    </tr>
  );
}

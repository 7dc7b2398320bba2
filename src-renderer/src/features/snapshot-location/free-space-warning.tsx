/**
 * The free-space warning: the free-space preflight check in words and numbers, and its one-click fix. Exported
 * for every place a backup can be started (and the dashboard): `FreeSpaceWarning` takes a feature store, and
 * `StandaloneFreeSpaceWarning` makes its own and runs the check when it mounts.
 */
import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import { RefusalMessage } from './refusal-message';
import {
  createSnapshotLocationStore,
  type SnapshotLocationStoreApi,
  useSnapshotLocation,
} from './snapshot-location-store';
import { freeSpaceView } from './snapshot-location-text';
import './snapshot-location.css';

const statusIcon = { pass: '✓', warn: '!', fail: '✕' } as const;

export function FreeSpaceWarning({
  store,
  showWhenPassing = true,
}: {
  store: SnapshotLocationStoreApi;
  /** False where only a problem is worth the room (the dashboard, a back-up-now dialog). */
  showWhenPassing?: boolean;
}) {
  const preflight = useSnapshotLocation(store, (s) => s.preflight);
  const loading = useSnapshotLocation(store, (s) => s.preflightLoading);
  const error = useSnapshotLocation(store, (s) => s.preflightError);
  const fixing = useSnapshotLocation(store, (s) => s.pending === 'fix');
  const busy = useSnapshotLocation(store, (s) => s.pending !== null);
  const refusal = useSnapshotLocation(store, (s) => (s.refusal?.target === 'fix' ? s.refusal : null));
  const { recheck, moveToSuggested } = store.getState();

  if (error) {
    return (
      <section className="card edge edge-fail" aria-labelledby="free-space-title">
        <h3 id="free-space-title">Free space for the snapshot</h3>
        <p data-testid="free-space-status">
          <span className="status-badge tone-fail">Could not check</span>
        </p>
        <RefusalMessage failure={error} id="free-space-error" kind="error" />
        <button type="button" className="button" onClick={() => void recheck()}>
          Check again
        </button>
      </section>
    );
  }
  if (!preflight) {
    return (
      <section className="card edge" aria-labelledby="free-space-title" aria-busy="true">
        <h3 id="free-space-title">Free space for the snapshot</h3>
        <p className="muted" role="status">
          {loading ? 'Checking the free space on the snapshot location…' : 'Not checked yet.'}
        </p>
      </section>
    );
  }
  const view = freeSpaceView(preflight);
  if (view.status === 'pass' && !showWhenPassing) return null;
  return (
    <section
      className={`card edge edge-${view.status}`}
      aria-labelledby="free-space-title"
      data-testid="free-space-warning"
      data-status={view.status}
      aria-busy={loading}
    >
      <div className="snapshot-location-warning-head">
        <h3 id="free-space-title">Free space for the snapshot</h3>
        <span className={`status-badge tone-${view.status}`} data-testid="free-space-status">
          <span aria-hidden="true">{statusIcon[view.status]} </span>
          {view.label}
        </span>
      </div>
      <p>{view.consequence}</p>
      <dl className="facts snapshot-location-facts">
        {view.facts.map((fact) => (
          <div key={fact.id} className="fact" data-fact={`free-space-${fact.id}`}>
            <dt>{fact.label}</dt>
            <dd>{fact.value}</dd>
          </div>
        ))}
      </dl>
      {view.fix && (
        <div className="toolbar snapshot-location-fix">
          <button
            type="button"
            className="button button-primary"
            data-testid="free-space-fix"
            aria-describedby="free-space-fix-detail"
            onClick={() => void moveToSuggested()}
            aria-disabled={busy}
          >
            {fixing ? `Moving to ${view.fix.mountPoint}…` : view.fix.label}
          </button>
          <span id="free-space-fix-detail" className="muted small">
            {view.fix.detail}
          </span>
        </div>
      )}
      {view.advice && <p className="muted">What to do: {view.advice}</p>}
      {refusal && <RefusalMessage failure={refusal} id="free-space-fix-refusal" />}
      <div className="toolbar snapshot-location-actions">
        <button type="button" className="button" onClick={() => void recheck()} aria-disabled={loading}>
          {loading ? 'Checking…' : 'Check again'}
        </button>
      </div>
    </section>
  );
}

/** The warning with its own store, for screens that do not own the snapshot location (dashboard, back up now). */
export function StandaloneFreeSpaceWarning({ showWhenPassing = false }: { showWhenPassing?: boolean }) {
  const api = useApi();
  const [store] = useState(() => createSnapshotLocationStore(api));
  useEffect(() => {
    void store.getState().checkFreeSpace();
  }, [store]);
  return <FreeSpaceWarning store={store} showWhenPassing={showWhenPassing} />;
}

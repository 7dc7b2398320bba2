import { selectedSession } from './restore-choices';
import { type RestoreStoreApi, useRestore } from './restore-store';
import { selectionSummary } from './restore-text';

/** Step 3: which components of the session to restore; none is an explicit "No selection" that blocks Next. */
export function ComponentsStep({ store }: { store: RestoreStoreApi }) {
  const session = useRestore(store, selectedSession);
  const chosen = useRestore(store, (s) => s.components);
  const actions = store.getState();
  if (session === null) return <p className="muted">Choose a session first (Back).</p>;
  const none = chosen.length === 0;
  return (
    <div className="restore-step-body">
      <fieldset className="restore-choices" data-testid="components">
        <legend>Components of the session {session.shortId}</legend>
        {session.components.map((component) => (
          <label key={component.id} className="restore-choice" data-component={component.id}>
            <input
              type="checkbox"
              checked={chosen.includes(component.id)}
              onChange={(event) => actions.setComponent(component.id, event.target.checked)}
            />
            <span className="restore-choice-text">
              <span className="restore-choice-title">{component.title}</span>
              <span className="mono small muted">{component.paths.join(', ') || '—'}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="toolbar restore-actions">
        <button type="button" className="button" onClick={actions.selectAllComponents}>
          Select all
        </button>
        <button type="button" className="button" onClick={actions.selectNoComponents}>
          Select none
        </button>
        <span
          className={`status-badge ${none ? 'tone-neutral' : 'tone-ok'}`}
          data-testid="selection-summary"
          role="status"
        >
          <span aria-hidden="true">{none ? '∅ ' : '✓ '}</span>
          {selectionSummary(chosen.length, session.components.length)}
        </span>
      </div>
      {none && (
        <p className="tone-warn" data-testid="no-selection">
          <strong>No selection: nothing would be restored. Choose at least one component to go on.</strong>
        </p>
      )}
    </div>
  );
}

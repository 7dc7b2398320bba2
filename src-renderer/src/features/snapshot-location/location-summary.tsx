import type { SnapshotLocationState } from '@contract';
import { providerName } from './snapshot-location-text';

/** Where snapshots go now, whether that is the default or a choice, the default itself and the provider. */
export function LocationSummary({ state }: { state: SnapshotLocationState }) {
  const isDefault = state.source === 'default';
  return (
    <dl className="facts snapshot-location-summary">
      <div className="fact" data-fact="current-location">
        <dt>Current location</dt>
        <dd>
          <span className="mono" data-testid="current-location">
            {state.current}
          </span>{' '}
          <span className="badge badge-info" data-testid="location-source">
            {isDefault ? 'Default' : 'Chosen by you'}
          </span>
        </dd>
      </div>
      <div className="fact" data-fact="default-location">
        <dt>Default</dt>
        <dd data-testid="default-location">
          <span className="mono">{state.default}</span> <span className="muted">(the system disk)</span>
        </dd>
      </div>
      <div className="fact" data-fact="provider">
        <dt>Snapshot provider</dt>
        <dd>
          {providerName(state.provider.kind)} <span className="muted">— {state.provider.reason}</span>
        </dd>
      </div>
    </dl>
  );
}

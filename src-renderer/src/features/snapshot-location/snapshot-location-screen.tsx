import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import { DrivesTable } from '../../components/drives-table';
import { OverviewGate } from '../../components/overview-gate';
import { useAppStore } from '../../store/store-context';
import { FreeSpaceWarning } from './free-space-warning';
import { LocationChooser } from './location-chooser';
import { LocationSummary } from './location-summary';
import { RefusalMessage } from './refusal-message';
import { SnapshotDrivesTable } from './snapshot-drives-table';
import {
  createSnapshotLocationStore,
  type SnapshotLocationStoreApi,
  useSnapshotLocation,
} from './snapshot-location-store';
import './snapshot-location.css';

export function SnapshotLocationScreen() {
  const api = useApi();
  const [store] = useState(() => createSnapshotLocationStore(api));
  const helperState = useAppStore((state) => state.helper?.state);
  // Read again whenever the helper comes or goes: what it reports is the truth, and an error says what to do.
  useEffect(() => {
    void helperState;
    void store.getState().load();
  }, [store, helperState]);
  return <SnapshotLocationView store={store} />;
}

/** The screen for a given store (tests render it with a store filled by a fake api). */
export function SnapshotLocationView({ store }: { store: SnapshotLocationStoreApi }) {
  const location = useSnapshotLocation(store, (s) => s.location);
  const error = useSnapshotLocation(store, (s) => s.locationError);
  return (
    <>
      <h2>Snapshot location</h2>
      <section className="card" aria-labelledby="snapshot-rule-title">
        <h3 id="snapshot-rule-title">Where snapshots are kept during a backup</h3>
        <p>
          System state is read from a point-in-time snapshot. Snapshots are created on the system disk by
          default and can grow to the size of what they capture while a backup runs, so the drive holding them
          needs free room. They are always deleted when the session ends.
        </p>
        {location ? (
          <LocationSummary state={location} />
        ) : error ? (
          <HelperUnavailable store={store} />
        ) : (
          <p className="muted placeholder snapshot-location-placeholder" role="status">
            Reading the snapshot location from the helper service…
          </p>
        )}
      </section>
      {location && (
        <>
          <FreeSpaceWarning store={store} />
          <ChooseLocation store={store} />
        </>
      )}
    </>
  );
}

function ChooseLocation({ store }: { store: SnapshotLocationStoreApi }) {
  const location = useSnapshotLocation(store, (s) => s.location);
  const pending = useSnapshotLocation(store, (s) => s.pending);
  const refusal = useSnapshotLocation(store, (s) => s.refusal);
  const pathInput = useSnapshotLocation(store, (s) => s.pathInput);
  const notice = useSnapshotLocation(store, (s) => s.notice);
  const actions = store.getState();
  if (!location) return null;
  return (
    <section className="card" aria-labelledby="choose-location-title">
      <h3 id="choose-location-title">Choose where snapshots are kept</h3>
      <SnapshotDrivesTable
        drives={location.drives}
        current={location.current}
        pending={pending}
        refusal={refusal}
        onUse={(mountPoint) => void actions.choose(`drive:${mountPoint}`, mountPoint)}
      />
      <LocationChooser
        pathInput={pathInput}
        isDefault={location.source === 'default'}
        defaultLocation={location.default}
        pending={pending}
        refusal={refusal}
        onPathInput={actions.setPathInput}
        onSubmitPath={() => void actions.chooseTypedPath()}
        onBackToDefault={() => void actions.choose('default', null)}
      />
      <p className="notice snapshot-location-notice" role="status" data-testid="location-notice">
        {notice}
      </p>
    </section>
  );
}

/** No helper to ask: say so and what to do, and still show the system-disk default from this machine's overview. */
function HelperUnavailable({ store }: { store: SnapshotLocationStoreApi }) {
  const error = useSnapshotLocation(store, (s) => s.locationError);
  const loading = useSnapshotLocation(store, (s) => s.locationLoading);
  const helper = useAppStore((state) => state.helper);
  if (!error) return null;
  return (
    <div className="snapshot-location-unavailable" data-testid="location-unavailable">
      <p>
        <strong>The snapshot location cannot be read or changed right now.</strong> The helper service keeps
        it, and it did not answer.
      </p>
      <RefusalMessage failure={error} id="location-error" kind="error" />
      {helper?.action && !error.message.includes(helper.action) && <p>What to do: {helper.action}</p>}
      <button
        type="button"
        className="button"
        aria-disabled={loading}
        onClick={() => void store.getState().load()}
      >
        {loading ? 'Trying…' : 'Try again'}
      </button>
      <OverviewGate>
        {(overview) => {
          const system = overview.filesystems.find((fs) => fs.isSystem);
          return (
            <>
              <p data-testid="default-location">
                Default location:{' '}
                {system ? (
                  <strong className="mono">{system.mount}</strong>
                ) : (
                  <strong>the system disk was not found among the mounted filesystems</strong>
                )}{' '}
                <span className="muted">(the system disk)</span>
              </p>
              <DrivesTable filesystems={overview.filesystems} caption="Drives on this machine" />
            </>
          );
        }}
      </OverviewGate>
    </div>
  );
}

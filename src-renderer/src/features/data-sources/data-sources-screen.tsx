import type { ScheduleState, SessionSource } from '@contract';
import { type ReactNode, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useApi } from '../../api/api-context';
import { useAppStore } from '../../store/store-context';
import { DataSourceSchedule } from './data-source-card';
import { createDataSourcesStore, type DataSourcesStoreApi, type RequestError } from './data-sources-store';
import { DetectedComponentsView } from './detected-components';
import { FilesExcludes } from './files-excludes';
import { FilesSelection } from './files-selection';
import { RequestErrorPanel } from './request-error';
import { SystemStateDefinition } from './system-state-definition';
import './data-sources.css';

export function DataSourcesScreen() {
  const api = useApi();
  const [store] = useState(() => createDataSourcesStore(api));
  const helperState = useAppStore((state) => state.helper?.state);

  // Read on opening, and again whenever the helper link changes (it came back, or went away).
  useEffect(() => {
    void helperState;
    void store.getState().load();
  }, [store, helperState]);

  return <DataSourcesView store={store} />;
}

function DataSourcesView({ store }: { store: DataSourcesStoreApi }) {
  const helper = useAppStore((state) => state.helper);
  const components = useStore(store, (s) => s.components);
  const schedules = useStore(store, (s) => s.schedules);
  const changes = useStore(store, (s) => s.changes);
  const { setSchedule, addPath, removePath, addExclude, removeExclude } = store.getState();

  // No helper: say so once, with what to do, rather than in every section.
  const helperDown =
    (components.status === 'error' && components.code === 'HELPER_UNAVAILABLE') ||
    (schedules.status === 'error' && schedules.code === 'HELPER_UNAVAILABLE');
  const downError: RequestError =
    components.status === 'error'
      ? components
      : schedules.status === 'error'
        ? schedules
        : { code: 'HELPER_UNAVAILABLE', message: '' };
  const waitingForHelper = (
    <p className="muted" data-testid="waiting-for-helper">
      Not available until the helper is connected (see above).
    </p>
  );

  const scheduleOf = (source: SessionSource): ScheduleState | undefined =>
    schedules.status === 'ready' ? schedules.value.find((s) => s.source === source) : undefined;

  const scheduleBody = (source: SessionSource, extra?: (schedule: ScheduleState) => ReactNode) => {
    if (schedules.status === 'loading')
      return (
        <p className="muted" role="status">
          Reading the schedule…
        </p>
      );
    if (schedules.status === 'error')
      return helperDown ? (
        waitingForHelper
      ) : (
        <RequestErrorPanel what="The schedules could not be read." error={schedules} helper={helper} />
      );
    const schedule = scheduleOf(source);
    if (schedule === undefined)
      return <p className="muted">The helper reported no schedule for this source.</p>;
    return (
      <DataSourceSchedule
        schedule={schedule}
        change={changes[source]}
        helper={helper}
        onSave={(spec) => void setSchedule(source, spec)}
      >
        {extra?.(schedule)}
      </DataSourceSchedule>
    );
  };

  return (
    <>
      <h2>Data sources</h2>
      {helperDown && (
        <div className="data-sources-helper-down">
          <RequestErrorPanel
            what="Data sources need the helper: this machine's components and the schedules cannot be read."
            error={downError}
            helper={helper}
          />
        </div>
      )}
      <section className="card" aria-labelledby="data-sources-system-state">
        <h3 id="data-sources-system-state">System state</h3>
        <p>
          The operating system's configuration and critical components, captured from a point-in-time snapshot
          so that a failed machine can be replaced by a different computer without reconfiguring the system by
          hand.
        </p>
        {scheduleBody('system-state')}
        <h4 className="subtitle">Detected on this machine</h4>
        {helperDown && components.status === 'error' ? (
          waitingForHelper
        ) : (
          <DetectedComponentsView state={components} helper={helper} />
        )}
      </section>
      <section className="card" aria-labelledby="data-sources-files">
        <h3 id="data-sources-files">Files and folders</h3>
        <p>Folders and files you choose, backed up alongside System state on their own schedule.</p>
        {scheduleBody('files', (schedule) => (
          <>
            <FilesSelection
              paths={schedule.paths}
              saving={changes.files.saving}
              pathProblem={changes.files.pathProblem}
              onAdd={addPath}
              onRemove={(path) => void removePath(path)}
            />
            <FilesExcludes
              excludes={schedule.excludes}
              saving={changes.files.saving}
              onAdd={addExclude}
              onRemove={(pattern) => void removeExclude(pattern)}
            />
          </>
        ))}
      </section>
      <SystemStateDefinition />
    </>
  );
}

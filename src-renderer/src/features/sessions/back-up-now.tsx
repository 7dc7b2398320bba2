/** "Back up now" for each data source: System state runs the preflight first; Files needs a selection. */
import type { PreflightResult, SessionSource } from '@contract';
import { PreflightReview } from './preflight-review';
import { liveSessions, type SessionsStoreApi, useSessions } from './sessions-store';
import { sourceLabels } from './sessions-text';

export function BackUpNow({ store }: { store: SessionsStoreApi }) {
  return (
    <section className="card sessions-backup" aria-labelledby="sessions-backup-title">
      <h3 id="sessions-backup-title">Back up now</h3>
      <div className="sessions-backup-sources">
        <BackUpSource store={store} source="system-state" />
        <BackUpSource store={store} source="files" />
      </div>
    </section>
  );
}

function BackUpSource({ store, source }: { store: SessionsStoreApi; source: SessionSource }) {
  const flow = useSessions(store, (s) => s.backUp[source]);
  const paths = useSessions(store, (s) => s.filesPaths);
  const sessions = useSessions(store, (s) => s.sessions);
  const running = liveSessions(sessions).some((s) => s.source === source);
  const { backUpNow, confirmStart, dismissPreflight } = store.getState();
  const label = sourceLabels[source];
  const noSelection = source === 'files' && paths !== null && paths.length === 0;
  const reasonId = `sessions-reason-${source}`;
  const reason = noSelection
    ? 'No folders are selected for Files: choose them in Data sources.'
    : running
      ? `A ${label} backup is running (below).`
      : source === 'files'
        ? paths === null
          ? 'Reading the Files selection…'
          : `${paths.length} selected folder${paths.length === 1 ? '' : 's'}.`
        : 'The preflight checks run first and are shown before it starts.';
  const busy = flow.stage === 'checking' || flow.stage === 'starting';
  const buttonText = noSelection
    ? 'No selection'
    : flow.stage === 'checking'
      ? 'Checking…'
      : flow.stage === 'starting'
        ? 'Starting…'
        : `Back up ${label} now`;
  return (
    <div className="sessions-backup-source" data-source={source}>
      <div className="toolbar">
        <button
          type="button"
          className="button button-primary sessions-start"
          data-testid={`back-up-${source}`}
          disabled={noSelection || running || (paths === null && source === 'files')}
          aria-disabled={busy}
          aria-describedby={reasonId}
          onClick={() => {
            if (!busy) void backUpNow(source);
          }}
        >
          {buttonText}
        </button>
        <span id={reasonId} className="muted small">
          {reason}
        </span>
      </div>
      {flow.error && (
        <p className="text-error" role="alert" data-testid={`back-up-error-${source}`}>
          Could not start ({flow.error.code}): {flow.error.message}
        </p>
      )}
      {flow.preflight && (flow.stage === 'review' || flow.stage === 'starting') && (
        <PreflightReview
          flow={flow as typeof flow & { preflight: PreflightResult }}
          onStart={() => {
            if (flow.stage !== 'starting') void confirmStart(source);
          }}
          onRecheck={() => void backUpNow(source)}
          onClose={() => dismissPreflight(source)}
        />
      )}
    </div>
  );
}

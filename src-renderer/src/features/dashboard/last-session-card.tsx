import type { BackupManagerApi } from '@contract';
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useApi } from '../../api/api-context';
import { useAppStore } from '../../store/store-context';
import {
  checkName,
  formatTime,
  sessionDuration,
  sourceLabels,
  troubleshootingHref,
} from '../sessions/sessions-text';
import { SessionStatusBadge } from '../sessions/status-badge';
import { StandaloneFreeSpaceWarning } from '../snapshot-location/free-space-warning';
import { createLastSessionStore } from './last-session-store';

/** "Protection": the last backup and its result, the free-space warning when there is one, or what is missing. */
export function ProtectionCard() {
  const api = useApi();
  const helper = useAppStore((state) => state.helper);
  const connected = helper?.state === 'connected';
  return (
    <section className="card" aria-labelledby="protection-title">
      <h3 id="protection-title">Protection</h3>
      {connected ? (
        <>
          <LastSession api={api} />
          <StandaloneFreeSpaceWarning />
        </>
      ) : (
        <div data-testid="dashboard-helper-unavailable">
          <p>Backups run in the Backup Manager helper, which is not connected.</p>
          {helper && <p className="muted">{helper.detail}</p>}
          {helper?.action && (
            <p>
              <strong>What to do:</strong> {helper.action}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function LastSession({ api }: { api: BackupManagerApi }) {
  const [store] = useState(() => createLastSessionStore(api));
  useEffect(() => {
    const stop = store.getState().follow();
    void store.getState().load();
    return stop;
  }, [store]);
  const { status, session, error } = useStore(store);
  if (status === 'loading') return <p className="muted">Reading the last backup…</p>;
  if (status === 'error')
    return (
      <p role="alert">
        The last backup could not be read ({error?.code}): {error?.message}
      </p>
    );
  if (session === null)
    return (
      <p data-testid="last-session">
        No backup has run yet. <a href="#/sessions">Back up now</a> or set a schedule on{' '}
        <a href="#/data-sources">Data sources</a>.
      </p>
    );
  return (
    <dl className="facts" data-testid="last-session">
      <div className="fact">
        <dt>Last backup</dt>
        <dd>
          {sourceLabels[session.source]} <SessionStatusBadge status={session.status} />
        </dd>
      </div>
      <div className="fact">
        <dt>Started</dt>
        <dd>{formatTime(session.startedAt ?? session.createdAt)}</dd>
      </div>
      <div className="fact">
        <dt>Duration</dt>
        <dd>{sessionDuration(session, Date.now())}</dd>
      </div>
      {session.failure && (
        <div>
          <dt>Problem</dt>
          <dd>
            {session.failure.code}: {session.failure.message}
            {session.failure.check && (
              <>
                {' '}
                <a href={troubleshootingHref(session.failure.check)}>
                  Open the {checkName(session.failure.check)} check
                </a>
              </>
            )}
          </dd>
        </div>
      )}
      <div className="fact">
        <dt>Details</dt>
        <dd>
          <a href="#/sessions">All sessions</a>
        </dd>
      </div>
    </dl>
  );
}

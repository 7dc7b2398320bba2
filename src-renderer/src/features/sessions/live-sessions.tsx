/** The running sessions, each with its progress and a Cancel button. */
import type { SessionSummary } from '@contract';
import { SessionProgressView } from './session-progress';
import { liveSessions, type SessionsStoreApi, useSessions } from './sessions-store';
import { formatTime, sourceLabels } from './sessions-text';
import { SessionStatusBadge } from './status-badge';

export function LiveSessions({ store }: { store: SessionsStoreApi }) {
  const sessions = useSessions(store, (s) => s.sessions);
  const cancelError = useSessions(store, (s) => s.cancelError);
  const live = liveSessions(sessions);
  if (live.length === 0) return null;
  return (
    <section className="card sessions-live" aria-labelledby="sessions-live-title">
      <h3 id="sessions-live-title">Running now</h3>
      {cancelError && (
        <p className="text-error" role="alert">
          Could not cancel ({cancelError.code}): {cancelError.message}
        </p>
      )}
      {live.map((session) => (
        <LiveSession key={session.id} store={store} session={session} />
      ))}
    </section>
  );
}

function LiveSession({ store, session }: { store: SessionsStoreApi; session: SessionSummary }) {
  const cancelling = useSessions(store, (s) => s.cancelling[session.id] === true);
  const titleId = `sessions-live-${session.id}`;
  return (
    <article className="sessions-live-item" aria-labelledby={titleId} data-session-id={session.id}>
      <header className="toolbar sessions-live-head">
        <h4 id={titleId}>{sourceLabels[session.source]} backup</h4>
        <SessionStatusBadge status={session.status} />
        <span className="muted small" data-testid="session-attempt">
          Attempt {Math.max(session.attempt, 1)} of {session.maxAttempts}
        </span>
        <span className="muted small">Started {formatTime(session.startedAt ?? session.createdAt)}</span>
        <button
          type="button"
          className="button sessions-cancel"
          data-testid="cancel-session"
          onClick={() => {
            if (!cancelling) void store.getState().cancel(session.id);
          }}
          aria-disabled={cancelling}
        >
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </header>
      {session.status === 'interrupted' && (
        <p className="muted">Interrupted — it restarts automatically; nothing to do.</p>
      )}
      <SessionProgressView store={store} session={session} />
    </article>
  );
}

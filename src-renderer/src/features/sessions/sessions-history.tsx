/**
 * The history table: one row per session, newest first, from the session list alone (each summary carries its
 * numbers); a row's "Started" button opens its details.
 */
import type { SessionSummary } from '@contract';
import { formatBytes } from '../../components/format';
import type { SessionsStoreApi } from './sessions-store';
import { useSessions } from './sessions-store';
import {
  attemptChain,
  filesSummary,
  formatTime,
  isTerminal,
  problemsSummary,
  sessionDuration,
  sourceLabels,
} from './sessions-text';
import { SessionStatusBadge } from './status-badge';

export function SessionsHistory({ store }: { store: SessionsStoreApi }) {
  const sessions = useSessions(store, (s) => s.sessions);
  const loading = useSessions(store, (s) => s.listLoading);
  const error = useSessions(store, (s) => s.listError);
  const selectedId = useSessions(store, (s) => s.selectedId);
  const { select, load } = store.getState();
  return (
    <section className="card" aria-labelledby="sessions-history-title">
      <h3 id="sessions-history-title">History</h3>
      {error ? (
        <div className="text-error" role="alert" data-testid="history-error">
          <p>
            The history could not be read ({error.code}): {error.message}
          </p>
          <button type="button" className="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      ) : sessions.length === 0 ? (
        <p className="muted" role="status">
          {loading ? 'Reading the history…' : 'No backup sessions yet. Start one with “Back up now”.'}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table sessions-table" data-testid="sessions-history">
            <caption>Newest first. Choose a session’s start time to see its timeline and log.</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Source</th>
                <th scope="col">Started</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col" className="num">
                  Size added
                </th>
                <th scope="col" className="num">
                  Files
                </th>
                <th scope="col">Problems</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((session) => (
                <HistoryRow
                  key={session.id}
                  session={session}
                  selected={session.id === selectedId}
                  onSelect={() => void select(session.id)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function HistoryRow({
  session,
  selected,
  onSelect,
}: {
  session: SessionSummary;
  selected: boolean;
  onSelect: () => void;
}) {
  const chain = attemptChain(session);
  const running = !isTerminal(session.status);
  return (
    <tr
      data-session-id={session.id}
      data-status={session.status}
      aria-current={selected ? 'true' : undefined}
    >
      <td>
        <SessionStatusBadge status={session.status} />
        {chain && (
          <span className="sessions-chain small" data-testid="attempt-chain">
            {chain}
          </span>
        )}
      </td>
      <td>{sourceLabels[session.source]}</td>
      <td>
        <button
          type="button"
          className="button-link"
          onClick={onSelect}
          aria-pressed={selected}
          aria-label={`${sourceLabels[session.source]} session started ${formatTime(session.startedAt ?? session.createdAt)}: show details`}
        >
          {formatTime(session.startedAt ?? session.createdAt)}
        </button>
      </td>
      <td className="num">{running ? 'Running' : sessionDuration(session, Date.now())}</td>
      <td className="num">{session.stats ? formatBytes(session.stats.bytesAdded) : '—'}</td>
      <td className="num">{filesSummary(session)}</td>
      <td>{problemsSummary(session)}</td>
    </tr>
  );
}

/** One session: its facts, the failure with a link into its troubleshooting check, the timeline and the log. */
import type { SessionDetail, SessionLogEntry } from '@contract';
import { formatBytes, formatCount } from '../../components/format';
import { type SessionsStoreApi, useSessions } from './sessions-store';
import {
  attemptChain,
  checkName,
  filesSummary,
  formatClock,
  formatTime,
  logLevelLabels,
  logLevelTones,
  problemsSummary,
  sessionDuration,
  sourceLabels,
  timelineGroups,
  troubleshootingHref,
} from './sessions-text';
import { SessionStatusBadge } from './status-badge';

export function SessionDetails({ store }: { store: SessionsStoreApi }) {
  const id = useSessions(store, (s) => s.selectedId);
  const detail = useSessions(store, (s) => (s.detail?.id === s.selectedId ? s.detail : null));
  const error = useSessions(store, (s) => s.detailError);
  const log = useSessions(store, (s) => s.log);
  const logError = useSessions(store, (s) => s.logError);
  if (id === null) return null;
  return (
    <section
      className="card sessions-details"
      aria-labelledby="sessions-details-title"
      data-testid="session-details"
      data-session-id={id}
    >
      <div className="sessions-details-head">
        <h3 id="sessions-details-title">
          {detail ? `${sourceLabels[detail.source]} session of ${formatTime(detail.createdAt)}` : 'Session'}
        </h3>
        <button type="button" className="button" onClick={() => void store.getState().select(null)}>
          Close details
        </button>
      </div>
      {error && (
        <p className="text-error" role="alert">
          The session could not be read ({error.code}): {error.message}
        </p>
      )}
      {!detail ? (
        !error && (
          <p className="muted" role="status">
            Reading the session…
          </p>
        )
      ) : (
        <>
          <DetailFacts detail={detail} />
          {detail.failure && <FailureBox failure={detail.failure} />}
          <Timeline detail={detail} />
          <SessionLog entries={log} error={logError} />
        </>
      )}
    </section>
  );
}

function DetailFacts({ detail }: { detail: SessionDetail }) {
  const chain = attemptChain(detail);
  return (
    <dl className="facts sessions-facts">
      <div className="fact" data-fact="session-status">
        <dt>Status</dt>
        <dd>
          <SessionStatusBadge status={detail.status} />
        </dd>
      </div>
      {chain && (
        <div className="fact" data-fact="session-chain">
          <dt>Attempts</dt>
          <dd>{chain}</dd>
        </div>
      )}
      <div className="fact">
        <dt>Duration</dt>
        <dd>{sessionDuration(detail, Date.now())}</dd>
      </div>
      <div className="fact" data-fact="session-added">
        <dt>Size added</dt>
        <dd>{detail.stats ? formatBytes(detail.stats.bytesAdded) : '—'}</dd>
      </div>
      <div className="fact">
        <dt>Data read</dt>
        <dd>{detail.stats ? formatBytes(detail.stats.bytesProcessed) : '—'}</dd>
      </div>
      <div className="fact" data-fact="session-files">
        <dt>Files</dt>
        <dd>
          {detail.stats
            ? `${filesSummary(detail)}, ${formatCount(detail.stats.filesUnmodified)} unmodified`
            : '—'}
        </dd>
      </div>
      <div className="fact" data-fact="session-problems">
        <dt>Problems</dt>
        <dd>{problemsSummary(detail)}</dd>
      </div>
      <div className="fact">
        <dt>Snapshot</dt>
        <dd className="mono">{detail.snapshotId ?? '—'}</dd>
      </div>
      <div className="fact">
        <dt>Session id</dt>
        <dd className="mono">{detail.id}</dd>
      </div>
    </dl>
  );
}

function FailureBox({ failure }: { failure: NonNullable<SessionDetail['failure']> }) {
  return (
    <div
      className="callout callout-error sessions-failure"
      data-testid="session-failure"
      data-code={failure.code}
    >
      <p>
        <strong>
          <span aria-hidden="true">✕ </span>Failed with {failure.code}
        </strong>
        : {failure.message}
      </p>
      {failure.check && (
        <a href={troubleshootingHref(failure.check)} data-testid="failure-check-link">
          Open the {checkName(failure.check)} check
        </a>
      )}
    </div>
  );
}

function Timeline({ detail }: { detail: SessionDetail }) {
  return (
    <>
      <h4 className="subtitle">Timeline</h4>
      <div className="sessions-timeline" data-testid="session-timeline">
        {timelineGroups(detail).map((group) => (
          <div key={group.attempt} className="sessions-attempt" data-attempt={group.attempt}>
            <h5>
              {group.title}
              {group.outcome && ` — ${group.outcome.label}`}
            </h5>
            <ol>
              {group.entries.map((entry) => (
                <li key={entry.seq}>
                  <time dateTime={entry.at} className="mono small">
                    {formatClock(entry.at)}
                  </time>
                  <span className="sessions-timeline-phase">{entry.phase}</span>
                  <span className={`status-badge tone-${entry.status.tone}`}>
                    <span aria-hidden="true">{entry.status.icon} </span>
                    {entry.status.label}
                  </span>
                  {entry.detail && <span className="muted small">{entry.detail}</span>}
                </li>
              ))}
            </ol>
          </div>
        ))}
      </div>
    </>
  );
}

function SessionLog({
  entries,
  error,
}: {
  entries: SessionLogEntry[];
  error: { code: string; message: string } | null;
}) {
  return (
    <>
      <h4 className="subtitle" id="sessions-log-title">
        Log
      </h4>
      {error && (
        <p className="text-error" role="alert">
          The log could not be read ({error.code}): {error.message}
        </p>
      )}
      {/* Focusable so the scrolled log can be read with the keyboard. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section className="sessions-log" tabIndex={0} aria-labelledby="sessions-log-title">
        {entries.length === 0 ? (
          <p className="muted">No log entries yet.</p>
        ) : (
          <table className="sessions-log-table" data-testid="session-log">
            <tbody>
              {entries.map((entry) => {
                const tone = logLevelTones[entry.level];
                return (
                  <tr key={entry.seq} data-level={entry.level}>
                    <td className="mono small">{formatClock(entry.at)}</td>
                    <td>
                      <span className={tone ? `sessions-level tone-${tone}` : 'sessions-level'}>
                        {logLevelLabels[entry.level]}
                      </span>
                    </td>
                    <td className="sessions-log-message">{entry.message}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

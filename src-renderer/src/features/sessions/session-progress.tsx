/**
 * The live numbers of one running session. It reads only this session's progress from the store, so a progress
 * event of another session does not render it again; the fixed layout keeps it from jumping as numbers change.
 */
import type { SessionProgress, SessionSummary } from '@contract';
import { memo } from 'react';
import { formatBytes, percent } from '../../components/format';
import { PhaseStepper } from './phase-stepper';
import { progressOf, type SessionsStoreApi, useSessions } from './sessions-store';
import { formatCount, formatEta, formatRate, truncateMiddle } from './sessions-text';

export const SessionProgressView = memo(function SessionProgressView({
  store,
  session,
}: {
  store: SessionsStoreApi;
  session: Pick<SessionSummary, 'id' | 'source' | 'phase'>;
}) {
  const progress = useSessions(store, progressOf(session.id));
  return (
    <ProgressNumbers source={session.source} phase={progress?.phase ?? session.phase} progress={progress} />
  );
});

/** Presentational: the stepper, the bar and the numbers. */
export function ProgressNumbers({
  source,
  phase,
  progress,
}: {
  source: SessionSummary['source'];
  phase: SessionSummary['phase'];
  progress: SessionProgress | undefined;
}) {
  const bytesTotal = progress?.bytesTotal ?? null;
  const filesTotal = progress?.filesTotal ?? null;
  const value = progress && bytesTotal ? Math.round(percent(progress.bytesDone, bytesTotal)) : null;
  const bytes = progress
    ? `${formatBytes(progress.bytesDone)}${bytesTotal === null ? '' : ` of ${formatBytes(bytesTotal)}`}`
    : '—';
  const files = progress
    ? `${formatCount(progress.filesDone)}${filesTotal === null ? '' : ` of ${formatCount(filesTotal)}`}`
    : '—';
  return (
    <div className="sessions-progress" data-testid="session-progress">
      <PhaseStepper source={source} phase={phase} />
      <div
        className="bar bar-thick"
        role="progressbar"
        aria-label="Backed up"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value ?? undefined}
        aria-valuetext={value === null ? 'Working out the size…' : `${value}% — ${bytes}`}
      >
        <div className="bar-fill" style={{ width: `${value ?? 0}%` }} />
      </div>
      <dl className="sessions-numbers">
        <div data-fact="progress-percent">
          <dt>Done</dt>
          <dd>{value === null ? '—' : `${value}%`}</dd>
        </div>
        <div data-fact="progress-bytes">
          <dt>Data</dt>
          <dd>{bytes}</dd>
        </div>
        <div data-fact="progress-files">
          <dt>Files</dt>
          <dd>{files}</dd>
        </div>
        <div data-fact="progress-rate">
          <dt>Rate</dt>
          <dd>{progress ? formatRate(progress.bytesPerSecond) : '—'}</dd>
        </div>
        <div data-fact="progress-eta">
          <dt>Time left</dt>
          <dd>{progress ? formatEta(progress.etaSeconds) : '—'}</dd>
        </div>
      </dl>
      <p
        className="sessions-current-item"
        data-testid="current-item"
        title={progress?.currentItem ?? undefined}
      >
        <span className="muted">Now: </span>
        <span className="mono">{progress?.currentItem ? truncateMiddle(progress.currentItem) : '—'}</span>
      </p>
    </div>
  );
}

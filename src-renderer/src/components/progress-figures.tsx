/**
 * The live numbers of long work (a backup session, a restore job): the bar, then done, data, files, rate and time
 * left in fixed columns, then the item being worked on. Every slot is always there, with "—" until it has a value,
 * so the layout does not jump while the numbers change (and not before the first progress report either).
 */
import { formatBytes, formatCount, formatEta, formatRate, percent, truncateMiddle } from './format';

/** What both a session's and a restore job's progress report carry. */
export interface ProgressValues {
  bytesDone: number;
  bytesTotal: number | null;
  filesDone: number;
  filesTotal: number | null;
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  currentItem: string | null;
}

export function ProgressFigures({
  progress,
  barLabel,
  factPrefix,
}: {
  /** Null before the first report: every slot reads "—". */
  progress: ProgressValues | null;
  /** What the bar measures ("Backed up", "Restored"…). */
  barLabel: string;
  /** Names the figures (`data-fact="<prefix>-bytes"`) for tests and support screenshots. */
  factPrefix: string;
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
  const rate = progress?.bytesPerSecond ?? null;
  return (
    <>
      <div
        className="bar bar-thick"
        role="progressbar"
        aria-label={barLabel}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value ?? undefined}
        aria-valuetext={value === null ? 'Working out the size…' : `${value}% — ${bytes}`}
      >
        <div className="bar-fill" style={{ width: `${value ?? 0}%` }} />
      </div>
      <dl className="figures">
        <div data-fact={`${factPrefix}-percent`}>
          <dt>Done</dt>
          <dd>{value === null ? '—' : `${value}%`}</dd>
        </div>
        <div data-fact={`${factPrefix}-bytes`}>
          <dt>Data</dt>
          <dd>{bytes}</dd>
        </div>
        <div data-fact={`${factPrefix}-files`}>
          <dt>Files</dt>
          <dd>{files}</dd>
        </div>
        <div data-fact={`${factPrefix}-rate`}>
          <dt>Rate</dt>
          <dd>{rate === null ? '—' : formatRate(rate)}</dd>
        </div>
        <div data-fact={`${factPrefix}-eta`}>
          <dt>Time left</dt>
          <dd>{progress ? formatEta(progress.etaSeconds) : '—'}</dd>
        </div>
      </dl>
      <p className="current-item" data-testid="current-item" title={progress?.currentItem ?? undefined}>
        <span className="muted">Now: </span>
        <span className="mono">{progress?.currentItem ? truncateMiddle(progress.currentItem) : '—'}</span>
      </p>
    </>
  );
}

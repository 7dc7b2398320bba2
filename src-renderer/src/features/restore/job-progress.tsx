import type { RestoreJob } from '@contract';
import { formatBytes, percent } from '../../components/format';
import { formatCount, formatEta, formatRate, truncateMiddle } from '../sessions/sessions-text';
import { phaseStates, phaseStateWords } from './restore-text';

const marks = { done: '✓', current: '●', pending: '○', skipped: '–', stopped: '✕' } as const;

/**
 * A restore job's live numbers: the phases (done ones ticked, the current one highlighted, in text as well), the
 * bar, bytes and files, rate, time left and the current item. Every slot is always there, with "—" until it has a
 * value, so the layout does not jump while the numbers change.
 */
export function JobProgress({ job, label }: { job: RestoreJob; label: string }) {
  const { progress } = job;
  const value = progress.bytesTotal ? Math.round(percent(progress.bytesDone, progress.bytesTotal)) : null;
  const bytes = `${formatBytes(progress.bytesDone)}${progress.bytesTotal === null ? '' : ` of ${formatBytes(progress.bytesTotal)}`}`;
  const files = `${formatCount(progress.filesDone)}${progress.filesTotal === null ? '' : ` of ${formatCount(progress.filesTotal)}`}`;
  return (
    <div
      className="restore-progress"
      data-testid="job-progress"
      data-phase={job.phase}
      data-state={job.state}
    >
      <ol className="restore-pills" aria-label="Phases">
        {phaseStates(job).map((step) => (
          <li
            key={step.phase}
            className={`restore-pill restore-pill-${step.state}`}
            data-phase={step.phase}
            data-state={step.state}
            aria-current={step.state === 'current' ? 'step' : undefined}
          >
            <span className="restore-pill-mark" aria-hidden="true">
              {marks[step.state]}
            </span>
            <span>{step.label}</span>
            <span className="sr-only"> ({phaseStateWords[step.state]})</span>
          </li>
        ))}
      </ol>
      <div
        className="bar bar-thick"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value ?? undefined}
        aria-valuetext={value === null ? 'Working out the size…' : `${value}% — ${bytes}`}
      >
        <div className="bar-fill" style={{ width: `${value ?? 0}%` }} />
      </div>
      <dl className="restore-numbers">
        <div data-fact="restore-percent">
          <dt>Done</dt>
          <dd>{value === null ? '—' : `${value}%`}</dd>
        </div>
        <div data-fact="restore-bytes">
          <dt>Data</dt>
          <dd>{bytes}</dd>
        </div>
        <div data-fact="restore-files">
          <dt>Files</dt>
          <dd>{files}</dd>
        </div>
        <div data-fact="restore-rate">
          <dt>Rate</dt>
          <dd>{progress.bytesPerSecond === null ? '—' : formatRate(progress.bytesPerSecond)}</dd>
        </div>
        <div data-fact="restore-eta">
          <dt>Time left</dt>
          <dd>{job.state === 'running' ? formatEta(progress.etaSeconds) : '—'}</dd>
        </div>
      </dl>
      <p
        className="restore-current-item"
        data-testid="current-item"
        title={progress.currentItem ?? undefined}
      >
        <span className="muted">Now: </span>
        <span className="mono">
          {progress.currentItem && job.state === 'running' ? truncateMiddle(progress.currentItem) : '—'}
        </span>
      </p>
    </div>
  );
}

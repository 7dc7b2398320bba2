import type { PreflightResult } from '@contract';
import { CheckStatusBadge } from './check-card';
import { summarize } from './check-guide';

export interface ChecksOverviewProps {
  result: PreflightResult | null;
  checkedAt: Date | null;
  running: boolean;
  onRun(): void;
  /** Moves to a check's card. */
  onShow(id: string): void;
}

/** The overall status, the "Run all checks" button, and the checks that need attention, each a way to its card. */
export function ChecksOverview({ result, checkedAt, running, onRun, onShow }: ChecksOverviewProps) {
  const summary = result && summarize(result.checks, result.overall);
  return (
    <section className="card troubleshooting-overview" aria-labelledby="troubleshooting-overview-title">
      <div className="troubleshooting-overview-head">
        <h3 id="troubleshooting-overview-title">
          Overall status {summary && <CheckStatusBadge check={{ status: summary.overall, code: 'OK' }} />}
        </h3>
        <button
          type="button"
          className="button button-primary troubleshooting-run"
          aria-disabled={running}
          onClick={() => {
            if (!running) onRun();
          }}
        >
          {running ? 'Checking…' : 'Run all checks'}
        </button>
      </div>
      {summary ? (
        <p className="troubleshooting-headline" data-testid="troubleshooting-headline">
          {summary.headline}
        </p>
      ) : (
        <p className="troubleshooting-headline muted">The checks of this machine have not run yet.</p>
      )}
      {summary && summary.attention.length > 0 && (
        <ul className="troubleshooting-attention" aria-label="Checks that need attention">
          {summary.attention.map((check) => (
            <li key={check.id} className="troubleshooting-attention-item">
              <button type="button" className="button-link" onClick={() => onShow(check.id)}>
                {check.title}
              </button>{' '}
              <CheckStatusBadge check={check} />
            </li>
          ))}
        </ul>
      )}
      <p
        className="muted small troubleshooting-checked"
        role="status"
        data-testid="troubleshooting-run-status"
      >
        {running
          ? 'Checking this machine… this takes a few seconds.'
          : checkedAt && result
            ? `Last checked at ${checkedAt.toLocaleTimeString()} · snapshot location ${result.location}${result.locationSource === 'default' ? ' (default)' : ''}`
            : '\u00a0'}
      </p>
    </section>
  );
}

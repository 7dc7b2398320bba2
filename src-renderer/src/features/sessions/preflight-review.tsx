/** The preflight checks shown before a System state session starts: a failure blocks it, a warning asks first. */
import type { PreflightResult } from '@contract';
import { StandaloneFreeSpaceWarning } from '../snapshot-location/free-space-warning';
import type { BackUpFlow } from './sessions-store';
import { blocks, checkStatusViews, startVerdict, troubleshootingHref } from './sessions-text';

const verdicts = {
  pass: 'Every check passed: the backup can start.',
  warn: 'Some checks warn: the backup can start, but read them first.',
  fail: '“Back up now” is blocked: a check failed.',
} as const;

export function PreflightReview({
  flow,
  onStart,
  onRecheck,
  onClose,
}: {
  flow: BackUpFlow & { preflight: PreflightResult };
  onStart: () => void;
  onRecheck: () => void;
  onClose: () => void;
}) {
  const { preflight } = flow;
  const verdict = startVerdict(preflight.checks);
  const overall = checkStatusViews[verdict];
  const failing = preflight.checks.filter(blocks);
  return (
    <section
      className="panel panel-sunken sessions-preflight"
      aria-labelledby="sessions-preflight-title"
      data-testid="preflight-review"
      data-overall={verdict}
    >
      <h4 id="sessions-preflight-title">Preflight checks</h4>
      <p className={`sessions-verdict tone-${overall.tone}`} data-testid="preflight-verdict">
        <span aria-hidden="true">{overall.icon} </span>
        {verdicts[verdict]}
      </p>
      {failing.map((check) => (
        <p key={check.id} className="text-error" data-testid="preflight-blocked">
          {check.title} ({check.code}): {check.evidence[0] ?? ''} {check.fix && `What to do: ${check.fix}`}{' '}
          <a href={troubleshootingHref(check.id)}>Open the {check.title} check</a>
        </p>
      ))}
      <ul className="sessions-checks">
        {preflight.checks.map((check) => {
          // A failure the helper does not stop for reads as a warning.
          const view = checkStatusViews[check.status === 'fail' && !blocks(check) ? 'warn' : check.status];
          return (
            <li key={check.id} data-check={check.id} data-status={check.status}>
              <span className={`status-badge tone-${view.tone}`}>
                <span aria-hidden="true">{view.icon} </span>
                {check.status === 'fail' && !blocks(check) ? 'Not blocking' : view.label}
              </span>
              <span>{check.title}</span>
              {check.status !== 'pass' && <span className="muted small">{check.evidence.join(' · ')}</span>}
            </li>
          );
        })}
      </ul>
      {preflight.freeSpace && preflight.freeSpace.status !== 'pass' && <StandaloneFreeSpaceWarning />}
      <div className="toolbar sessions-actions">
        {verdict !== 'fail' && (
          <button
            type="button"
            className="button button-primary sessions-start"
            onClick={onStart}
            aria-disabled={flow.stage === 'starting'}
            data-testid="preflight-start"
          >
            {flow.stage === 'starting' ? 'Starting…' : verdict === 'warn' ? 'Start anyway' : 'Start backup'}
          </button>
        )}
        <button type="button" className="button" onClick={onRecheck}>
          Check again
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </section>
  );
}

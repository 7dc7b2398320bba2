import type { HelperStatus } from '@contract';
import { helperIndicator } from '../../components/status-indicators';
import { checkGuides } from './check-guide';

/**
 * The checks run in the helper: without one, say so, with what to do, and what would be checked; never a
 * spinner. `helper` is null before main has reported on it.
 */
export function HelperUnavailable({ helper }: { helper: HelperStatus | null }) {
  const info = helper && helperIndicator(helper);
  const connecting = helper === null || helper.state === 'connecting';
  return (
    <>
      <section
        className="card troubleshooting-unavailable"
        aria-labelledby="troubleshooting-unavailable-title"
        data-testid="troubleshooting-helper-unavailable"
      >
        <h3 id="troubleshooting-unavailable-title">
          {connecting ? 'Waiting for the helper' : `The checks cannot run: ${info?.label.toLowerCase()}`}
        </h3>
        <p>
          The checks run in the Backup Manager helper, the part of Backup Manager with the rights to look at
          services, disks and snapshots.{' '}
          {connecting && 'Backup Manager is connecting to it; the checks start as soon as it answers.'}
        </p>
        {helper?.detail && <p>{helper.detail}</p>}
        {info?.action && (
          <p>
            <strong>What to do:</strong> {info.action}
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="troubleshooting-what-title">
        <h3 id="troubleshooting-what-title">What is checked</h3>
        <dl className="troubleshooting-guide">
          {Object.entries(checkGuides).map(([id, guide]) => (
            <div key={id} className="troubleshooting-guide-item">
              <dt>
                {guide.title} <span className="muted small">({guide.appliesTo})</span>
              </dt>
              <dd className="muted">{guide.intro}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}

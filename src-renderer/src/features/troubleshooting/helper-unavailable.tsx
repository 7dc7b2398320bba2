import type { HelperStatus } from '@contract';
import { HelperUnavailableCard } from '../../components/helper-unavailable-card';
import { checkGuides } from './check-guide';

/** The checks run in the helper: without one, say so, with what to do, and what would be checked. */
export function HelperUnavailable({ helper }: { helper: HelperStatus | null }) {
  return (
    <>
      <HelperUnavailableCard
        helper={helper}
        id="troubleshooting-unavailable"
        testId="troubleshooting-helper-unavailable"
        className="troubleshooting-unavailable"
        cannot="The checks cannot run"
        purpose="The checks run in the Backup Manager helper, the part of Backup Manager with the rights to look at services, disks and snapshots."
        onceConnected="the checks start"
      />
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

import type { PreflightCheck } from '@contract';
import { checkAnchor, checkIntro, fixSteps, showsCode, statusPresentation } from './check-guide';

/** A check's status as words with a symbol; the colour only repeats what the words say. */
export function CheckStatusBadge({ check }: { check: Pick<PreflightCheck, 'status' | 'code'> }) {
  const status = statusPresentation(check);
  return (
    <span className={`status-badge status-badge-icon tone-${status.tone}`} data-status={check.status}>
      <span className="status-icon" aria-hidden="true">
        {status.icon}
      </span>
      {status.label}
    </span>
  );
}

/** One check of this machine: what it means, its status, what was observed, and the fix as numbered steps. */
export function CheckCard({ check, highlighted }: { check: PreflightCheck; highlighted: boolean }) {
  const anchor = checkAnchor(check.id);
  const steps = fixSteps(check.fix);
  return (
    <article
      id={anchor}
      tabIndex={-1}
      aria-labelledby={`${anchor}-title`}
      data-check={check.id}
      className={`card edge edge-${check.status} troubleshooting-check${highlighted ? ' troubleshooting-check-linked' : ''}`}
    >
      <header className="troubleshooting-check-header">
        <h4 id={`${anchor}-title`}>{check.title}</h4>
        <CheckStatusBadge check={check} />
      </header>
      {showsCode(check) && (
        <p className="troubleshooting-code small">
          Code: <span className="mono">{check.code}</span>
        </p>
      )}
      <p className="muted troubleshooting-intro">{checkIntro(check.id)}</p>
      <h5>What was found</h5>
      {check.evidence.length > 0 ? (
        <ul className="troubleshooting-evidence">
          {check.evidence.map((line, index) => (
            // Evidence lines may repeat; their order is their identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced as a whole, never reordered.
            <li key={index} className="mono">
              {line}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">The helper recorded no details for this check.</p>
      )}
      {steps.length > 0 && (
        <>
          <h5>How to fix it</h5>
          <ol className="troubleshooting-steps">
            {steps.map((step, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: steps are numbered by their position.
              <li key={index} className="troubleshooting-step">
                {step}
              </li>
            ))}
          </ol>
        </>
      )}
    </article>
  );
}

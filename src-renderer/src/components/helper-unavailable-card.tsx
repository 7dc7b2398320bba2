import type { HelperStatus } from '@contract';
import { helperIndicator } from './status-indicators';

/**
 * A screen whose work runs in the helper, without a helper: say so, why (the helper's own words) and what to do —
 * never a spinner, never a form that fails at its first step. `helper` is null before main has reported on it,
 * which reads as connecting. Each screen says what it cannot do and why the helper is needed.
 */
export function HelperUnavailableCard({
  helper,
  id,
  testId,
  cannot,
  purpose,
  onceConnected,
  className,
}: {
  helper: HelperStatus | null;
  /** Prefix of the title's id (`<id>-title`), unique on the page. */
  id: string;
  testId: string;
  /** The title while no helper answers, before its state: "Restoring is not possible". */
  cannot: string;
  /** Why the helper is needed, as a sentence: "The restore runs in the Backup Manager helper, …". */
  purpose: string;
  /** What happens once it answers: "the wizard appears". */
  onceConnected: string;
  /** Extra classes of the card (a coloured edge, the screen's own placement). */
  className?: string;
}) {
  const info = helper && helperIndicator(helper);
  const connecting = helper === null || helper.state === 'connecting';
  return (
    <section
      className={className ? `card ${className}` : 'card'}
      aria-labelledby={`${id}-title`}
      data-testid={testId}
    >
      <h3 id={`${id}-title`}>
        {connecting ? 'Waiting for the helper' : `${cannot}: ${info?.label.toLowerCase()}`}
      </h3>
      <p>
        {purpose}{' '}
        {connecting && `Backup Manager is connecting to it; ${onceConnected} as soon as it answers.`}
      </p>
      {helper?.detail && <p>{helper.detail}</p>}
      {info?.action && (
        <p>
          <strong>What to do:</strong> {info.action}
        </p>
      )}
    </section>
  );
}

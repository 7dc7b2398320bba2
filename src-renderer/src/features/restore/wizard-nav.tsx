import { useId } from 'react';
import type { Gate } from './restore-choices';

/**
 * Back and the step's main action. A blocked action stays focusable (aria-disabled) and says why next to it, so a
 * keyboard or screen-reader user learns what is missing instead of meeting a dead button.
 */
export function WizardNav({
  canBack,
  gate,
  nextLabel,
  busy,
  onBack,
  onNext,
}: {
  canBack: boolean;
  gate: Gate;
  nextLabel: string;
  busy: boolean;
  onBack(): void;
  onNext(): void;
}) {
  const reasonId = useId();
  const blocked = !gate.ok || busy;
  return (
    <div className="restore-nav">
      {canBack ? (
        <button type="button" className="button" onClick={onBack} data-testid="wizard-back">
          Back
        </button>
      ) : (
        <span />
      )}
      <div className="restore-nav-next">
        <span className="small muted" id={reasonId} data-testid="wizard-next-reason">
          {gate.ok ? '\u00a0' : gate.reason}
        </span>
        <button
          type="button"
          className="button button-primary"
          aria-disabled={blocked}
          aria-describedby={gate.ok ? undefined : reasonId}
          onClick={() => {
            if (!blocked) onNext();
          }}
          data-testid="wizard-next"
        >
          {nextLabel}
        </button>
      </div>
    </div>
  );
}

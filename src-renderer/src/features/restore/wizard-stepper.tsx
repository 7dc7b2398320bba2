import { stepNumber, type WizardStep, wizardSteps } from './restore-text';

const marks = { done: '✓', current: '●', pending: '○' } as const;
const spoken = { done: 'done', current: 'current step', pending: 'not yet' } as const;

/** Where the wizard is: the steps behind ticked, the current one highlighted, in text as well as colour. */
export function WizardStepper({ step }: { step: WizardStep }) {
  const at = stepNumber(step);
  return (
    <ol className="restore-pills" aria-label="Restore steps">
      {wizardSteps.map((s, index) => {
        const state = index + 1 < at ? 'done' : index + 1 === at ? 'current' : 'pending';
        return (
          <li
            key={s.id}
            className={`restore-pill restore-pill-${state}`}
            data-step={s.id}
            data-state={state}
            aria-current={state === 'current' ? 'step' : undefined}
          >
            <span className="restore-pill-mark" aria-hidden="true">
              {state === 'pending' ? index + 1 : marks[state]}
            </span>
            <span>{s.title}</span>
            <span className="sr-only"> ({spoken[state]})</span>
          </li>
        );
      })}
    </ol>
  );
}

import { positionState, Stepper } from '../../components/stepper';
import { stepNumber, type WizardStep, wizardSteps } from './restore-text';

const spoken = { done: 'done', current: 'current step', pending: 'not yet' } as const;

/** Where the wizard is: the steps behind ticked, the current one highlighted, the ones ahead numbered. */
export function WizardStepper({ step }: { step: WizardStep }) {
  const at = stepNumber(step) - 1;
  const items = wizardSteps.map((s, index) => {
    const state = positionState(index, at);
    return { id: s.id, label: s.title, state, ...(state === 'pending' && { mark: String(index + 1) }) };
  });
  return <Stepper label="Restore steps" items={items} spoken={spoken} idAttribute="data-step" />;
}

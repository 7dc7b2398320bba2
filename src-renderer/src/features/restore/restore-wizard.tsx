import type { AppInfo } from '@contract';
import { useEffect, useRef } from 'react';
import { percent } from '../../components/format';
import { CompatibilityStep } from './compatibility-step';
import { ComponentsStep } from './components-step';
import { RepositoryStep } from './repository-step';
import { canGoBack, canLeave } from './restore-choices';
import { type RestoreStoreApi, useRestore } from './restore-store';
import { stepNumber, stepTitle, type WizardStep, wizardSteps } from './restore-text';
import { ResultStep } from './result-step';
import { RunStep } from './run-step';
import { SessionStep } from './session-step';
import { TargetStep } from './target-step';
import { WizardNav } from './wizard-nav';
import { WizardStepper } from './wizard-stepper';

/** The wizard's frame: where it is, the current step, and Back / the step's main action. */
export function RestoreWizard({ store, mode }: { store: RestoreStoreApi; mode: AppInfo['mode'] | null }) {
  const step = useRestore(store, (s) => s.step);
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef<WizardStep | null>(null);
  // A new step moves the focus to its title (keyboard and screen-reader users start reading there); the first
  // render leaves the focus where the app shell put it.
  useEffect(() => {
    if (shown.current !== null && shown.current !== step) heading.current?.focus();
    shown.current = step;
  }, [step]);
  return (
    <section className="card restore-wizard" aria-labelledby="restore-step-title" data-step={step}>
      <RunningElsewhere store={store} />
      <WizardStepper step={step} />
      <h3 id="restore-step-title" ref={heading} tabIndex={-1} className="restore-step-title">
        <span className="muted small restore-step-count">
          Step {stepNumber(step)} of {wizardSteps.length}
        </span>
        {stepTitle(step)}
      </h3>
      <StepBody store={store} step={step} mode={mode} />
      <Navigation store={store} step={step} />
    </section>
  );
}

function StepBody({
  store,
  step,
  mode,
}: {
  store: RestoreStoreApi;
  step: WizardStep;
  mode: AppInfo['mode'] | null;
}) {
  switch (step) {
    case 'repository':
      return <RepositoryStep store={store} mode={mode} />;
    case 'session':
      return <SessionStep store={store} />;
    case 'components':
      return <ComponentsStep store={store} />;
    case 'compatibility':
      return <CompatibilityStep store={store} />;
    case 'target':
      return <TargetStep store={store} />;
    case 'run':
      return <RunStep store={store} />;
    case 'result':
      return <ResultStep store={store} />;
  }
}

function nextLabel(step: WizardStep, targetKind: 'folder' | 'system', starting: boolean): string {
  if (step === 'target')
    return starting ? 'Starting…' : targetKind === 'system' ? 'Apply to this system' : 'Start the restore';
  if (step === 'run') return 'See the result';
  return 'Next';
}

function Navigation({ store, step }: { store: RestoreStoreApi; step: WizardStep }) {
  const reason = useRestore(store, (s) => {
    const gate = canLeave(s, s.step);
    return gate.ok ? null : gate.reason;
  });
  const back = useRestore(store, canGoBack);
  const targetKind = useRestore(store, (s) => s.targetKind);
  const starting = useRestore(store, (s) => s.starting);
  const actions = store.getState();
  if (step === 'result') return null;
  return (
    <WizardNav
      canBack={back}
      gate={reason === null ? { ok: true } : { ok: false, reason }}
      nextLabel={nextLabel(step, targetKind, starting)}
      busy={starting}
      onBack={actions.back}
      onNext={() => void actions.next()}
    />
  );
}

/** A restore already running in the helper (the page was reloaded): say so, and offer to follow it. */
function RunningElsewhere({ store }: { store: RestoreStoreApi }) {
  const running = useRestore(store, (s) => s.runningElsewhere);
  if (running === null) return null;
  const { bytesDone, bytesTotal } = running.progress;
  const done = bytesTotal ? `${Math.round(percent(bytesDone, bytesTotal))}% done` : 'starting';
  return (
    <div className="callout callout-info toolbar" role="status" data-testid="running-elsewhere">
      <p>
        A {running.kind === 'rollback' ? 'rollback' : 'restore'} of {running.hostname} into{' '}
        <span className="mono">{running.targetRoot}</span> is running ({done}).
      </p>
      <button type="button" className="button" onClick={store.getState().followRunning}>
        Follow it
      </button>
    </div>
  );
}

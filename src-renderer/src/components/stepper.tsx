/**
 * A row of steps as pills: the phases of a backup session or a restore job, the steps of the restore wizard. The
 * done ones are ticked and the current one is filled — and each says its state in words as well, for screen readers
 * and for anyone who cannot tell the colours apart. Which state each step is in is the screen's own knowledge
 * (sessions-text, restore-text); this only draws it.
 */

export type StepperState = 'done' | 'current' | 'pending' | 'skipped' | 'stopped';

export interface StepperItem<S extends StepperState = StepperState> {
  id: string;
  label: string;
  state: S;
  /** Shown before the label instead of the state's mark (the wizard numbers the steps still ahead). */
  mark?: string;
}

const marks: Record<StepperState, string> = {
  done: '✓',
  current: '●',
  pending: '○',
  skipped: '–',
  stopped: '✕',
};

/** Where the item at `index` stands when the one at `at` is under way (an `at` past the end: all done). */
export function positionState(index: number, at: number): 'done' | 'current' | 'pending' {
  return index < at ? 'done' : index === at ? 'current' : 'pending';
}

export function Stepper<S extends StepperState>({
  label,
  items,
  spoken,
  idAttribute,
}: {
  /** The list's accessible name ("Phases", "Restore steps"). */
  label: string;
  items: readonly StepperItem<S>[];
  /** Each state in words, as the screen says it ("not started", "current step"…). */
  spoken: Readonly<Record<S, string>>;
  /** The attribute naming each item, for tests and styles: a phase or a wizard step. */
  idAttribute: 'data-phase' | 'data-step';
}) {
  return (
    <ol className="stepper" aria-label={label}>
      {items.map((item) => (
        <li
          key={item.id}
          className={`stepper-item stepper-item-${item.state}`}
          {...{ [idAttribute]: item.id }}
          data-state={item.state}
          aria-current={item.state === 'current' ? 'step' : undefined}
        >
          <span className="stepper-mark" aria-hidden="true">
            {item.mark ?? marks[item.state]}
          </span>
          <span>{item.label}</span>
          <span className="sr-only"> ({spoken[item.state]})</span>
        </li>
      ))}
    </ol>
  );
}

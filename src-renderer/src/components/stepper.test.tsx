import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { positionState, Stepper, type StepperItem } from './stepper';

const spoken = {
  done: 'done',
  current: 'current',
  pending: 'not started',
  skipped: 'not needed',
  stopped: 'stopped here',
} as const;

describe('Stepper', () => {
  it('places each item before, at or after the current one', () => {
    expect([0, 1, 2].map((index) => positionState(index, 1))).toEqual(['done', 'current', 'pending']);
    // Past the end (a finished session's "done" phase is not shown): every item is done.
    expect([0, 1].map((index) => positionState(index, 5))).toEqual(['done', 'done']);
  });

  it('draws every state with its mark and says it in words; only the current one is the current step', () => {
    const html = renderToStaticMarkup(
      <Stepper
        label="Phases"
        idAttribute="data-phase"
        spoken={spoken}
        items={[
          { id: 'prepare', label: 'Prepare', state: 'done' },
          { id: 'rollback-backup', label: 'Rollback backup', state: 'skipped' },
          { id: 'restore', label: 'Restore files', state: 'stopped' },
          { id: 'verify', label: 'Verify', state: 'pending' },
        ]}
      />,
    );
    expect(html).toContain('<ol class="stepper" aria-label="Phases">');
    expect(html).toMatch(
      /class="stepper-item stepper-item-done" data-phase="prepare" data-state="done">.*✓.*Prepare.*\(done\)/,
    );
    expect(html).toMatch(/data-phase="rollback-backup" data-state="skipped">.*–.*\(not needed\)/);
    expect(html).toMatch(/data-phase="restore" data-state="stopped">.*✕.*\(stopped here\)/);
    expect(html).toMatch(/data-phase="verify" data-state="pending">.*○.*\(not started\)/);
    expect(html).not.toContain('aria-current');
  });

  it('names wizard steps by data-step and shows a mark of their own where given', () => {
    const items: StepperItem<'done' | 'current' | 'pending'>[] = [
      { id: 'repository', label: 'Repository', state: 'current' },
      { id: 'session', label: 'Session', state: 'pending', mark: '2' },
    ];
    const html = renderToStaticMarkup(
      <Stepper
        label="Restore steps"
        idAttribute="data-step"
        spoken={{ done: 'done', current: 'current step', pending: 'not yet' }}
        items={items}
      />,
    );
    expect(html).toMatch(
      /data-step="repository" data-state="current" aria-current="step">.*●.*\(current step\)/,
    );
    expect(html).toMatch(
      /data-step="session" data-state="pending"><span class="stepper-mark" aria-hidden="true">2</,
    );
    expect(html).not.toContain('data-phase');
  });
});

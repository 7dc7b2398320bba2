// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { WeekdayChecks } from './weekday-checks';

// React asks test environments to declare themselves, so that act() flushes updates synchronously.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe('WeekdayChecks', () => {
  it('ticks the chosen days, Sunday first, and reports each change by day number', () => {
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    const changes: [number, boolean][] = [];
    act(() =>
      root.render(
        <WeekdayChecks chosen={[1, 4]} onChange={(day, on) => changes.push([day, on])} className="placed" />,
      ),
    );
    const fieldset = container.querySelector('fieldset');
    expect(fieldset?.className).toBe('weekday-checks placed');
    expect(fieldset?.querySelector('legend')?.textContent).toBe('On');
    const boxes = [...container.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes.map((box) => box.parentElement?.textContent?.trim())).toEqual([
      'Sun',
      'Mon',
      'Tue',
      'Wed',
      'Thu',
      'Fri',
      'Sat',
    ]);
    expect(boxes.map((box) => box.checked)).toEqual([false, true, false, false, true, false, false]);
    act(() => boxes[0]?.click());
    act(() => boxes[4]?.click());
    expect(changes).toEqual([
      [0, true],
      [4, false],
    ]);
    act(() => root.unmount());
    container.remove();
  });
});

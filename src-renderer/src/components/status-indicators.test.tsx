import type { HelperState, HelperStatus } from '@contract';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../store/app-store';
import { StoreProvider } from '../store/store-context';
import { helperIndicator, StatusIndicators } from './status-indicators';

/** Every state of the contract (the renderer may import only its types, so the list is spelled out and checked). */
const helperStates = [
  'connected',
  'connecting',
  'not-installed',
  'version-mismatch',
  'untrusted',
  'unreachable',
] as const satisfies readonly HelperState[];
// Fails to compile when the contract gains a state this list lacks.
const everyStateListed: Exclude<HelperState, (typeof helperStates)[number]> extends never ? true : false =
  true;

function render(helper: HelperStatus): string {
  const store = createAppStore();
  store.getState().helperStatusChanged(helper);
  // Server rendering reads zustand's initial state (React's server snapshot); serve the current one instead.
  store.getInitialState = store.getState;
  return renderToStaticMarkup(
    <StoreProvider store={store}>
      <StatusIndicators />
    </StoreProvider>,
  );
}

const notInstalled: HelperStatus = {
  state: 'not-installed',
  detail: 'The helper service is not installed.',
  action: 'Install the Backup Manager package, then reopen this window.',
  helperVersion: null,
};

describe('status indicators', () => {
  it('has its own label and tone for every helper state of the contract', () => {
    expect(everyStateListed).toBe(true);
    const labels = new Set<string>();
    for (const state of helperStates) {
      const indicator = helperIndicator({ ...notInstalled, state });
      expect(indicator.label).toMatch(/^Helper /);
      labels.add(indicator.label);
    }
    expect(labels.size).toBe(helperStates.length);
    expect(helperIndicator({ ...notInstalled, state: 'connected' }).tone).toBe('ok');
    expect(helperIndicator({ ...notInstalled, state: 'unreachable' }).tone).toBe('error');
  });

  it('shows what to do next to the indicator, and the detail in its tooltip', () => {
    const html = render(notInstalled);
    expect(html).toContain('data-testid="helper-status"');
    expect(html).toContain('title="The helper service is not installed. Install the Backup Manager package');
    expect(html).toMatch(
      /data-testid="helper-action"[^>]*>Install the Backup Manager package, then reopen this window\.</,
    );
  });

  it('shows no action when connected, and names the helper version in the tooltip', () => {
    const html = render({
      state: 'connected',
      detail: 'The helper service is running.',
      action: '',
      helperVersion: '0.4.0',
    });
    expect(html).toContain('>Helper connected<');
    expect(html).toContain('title="The helper service is running. Helper version 0.4.0."');
    expect(html).not.toContain('helper-action');
  });
});

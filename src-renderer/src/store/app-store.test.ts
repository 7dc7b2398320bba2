import type { AppState, EventChannel, HelperState, HelperStatus, SystemOverview } from '@contract';
import { describe, expect, it } from 'vitest';
import { createAppStore, eventActions, initialAppState } from './app-store';

const sampleOverview: SystemOverview = {
  hostname: 'h',
  os: {
    platform: 'linux',
    distro: 'D',
    release: '1',
    codename: '',
    kernel: 'k',
    arch: 'x64',
    serverEdition: null,
  },
  bootMode: 'bios',
  filesystems: [],
  collectedAt: '2026-11-25T00:00:00.000Z',
};
const sampleState: AppState = {
  app: { version: '1', mode: 'console' },
  overview: { status: 'loading' },
  helper: { state: 'not-installed', detail: 'd', action: 'install it', helperVersion: null },
};

describe('app store', () => {
  it('starts unhydrated, then takes the whole snapshot at once', () => {
    const store = createAppStore();
    expect(store.getState()).toMatchObject(initialAppState);
    store.getState().hydrate(sampleState);
    expect(store.getState()).toMatchObject({
      hydrated: true,
      app: sampleState.app,
      overview: sampleState.overview,
      helper: sampleState.helper,
    });
  });

  it('has one action per contract event, each replacing exactly its slice', () => {
    const store = createAppStore();
    store.getState().hydrate(sampleState);
    const actions = eventActions(store);
    expect(Object.keys(actions).sort()).toEqual([
      'helper.statusChanged',
      'overview.changed',
    ] satisfies EventChannel[]);

    const before = store.getState();
    actions['overview.changed']({ status: 'error', code: 'OVERVIEW_FAILED', message: 'x' });
    expect(store.getState().overview).toEqual({ status: 'error', code: 'OVERVIEW_FAILED', message: 'x' });
    expect(store.getState().helper).toBe(before.helper);

    const connected = { state: 'connected', detail: 'ok', action: '', helperVersion: '0.4.0' } as const;
    actions['helper.statusChanged'](connected);
    expect(store.getState().helper).toEqual(connected);
    expect(store.getState().overview).toEqual({ status: 'error', code: 'OVERVIEW_FAILED', message: 'x' });

    actions['overview.changed']({ status: 'ready', overview: sampleOverview });
    expect(store.getState().overview).toEqual({ status: 'ready', overview: sampleOverview });
  });

  it('keeps every helper state with its detail, action and version, as the contract delivers it', () => {
    const store = createAppStore();
    store.getState().hydrate(sampleState);
    const actions = eventActions(store);
    const states: HelperState[] = [
      'connected',
      'connecting',
      'not-installed',
      'version-mismatch',
      'untrusted',
      'unreachable',
    ];
    for (const state of states) {
      const status: HelperStatus = {
        state,
        detail: `detail of ${state}`,
        action: `what to do about ${state}`,
        helperVersion: state === 'version-mismatch' ? '9.0.0' : null,
      };
      actions['helper.statusChanged'](status);
      expect(store.getState().helper).toEqual(status);
    }
  });
});

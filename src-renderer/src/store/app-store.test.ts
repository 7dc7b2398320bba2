import type { AppState, EventChannel, SystemOverview } from '@contract';
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
  helper: { state: 'not-installed', detail: 'd' },
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

    actions['helper.statusChanged']({ state: 'connected', detail: 'ok' });
    expect(store.getState().helper).toEqual({ state: 'connected', detail: 'ok' });
    expect(store.getState().overview).toEqual({ status: 'error', code: 'OVERVIEW_FAILED', message: 'x' });

    actions['overview.changed']({ status: 'ready', overview: sampleOverview });
    expect(store.getState().overview).toEqual({ status: 'ready', overview: sampleOverview });
  });
});

import { describe, expect, it } from 'vitest';
import type { EventChannel, HelperStatus } from '../ipc/contract';
import { AppError } from '../ipc/request-dispatcher';
import { sampleOverview } from '../ipc/test-handlers';
import { createAppService, type HelperStatusSource } from './app-service';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(collect: () => Promise<typeof sampleOverview>) {
  let collections = 0;
  const service = createAppService({
    info: { version: '1.2.3', mode: 'console' },
    collectOverview: () => {
      collections++;
      return collect();
    },
  });
  const seen: { event: EventChannel; payload: unknown }[] = [];
  service.events.onAny((event, payload) => seen.push({ event, payload }));
  return { service, seen, collections: () => collections };
}

describe('app service', () => {
  it('does no probing until the first state.get, then pushes the overview as an event', async () => {
    const pending = deferred<typeof sampleOverview>();
    const { service, seen, collections } = setup(() => pending.promise);
    expect(collections()).toBe(0);

    const state = await service.handlers['state.get']({});
    expect(state).toEqual({
      app: { version: '1.2.3', mode: 'console' },
      overview: { status: 'loading' },
      helper: {
        state: 'not-installed',
        detail: expect.any(String),
        action: expect.stringContaining('Install'),
        helperVersion: null,
      },
    });
    expect(collections()).toBe(1);

    // A second state.get while collecting shares the running collection.
    await service.handlers['state.get']({});
    expect(collections()).toBe(1);

    pending.resolve(sampleOverview);
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([
      { event: 'overview.changed', payload: { status: 'ready', overview: sampleOverview } },
    ]);
    expect((await service.handlers['state.get']({})).overview).toEqual({
      status: 'ready',
      overview: sampleOverview,
    });
  });

  it('serves the cached overview unless asked to refresh', async () => {
    const { service, collections } = setup(async () => sampleOverview);
    expect(await service.handlers['system.overview']({})).toEqual(sampleOverview);
    expect(await service.handlers['system.overview']({})).toEqual(sampleOverview);
    expect(collections()).toBe(1);
    await service.handlers['system.overview']({ refresh: true });
    expect(collections()).toBe(2);
  });

  it('turns a failed probe into an error slice and an OVERVIEW_FAILED error', async () => {
    const { service, seen } = setup(async () => {
      throw new Error('df: not found');
    });
    const error = await service.handlers['system.overview']({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'OVERVIEW_FAILED' });
    expect(seen.at(-1)).toEqual({
      event: 'overview.changed',
      payload: {
        status: 'error',
        code: 'OVERVIEW_FAILED',
        message: 'Could not read the system overview: df: not found',
      },
    });
  });

  it('reports the helper link as it is and pushes every change as helper.statusChanged', async () => {
    const helper = fakeHelperStatus({
      state: 'connecting',
      detail: 'Connecting to the helper…',
      action: '',
      helperVersion: null,
    });
    const service = createAppService({
      info: { version: '1.2.3', mode: 'console' },
      collectOverview: async () => sampleOverview,
      helper: helper.source,
    });
    const seen: { event: EventChannel; payload: unknown }[] = [];
    service.events.onAny((event, payload) => seen.push({ event, payload }));
    expect((await service.handlers['state.get']({})).helper.state).toBe('connecting');

    const connected: HelperStatus = {
      state: 'connected',
      detail: 'The helper service is running.',
      action: '',
      helperVersion: '0.4.0',
    };
    helper.change(connected);
    expect(seen.filter((s) => s.event === 'helper.statusChanged')).toEqual([
      { event: 'helper.statusChanged', payload: connected },
    ]);
    expect((await service.handlers['state.get']({})).helper).toEqual(connected);

    // After dispose the service no longer listens (the transport is gone; nothing would forward the event).
    service.dispose();
    expect(helper.listenerCount()).toBe(0);
  });
});

function fakeHelperStatus(initial: HelperStatus) {
  let current = initial;
  const listeners = new Set<(status: HelperStatus) => void>();
  const source: HelperStatusSource = {
    status: () => current,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    source,
    change(status: HelperStatus) {
      current = status;
      for (const listener of listeners) listener(status);
    },
    listenerCount: () => listeners.size,
  };
}

import { describe, expect, it } from 'vitest';
import type { EventChannel } from '../ipc/contract';
import { AppError } from '../ipc/request-dispatcher';
import { sampleOverview } from '../ipc/test-handlers';
import { createAppService } from './app-service';

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
      helper: { state: 'not-installed', detail: expect.any(String) },
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
});

import type { BackupManagerApi, RequestChannel, ScheduleState } from '@contract';
import { describe, expect, it } from 'vitest';
import { createDataSourcesStore } from './data-sources-store';

const noop = (): void => undefined;

const off = (source: ScheduleState['source'], paths: string[] = []): ScheduleState => ({
  source,
  spec: { kind: 'off' },
  paths,
  excludes: [],
  nextRunAt: null,
  lastRunAt: null,
  lastSessionId: null,
});

/** A fake API: answers each channel with a handler, and records every call. */
function fakeApi(handlers: Partial<Record<RequestChannel, (params: never) => unknown>>) {
  const calls: { channel: string; params: unknown }[] = [];
  const api: BackupManagerApi = {
    async invoke(channel, params) {
      calls.push({ channel, params });
      const handler = handlers[channel];
      if (!handler) return { ok: false, code: 'INTERNAL', message: `no fake for ${channel}` };
      // biome-ignore lint/suspicious/noExplicitAny: the fake answers whatever the test gives it.
      return (handler as (p: unknown) => any)(params);
    },
    subscribe: () => noop,
  };
  return { api, calls };
}

/** A helper that keeps schedules like the real one (refusing a Files schedule without paths). */
function schedulingHelper() {
  let schedules = [off('system-state'), off('files')];
  return fakeApi({
    'systemState.components': () => ({
      ok: true,
      value: { components: [], estimate: { bytes: 0, files: 0 } },
    }),
    'schedule.get': () => ({ ok: true, value: { schedules } }),
    'schedule.set': ((params: {
      source: string;
      spec: ScheduleState['spec'];
      paths?: string[];
      excludes?: string[];
    }) => {
      if (params.source === 'files' && params.spec.kind !== 'off' && (params.paths ?? []).length === 0)
        return {
          ok: false,
          code: 'SCHEDULE_INVALID',
          message: 'paths: a files schedule needs at least one path',
        };
      schedules = schedules.map((s) =>
        s.source === params.source
          ? {
              ...s,
              spec: params.spec,
              paths: params.paths ?? [],
              excludes: params.excludes ?? [],
              nextRunAt: params.spec.kind === 'off' ? null : '2030-01-01T02:30:00.000Z',
            }
          : s,
      );
      return { ok: true, value: { schedules } };
    }) as (params: never) => unknown,
  });
}

describe('data sources store', () => {
  it('loads the components and the schedules', async () => {
    const { api } = schedulingHelper();
    const store = createDataSourcesStore(api);
    expect(store.getState().components.status).toBe('loading');
    await store.getState().load();
    expect(store.getState().components).toEqual({
      status: 'ready',
      value: { components: [], estimate: { bytes: 0, files: 0 } },
    });
    const schedules = store.getState().schedules;
    expect(schedules.status === 'ready' && schedules.value.map((s) => s.source)).toEqual([
      'system-state',
      'files',
    ]);
  });

  it('keeps the code and message when the helper is unavailable', async () => {
    const unavailable = () => ({
      ok: false,
      code: 'HELPER_UNAVAILABLE',
      message: 'The helper is not installed.',
    });
    const { api } = fakeApi({ 'systemState.components': unavailable, 'schedule.get': unavailable });
    const store = createDataSourcesStore(api);
    await store.getState().load();
    expect(store.getState().components).toEqual({
      status: 'error',
      code: 'HELPER_UNAVAILABLE',
      message: 'The helper is not installed.',
    });
    expect(store.getState().schedules.status).toBe('error');
  });

  it('sets System state daily without paths, and Files keeping its selection', async () => {
    const { api, calls } = schedulingHelper();
    const store = createDataSourcesStore(api);
    await store.getState().load();
    expect(await store.getState().setSchedule('system-state', { kind: 'daily', time: '02:30' })).toBe(true);
    expect(calls.at(-1)).toEqual({
      channel: 'schedule.set',
      params: { source: 'system-state', spec: { kind: 'daily', time: '02:30' } },
    });
    expect(await store.getState().addPath('/srv/data')).toBe(true);
    expect(await store.getState().setSchedule('files', { kind: 'daily', time: '03:00' })).toBe(true);
    expect(calls.at(-1)?.params).toEqual({
      source: 'files',
      spec: { kind: 'daily', time: '03:00' },
      paths: ['/srv/data'],
    });
  });

  it('checks a path before asking the helper, then adds and removes it', async () => {
    const { api, calls } = schedulingHelper();
    const store = createDataSourcesStore(api);
    await store.getState().load();
    const before = calls.length;
    expect(await store.getState().addPath('relative/path')).toBe(false);
    expect(store.getState().changes.files.pathProblem).toMatch(/absolute path/);
    expect(calls.length).toBe(before);

    expect(await store.getState().addPath('  /srv/data ')).toBe(true);
    expect(store.getState().changes.files.pathProblem).toBeNull();
    const added = store.getState().schedules;
    expect(added.status === 'ready' && added.value.find((s) => s.source === 'files')?.paths).toEqual([
      '/srv/data',
    ]);
    expect(await store.getState().addPath('/srv/data')).toBe(false);
    expect(store.getState().changes.files.pathProblem).toMatch(/already selected/);

    expect(await store.getState().removePath('/srv/data')).toBe(true);
    const removed = store.getState().schedules;
    expect(removed.status === 'ready' && removed.value.find((s) => s.source === 'files')?.paths).toEqual([]);
  });

  it('shows a refused change with its code, next to that source only', async () => {
    const { api } = schedulingHelper();
    const store = createDataSourcesStore(api);
    await store.getState().load();
    expect(await store.getState().setSchedule('files', { kind: 'daily', time: '01:00' })).toBe(false);
    expect(store.getState().changes.files).toEqual({
      saving: false,
      pathProblem: null,
      error: { code: 'SCHEDULE_INVALID', message: 'paths: a files schedule needs at least one path' },
    });
    expect(store.getState().changes['system-state'].error).toBeNull();
    // The schedule shown is still the helper's.
    const schedules = store.getState().schedules;
    expect(schedules.status === 'ready' && schedules.value.find((s) => s.source === 'files')?.spec).toEqual({
      kind: 'off',
    });
  });

  it('adds and removes exclude patterns, keeping them when the paths or the schedule change', async () => {
    const { api, calls } = schedulingHelper();
    const store = createDataSourcesStore(api);
    await store.getState().load();
    expect(await store.getState().addPath('/srv/data')).toBe(true);
    expect(await store.getState().addExclude('*.tmp')).toBe(true);
    expect(calls.at(-1)?.params).toEqual({
      source: 'files',
      spec: { kind: 'off' },
      paths: ['/srv/data'],
      excludes: ['*.tmp'],
    });
    const excludesOf = () => {
      const schedules = store.getState().schedules;
      return schedules.status === 'ready'
        ? schedules.value.find((s) => s.source === 'files')?.excludes
        : null;
    };
    expect(excludesOf()).toEqual(['*.tmp']);

    expect(await store.getState().setSchedule('files', { kind: 'daily', time: '03:00' })).toBe(true);
    expect(calls.at(-1)?.params).toMatchObject({ excludes: ['*.tmp'] });
    expect(await store.getState().addPath('/srv/more')).toBe(true);
    expect(calls.at(-1)?.params).toMatchObject({ excludes: ['*.tmp'] });

    expect(await store.getState().removeExclude('*.tmp')).toBe(true);
    expect(calls.at(-1)?.params).toMatchObject({ excludes: [] });
    expect(excludesOf()).toEqual([]);
  });
});

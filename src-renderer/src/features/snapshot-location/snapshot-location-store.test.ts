import { describe, expect, it } from 'vitest';
import { createSnapshotLocationStore } from './snapshot-location-store';
import { fakeApi, locationState, preflightResult } from './test-fixtures';

describe('snapshot location store', () => {
  it('loads the location and the free-space preflight side by side', async () => {
    const { api, calls } = fakeApi({
      'snapshotLocation.get': () => ({ ok: true, value: locationState() }),
      'systemState.preflight': () => ({ ok: true, value: preflightResult('pass') }),
    });
    const store = createSnapshotLocationStore(api);
    await store.getState().load();
    expect(calls.map((c) => c.channel).sort()).toEqual(['snapshotLocation.get', 'systemState.preflight']);
    expect(store.getState()).toMatchObject({
      location: { current: '/', source: 'default' },
      preflight: { overall: 'pass' },
      locationError: null,
      locationLoading: false,
      preflightLoading: false,
    });
  });

  it('keeps the code and message when the helper is not available', async () => {
    const unavailable = { ok: false, code: 'HELPER_UNAVAILABLE', message: 'Install the helper.' } as const;
    const { api } = fakeApi({
      'snapshotLocation.get': () => unavailable,
      'systemState.preflight': () => unavailable,
    });
    const store = createSnapshotLocationStore(api);
    await store.getState().load();
    expect(store.getState().locationError).toEqual({
      code: 'HELPER_UNAVAILABLE',
      message: 'Install the helper.',
    });
    expect(store.getState().preflightError?.code).toBe('HELPER_UNAVAILABLE');
    expect(store.getState().location).toBeNull();
  });

  it('keeps a refusal next to the control that asked, and changes nothing', async () => {
    const { api } = fakeApi({
      'snapshotLocation.set': () => ({
        ok: false,
        code: 'INVALID_LOCATION',
        message: '/nope: does not exist (ENOENT)',
      }),
    });
    const store = createSnapshotLocationStore(api);
    store.setState({ location: locationState() });
    store.getState().setPathInput('/nope');
    expect(await store.getState().chooseTypedPath()).toBe(false);
    expect(store.getState().refusal).toEqual({
      target: 'path',
      code: 'INVALID_LOCATION',
      message: '/nope: does not exist (ENOENT)',
    });
    expect(store.getState().location?.current).toBe('/');
    expect(store.getState().pending).toBeNull();
    // Typing again clears the field's refusal.
    store.getState().setPathInput('/nop');
    expect(store.getState().refusal).toBeNull();
  });

  it('refuses a relative or empty path without asking the helper', async () => {
    const { api, calls } = fakeApi({});
    const store = createSnapshotLocationStore(api);
    store.getState().setPathInput('relative/dir');
    expect(await store.getState().chooseTypedPath()).toBe(false);
    expect(store.getState().refusal).toMatchObject({ target: 'path', code: 'INVALID_LOCATION' });
    store.getState().setPathInput('  ');
    await store.getState().chooseTypedPath();
    expect(store.getState().refusal?.message).toMatch(/Type the full path/);
    expect(calls).toEqual([]);
  });

  it('saves a choice, clears the field, says what changed and re-runs the preflight', async () => {
    const { api, calls } = fakeApi({
      'snapshotLocation.set': (params) => ({
        ok: true,
        value: locationState((params as { location: string }).location, 'settings'),
      }),
      'systemState.preflight': () => ({ ok: true, value: preflightResult('pass', '/srv/snap') }),
    });
    const store = createSnapshotLocationStore(api);
    store.getState().setPathInput(' /srv/snap ');
    expect(await store.getState().chooseTypedPath()).toBe(true);
    expect(calls.map((c) => [c.channel, c.params])).toEqual([
      ['snapshotLocation.set', { location: '/srv/snap' }],
      ['systemState.preflight', {}],
    ]);
    expect(store.getState()).toMatchObject({
      location: { current: '/srv/snap', source: 'settings' },
      pathInput: '',
      notice: 'Snapshots are now kept in /srv/snap.',
      pending: null,
      refusal: null,
    });
  });

  it('goes back to the default with null', async () => {
    const { api, calls } = fakeApi({
      'snapshotLocation.set': () => ({ ok: true, value: locationState() }),
      'systemState.preflight': () => ({ ok: true, value: preflightResult('pass') }),
    });
    const store = createSnapshotLocationStore(api);
    await store.getState().choose('default', null);
    expect(calls[0]).toEqual({ channel: 'snapshotLocation.set', params: { location: null } });
    expect(store.getState().notice).toBe('Back to the default: snapshots are kept on /.');
  });

  it('the one-click fix moves to the suggested drive and the warning clears', async () => {
    let current = '/mnt/small';
    const { api, calls } = fakeApi({
      'snapshotLocation.set': (params) => {
        current = (params as { location: string }).location;
        return { ok: true, value: locationState(current, 'settings') };
      },
      'systemState.preflight': () => ({
        ok: true,
        value: preflightResult(current === '/' ? 'pass' : 'fail', current),
      }),
    });
    const store = createSnapshotLocationStore(api);
    await store.getState().checkFreeSpace();
    expect(store.getState().preflight?.freeSpace?.status).toBe('fail');
    expect(await store.getState().moveToSuggested()).toBe(true);
    expect(calls[1]).toEqual({ channel: 'snapshotLocation.set', params: { location: '/' } });
    expect(store.getState().preflight?.freeSpace?.status).toBe('pass');
  });

  it('checks again: the preflight, and the drives once they are shown', async () => {
    const { api, calls } = fakeApi({
      'snapshotLocation.get': () => ({ ok: true, value: locationState() }),
      'systemState.preflight': () => ({ ok: true, value: preflightResult('pass') }),
    });
    const store = createSnapshotLocationStore(api);
    await store.getState().recheck();
    expect(calls.map((c) => c.channel)).toEqual(['systemState.preflight']);
    store.setState({ location: locationState() });
    await store.getState().recheck();
    expect(calls.map((c) => c.channel).sort()).toEqual([
      'snapshotLocation.get',
      'systemState.preflight',
      'systemState.preflight',
    ]);
  });

  it('does nothing for the fix without a suggested drive, and one change at a time', async () => {
    const { api, calls } = fakeApi({
      'snapshotLocation.set': () => ({ ok: true, value: locationState() }),
      'systemState.preflight': () => ({ ok: true, value: preflightResult('pass') }),
    });
    const store = createSnapshotLocationStore(api);
    expect(await store.getState().moveToSuggested()).toBe(false);
    const first = store.getState().choose('default', null);
    expect(await store.getState().choose('drive:/', '/')).toBe(false);
    await first;
    expect(calls.filter((c) => c.channel === 'snapshotLocation.set')).toHaveLength(1);
  });
});

// @vitest-environment happy-dom
/**
 * Real React renders of the progress view under a stream of progress events (the helper sends up to 10 a second):
 * one commit per event of its session, none for another session's events, and the same DOM nodes updated in place
 * (no remounting, so nothing jumps). Counted with React's Profiler in a DOM (happy-dom), not inferred.
 */
import { act, Profiler } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeApi } from '../../api/testing/fake-api';
import { SessionProgressView } from './session-progress';
import { createSessionsStore } from './sessions-store';
import { progress, summary } from './test-fixtures';

// React asks test environments to declare themselves, so that act() flushes updates synchronously.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement;
let root: Root;

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

describe('the progress view under a 10 Hz event stream', () => {
  it('commits once per event of its session, never for another session, and updates the same nodes', () => {
    const api = fakeApi();
    const store = createSessionsStore(api);
    act(() => {
      store.getState().connect();
    });
    const session = summary();
    let commits = 0;
    act(() =>
      root.render(
        <Profiler id="progress" onRender={() => commits++}>
          <SessionProgressView store={store} session={session} />
        </Profiler>,
      ),
    );
    const mounted = commits;
    const bar = container.querySelector('[role="progressbar"]');
    expect(bar).not.toBeNull();

    for (let i = 1; i <= 100; i++)
      act(() =>
        api.emit('session.progress', progress({ bytesDone: i * 1_000_000, bytesTotal: 100_000_000 })),
      );
    expect(commits - mounted).toBe(100);
    expect(container.querySelector('[role="progressbar"]')).toBe(bar); // updated in place, not remounted
    expect(bar?.getAttribute('aria-valuenow')).toBe('100');

    for (let i = 1; i <= 100; i++)
      act(() =>
        api.emit('session.progress', progress({ sessionId: '20250101-100000-ffffff', bytesDone: i })),
      );
    expect(commits - mounted).toBe(100);
  });
});

import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context';
import { fakeApi } from '../../api/testing/fake-api';
import { PreflightReview } from './preflight-review';
import { SessionDetails } from './session-details';
import { ProgressNumbers } from './session-progress';
import { SessionsHistory } from './sessions-history';
import { createSessionsStore, type SessionsState } from './sessions-store';
import { detail, failingPreflight, progress, summary } from './test-fixtures';

function storeWith(patch: Partial<SessionsState>) {
  const api = fakeApi();
  const store = createSessionsStore(api);
  store.setState(patch);
  // Server rendering reads zustand's initial state; serve the current one instead.
  store.getInitialState = store.getState;
  return { api, store };
}

describe('sessions views', () => {
  it('shows the phases in text, the numbers for humans and the current item', () => {
    const html = renderToStaticMarkup(
      <ProgressNumbers source="system-state" phase="backup" progress={progress()} />,
    );
    expect(html).toMatch(/data-phase="collect" data-state="done"/);
    expect(html).toMatch(/aria-current="step"[^>]*>.*Back up.*\(current\)/);
    expect(html).toContain('50.0 MiB of 200 MiB');
    expect(html).toContain('10 of 100');
    expect(html).toContain('12.5 MB/s');
    expect(html).toContain('About 3 minutes');
    expect(html).toContain('/etc/ssh/sshd_config');
    expect(html).toContain('aria-valuenow="25"');
  });

  it('keeps every number slot before the first progress event (no layout jump)', () => {
    const html = renderToStaticMarkup(<ProgressNumbers source="files" phase="queued" progress={undefined} />);
    for (const fact of ['percent', 'bytes', 'files', 'rate', 'eta'])
      expect(html).toContain(`progress-${fact}`);
    expect(html).toContain('data-testid="current-item"');
  });

  it('blocks the start on a failing preflight, with the reason and a link to the check', () => {
    const api = fakeApi();
    const html = renderToStaticMarkup(
      <ApiProvider api={api}>
        <PreflightReview
          flow={{ stage: 'review', preflight: { ...failingPreflight, freeSpace: null }, error: null }}
          onStart={() => undefined}
          onRecheck={() => undefined}
          onClose={() => undefined}
        />
      </ApiProvider>,
    );
    expect(html).toContain('“Back up now” is blocked');
    expect(html).toContain('INSUFFICIENT_SPACE');
    expect(html).toContain('href="#/troubleshooting?check=free-space"');
    expect(html).not.toContain('preflight-start');
  });

  it('lists the history from the summaries alone: status, duration, size, files, problems, chain', () => {
    const { api, store } = storeWith({
      sessions: [
        summary({
          status: 'completed',
          attempt: 2,
          interruptions: 1,
          errors: 1,
          endedAt: '2025-01-01T10:03:06.000Z',
          stats: {
            filesNew: 3,
            filesChanged: 1,
            filesUnmodified: 7,
            bytesProcessed: 10,
            bytesAdded: 5 * 1024 * 1024,
            warnings: 2,
          },
        }),
        summary({ id: '20250101-090000-abcdef', status: 'failed', errors: 1 }),
      ],
      listLoading: false,
    });
    const html = renderToStaticMarkup(<SessionsHistory store={store} />);
    expect(html).toContain('Completed');
    expect(html).toContain('3 min 5 s');
    expect(html).toContain('5.00 MiB');
    expect(html).toContain('3 new, 1 changed');
    expect(html).toContain('1 error, 2 warnings');
    expect(html).toContain('Interrupted → Restarted → Completed');
    expect(html).toContain('show details');
    // The failed session never reached a backup phase: no numbers, its one error.
    expect(html).toMatch(
      /data-status="failed".*<td class="num">—<\/td><td class="num">—<\/td><td>1 error<\/td>/,
    );
    // Nothing but the list was asked for.
    expect(api.calls).toEqual([]);
  });

  it('shows a failure with its code and the link into the troubleshooting check', () => {
    const id = summary().id;
    const failure = {
      code: 'INSUFFICIENT_SPACE',
      message: 'Not enough free space on /mnt/tiny.',
      check: 'free-space',
    };
    const { store } = storeWith({
      selectedId: id,
      detail: detail({ status: 'failed', failure, errors: 1 }),
      log: [{ seq: 1, at: '2025-01-01T10:00:01Z', attempt: 1, level: 'error', message: 'no space' }],
    });
    const html = renderToStaticMarkup(<SessionDetails store={store} />);
    expect(html).toContain('Failed with INSUFFICIENT_SPACE');
    expect(html).toContain('href="#/troubleshooting?check=free-space"');
    expect(html).toContain('Open the free space check');
    expect(html).toMatch(/sessions-level tone-error">Error</);
    expect(html).toContain('Before the first attempt');
    expect(html).toMatch(/data-fact="session-problems"><dt>Problems<\/dt><dd>1 error</);
  });

  it('shows no detail of another session than the selected one', () => {
    const { store } = storeWith({
      selectedId: summary().id,
      detail: detail({ id: '20250101-090000-abcdef' }),
    });
    const html = renderToStaticMarkup(<SessionDetails store={store} />);
    expect(html).toContain('Reading the session…');
  });
});

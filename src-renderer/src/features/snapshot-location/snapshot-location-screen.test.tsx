import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../store/app-store';
import { StoreProvider } from '../../store/store-context';
import { FreeSpaceWarning } from './free-space-warning';
import { SnapshotDrivesTable } from './snapshot-drives-table';
import { SnapshotLocationView } from './snapshot-location-screen';
import { createSnapshotLocationStore, type SnapshotLocationStoreState } from './snapshot-location-store';
import { fakeApi, locationState, preflightResult, smallDrive, systemDrive } from './test-fixtures';

function storeWith(state: Partial<SnapshotLocationStoreState>) {
  const store = createSnapshotLocationStore(fakeApi({}).api);
  store.setState(state);
  // Server rendering reads zustand's initial state (React's server snapshot); serve the current one instead.
  store.getInitialState = store.getState;
  return store;
}

function renderScreen(state: Partial<SnapshotLocationStoreState>): string {
  const app = createAppStore();
  app.getState().helperStatusChanged({
    state: 'not-installed',
    detail: 'The helper service is not installed.',
    action: 'Install the Backup Manager package.',
    helperVersion: null,
  });
  app.getState().overviewChanged({
    status: 'ready',
    overview: {
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
      filesystems: [
        {
          device: '/dev/sda2',
          mount: '/',
          type: 'ext4',
          sizeBytes: 100,
          usedBytes: 50,
          freeBytes: 50,
          isSystem: true,
          readOnly: false,
        },
      ],
      collectedAt: '2026-11-25T00:00:00.000Z',
    },
  });
  app.getInitialState = app.getState;
  return renderToStaticMarkup(
    <StoreProvider store={app}>
      <SnapshotLocationView store={storeWith(state)} />
    </StoreProvider>,
  );
}

describe('snapshot location screen', () => {
  it('shows the current location, its source, the default and the provider with its reason', () => {
    const html = renderScreen({
      location: locationState('/srv/snap', 'settings'),
      preflight: preflightResult('pass'),
    });
    expect(html).toMatch(/data-testid="current-location"[^>]*>\/srv\/snap</);
    expect(html).toMatch(/data-testid="location-source"[^>]*>Chosen by you</);
    expect(html).toMatch(/data-testid="default-location"><span class="mono">\/<\/span>/);
    expect(html).toContain('Temporary copy');
    expect(html).toContain('no snapshot-capable filesystem');
    expect(html).toContain('Back to the default');
    expect(html).toContain('Use this folder');
  });

  it('says honestly that the helper is not there, with what to do, and still shows the default', () => {
    const html = renderScreen({ locationError: { code: 'HELPER_UNAVAILABLE', message: 'Not installed.' } });
    expect(html).toContain('cannot be read or changed right now');
    expect(html).toContain('HELPER_UNAVAILABLE');
    expect(html).toContain('What to do: Install the Backup Manager package.');
    expect(html).toContain('Try again');
    expect(html).toMatch(
      /data-testid="default-location">Default location: <strong class="mono">\/<\/strong>/,
    );
    expect(html).not.toContain('free-space-warning');
  });

  it('shows a path refusal with its code and explanation next to the field', () => {
    const html = renderScreen({
      location: locationState(),
      refusal: { target: 'path', code: 'INVALID_LOCATION', message: '/nope: does not exist (ENOENT)' },
    });
    expect(html).toContain('aria-invalid="true"');
    expect(html).toMatch(/id="path-refusal"[^>]*data-code="INVALID_LOCATION"/);
    expect(html).toContain('Refused (INVALID_LOCATION).');
    expect(html).toContain('/nope: does not exist (ENOENT)');
  });
});

describe('snapshot drives table', () => {
  it('lists each drive with type, sizes, a bar and whether snapshots can live there, yes or no in words', () => {
    const html = renderToStaticMarkup(
      <SnapshotDrivesTable
        drives={[systemDrive, smallDrive]}
        current="/"
        pending={null}
        refusal={{ target: 'drive:/mnt/small', code: 'INSUFFICIENT_SPACE', message: 'too small' }}
        onUse={() => undefined}
      />,
    );
    expect(html).toContain('System disk');
    expect(html).toContain('Current location');
    expect(html).toContain('70.0 GiB');
    expect(html).toContain('role="meter"');
    expect(html).toMatch(/>Yes<\/strong>/);
    expect(html).toMatch(/>No<\/strong>.*not enough room for the copy/);
    expect(html).toContain('aria-label="Use /mnt/small for snapshots"');
    expect(html).toContain('aria-describedby="drive-refusal-mnt-small"');
    expect(html).toContain('Refused (INSUFFICIENT_SPACE).');
  });
});

describe('free-space warning', () => {
  it('shows the status in words, the numbers and the one-click fix on a fail', () => {
    const html = renderToStaticMarkup(
      <FreeSpaceWarning store={storeWith({ preflight: preflightResult('fail', '/mnt/small') })} />,
    );
    expect(html).toContain('data-status="fail"');
    expect(html).toContain('Not enough free space');
    expect(html).toContain('is blocked');
    expect(html).toContain('1.00 MiB');
    expect(html).toMatch(/data-testid="free-space-fix"[^>]*>Move the snapshot location to \/</);
  });

  it('hides itself when passing where only problems matter, and shows a check failure with its code', () => {
    expect(
      renderToStaticMarkup(
        <FreeSpaceWarning
          store={storeWith({ preflight: preflightResult('pass') })}
          showWhenPassing={false}
        />,
      ),
    ).toBe('');
    const html = renderToStaticMarkup(
      <FreeSpaceWarning
        store={storeWith({ preflightError: { code: 'HELPER_UNAVAILABLE', message: 'Start it.' } })}
      />,
    );
    expect(html).toContain('Could not check');
    expect(html).toContain('HELPER_UNAVAILABLE');
    expect(html).toContain('Check again');
  });
});

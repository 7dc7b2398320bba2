import type { HelperStatus, ScheduleState, SystemStateComponent } from '@contract';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DataSourceSchedule } from './data-source-card';
import { DetectedComponentsView } from './detected-components';
import { FilesExcludes } from './files-excludes';
import { FilesSelection } from './files-selection';

const noop = (): void => undefined;

const etc: SystemStateComponent = {
  id: 'configuration',
  title: 'System configuration',
  description: 'The configuration of the system.',
  detected: true,
  evidence: ['/etc exists (1234 files)', 'systemd is PID 1'],
  estimate: { bytes: 5 * 1024 * 1024, files: 1234 },
  paths: ['/etc'],
};
const ad: SystemStateComponent = {
  id: 'active-directory',
  title: 'Active Directory',
  description: 'Samba AD.',
  detected: false,
  evidence: ['no samba configuration'],
  estimate: { bytes: 0, files: 0 },
  paths: [],
};
const notInstalled: HelperStatus = {
  state: 'not-installed',
  detail: 'The helper service is not installed.',
  action: 'Install the Backup Manager package, then reopen this window.',
  helperVersion: null,
};
const idle = { saving: false, error: null, pathProblem: null };

describe('detected components', () => {
  it('shows each component with detected as text, a human size, its paths and the evidence', () => {
    const html = renderToStaticMarkup(
      <DetectedComponentsView
        state={{
          status: 'ready',
          value: { components: [ad, etc], estimate: { bytes: 5 * 1024 * 1024, files: 1234 } },
        }}
        helper={null}
      />,
    );
    expect(html).toContain('5.00 MiB · 1,234 files');
    expect(html).toContain('the 1 of 2 components detected here');
    expect(html).toContain('>Detected<');
    expect(html).toContain('>Not detected<');
    expect(html).toContain('>/etc<');
    expect(html).toMatch(/<details[^>]*><summary>Why it is detected \(2 facts\)<\/summary>/);
    expect(html).toContain('systemd is PID 1');
    // Detected first.
    expect(html.indexOf('System configuration')).toBeLessThan(html.indexOf('Active Directory'));
  });

  it('has honest loading, empty and error states', () => {
    expect(
      renderToStaticMarkup(<DetectedComponentsView state={{ status: 'loading' }} helper={null} />),
    ).toContain('role="status"');
    expect(
      renderToStaticMarkup(
        <DetectedComponentsView
          state={{ status: 'ready', value: { components: [], estimate: { bytes: 0, files: 0 } } }}
          helper={null}
        />,
      ),
    ).toContain('reported no System state components');
    const down = renderToStaticMarkup(
      <DetectedComponentsView
        state={{ status: 'error', code: 'HELPER_UNAVAILABLE', message: 'no helper' }}
        helper={notInstalled}
      />,
    );
    expect(down).toContain('role="alert"');
    expect(down).toContain('HELPER_UNAVAILABLE');
    expect(down).toContain('The helper service is not installed.');
    expect(down).toContain('Install the Backup Manager package');
    const failed = renderToStaticMarkup(
      <DetectedComponentsView
        state={{ status: 'error', code: 'HELPER_FAILED', message: 'EACCES /etc' }}
        helper={notInstalled}
      />,
    );
    expect(failed).toContain('EACCES /etc');
  });
});

describe('data source schedule and files selection', () => {
  const daily: ScheduleState = {
    source: 'system-state',
    spec: { kind: 'daily', time: '02:30' },
    paths: [],
    excludes: [],
    nextRunAt: '2030-01-01T02:30:00.000Z',
    lastRunAt: null,
    lastSessionId: null,
  };

  it('says enabled in words, the schedule and the next run', () => {
    const html = renderToStaticMarkup(
      <DataSourceSchedule schedule={daily} change={idle} helper={null} onSave={noop} />,
    );
    expect(html).toContain('>Enabled<');
    expect(html).toContain('>Daily at 02:30<');
    expect(html).toMatch(/data-testid="next-run"[^>]*>[^<]*2030/);
    expect(html).toContain('value="02:30"');
  });

  it('shows a refused change with its code next to the form', () => {
    const html = renderToStaticMarkup(
      <DataSourceSchedule
        schedule={{ ...daily, spec: { kind: 'off' }, nextRunAt: null }}
        change={{ ...idle, error: { code: 'SCHEDULE_INVALID', message: 'paths: needs a path' } }}
        helper={null}
        onSave={noop}
      />,
    );
    expect(html).toContain('>Disabled<');
    expect(html).toContain('>Not scheduled<');
    expect(html).toContain('SCHEDULE_INVALID');
    expect(html).toContain('paths: needs a path');
  });

  it('shows "No selection" explicitly, or the paths each with a remove button', () => {
    const none = renderToStaticMarkup(
      <FilesSelection
        paths={[]}
        saving={false}
        pathProblem={null}
        onAdd={async () => true}
        onRemove={noop}
      />,
    );
    expect(none).toContain('>No selection<');
    expect(none).not.toContain('not available yet');
    const some = renderToStaticMarkup(
      <FilesSelection
        paths={['/srv/data']}
        saving={false}
        pathProblem="Use an absolute path."
        onAdd={async () => true}
        onRemove={noop}
      />,
    );
    expect(some).not.toContain('No selection');
    expect(some).toContain('aria-label="Remove /srv/data"');
    expect(some).toContain('Use an absolute path.');
    expect(some).toContain('aria-invalid="true"');
  });

  it('shows the exclude patterns each with a remove button, or says there are none', () => {
    const none = renderToStaticMarkup(
      <FilesExcludes excludes={[]} saving={false} onAdd={async () => true} onRemove={noop} />,
    );
    expect(none).toContain('data-testid="files-no-excludes"');
    expect(none).toContain('Pattern to exclude');
    const some = renderToStaticMarkup(
      <FilesExcludes
        excludes={['*.tmp', '/home/*/.cache']}
        saving={false}
        onAdd={async () => true}
        onRemove={noop}
      />,
    );
    expect(some).not.toContain('files-no-excludes');
    expect(some).toContain('aria-label="Remove exclude *.tmp"');
    expect(some).toContain('aria-label="Remove exclude /home/*/.cache"');
  });
});

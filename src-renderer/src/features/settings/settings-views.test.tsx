import type { HelperStatus, PasswordStatus } from '@contract';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../store/app-store';
import { StoreProvider } from '../../store/store-context';
import { PasswordFileSection, PasswordSection } from './password-section';
import { RetentionSection } from './retention-section';
import { SettingsView } from './settings-screen';
import { createSettingsStore, idleChange, type SettingsStoreState } from './settings-store';
import { emptyRetentionForm } from './settings-text';
import { fakeApi, sampleSchedules, sampleSettings } from './test-fixtures';

const noop = (): void => undefined;
const notInstalled: HelperStatus = {
  state: 'not-installed',
  detail: 'The helper service is not installed.',
  action: 'Install the Backup Manager package.',
  helperVersion: null,
};

function renderScreen(state: Partial<SettingsStoreState>, helper: HelperStatus | null = null): string {
  const app = createAppStore();
  app.getState().hydrate({
    app: { version: '1', mode: 'console' },
    overview: { status: 'loading' },
    helper: helper ?? { state: 'connected', detail: 'ok', action: '', helperVersion: '1' },
  });
  app.getInitialState = app.getState;
  const store = createSettingsStore(fakeApi({}).api);
  store.setState(state);
  // Server rendering reads zustand's initial state (React's server snapshot); serve the current one instead.
  store.getInitialState = store.getState;
  return renderToStaticMarkup(
    <StoreProvider store={app}>
      <SettingsView store={store} />
    </StoreProvider>,
  );
}

describe('settings screen', () => {
  it('shows the repository, the password file, the retention and the schedules with a link to change them', () => {
    const html = renderScreen({
      settings: { status: 'ready', value: sampleSettings },
      schedules: { status: 'ready', value: sampleSchedules },
      retentionForm: { ...emptyRetentionForm, keepDaily: '7', keepWeekly: '4' },
      keepEverything: false,
    });
    expect(html).toMatch(/data-testid="current-repository"[^>]*>\/srv\/backup\/repo</);
    expect(html).toMatch(/data-testid="repository-kind"[^>]*>Local folder</);
    expect(html).toContain('sftp:backup@nas.example.net:/srv/repository');
    expect(html).toContain('s3:https://s3.example.net/bucket/prefix');
    // A local repository has neither the SFTP nor the S3 sections.
    expect(html).not.toContain('ssh-key-section');
    expect(html).not.toContain('s3-section');
    expect(html).toMatch(/data-testid="current-password-file"[^>]*>\/etc\/backup-manager\/password</);
    expect(html).toContain('Keeps 7 daily, 4 weekly.');
    expect(html).toContain('not pruned');
    expect(html).toMatch(/<th scope="row">System state<\/th><td><span class="badge badge-ok">On</);
    expect(html).toContain('Daily at 02:30');
    expect(html).toMatch(/>Off</);
    expect(html).toContain('href="#/data-sources"');
    expect(html).toContain('a browser, which never keeps it');
  });

  it('is honest when the helper is not there: its detail, what to do, and a way to try again', () => {
    const down = { status: 'error', code: 'HELPER_UNAVAILABLE', message: 'x' } as const;
    const html = renderScreen({ settings: down, schedules: down }, notInstalled);
    expect(html).toContain('cannot be read or changed right now');
    expect(html).toMatch(/data-code="HELPER_UNAVAILABLE"/);
    expect(html).toContain('The helper service is not installed.');
    expect(html).toContain('<strong>What to do:</strong> Install the Backup Manager package.');
    expect(html).toContain('Try again');
    expect(html).toContain('Not available until the helper is connected');
    expect(html).not.toContain('current-repository');
  });
});

describe('settings sections', () => {
  it('never pre-fills the password, and explains SECRETS_UNAVAILABLE with what to do instead', () => {
    const html = renderToStaticMarkup(
      <PasswordSection
        mode="console"
        repository="/srv/repo"
        status={{ status: 'loading' }}
        pending={null}
        change={{
          ...idleChange,
          refusal: { code: 'SECRETS_UNAVAILABLE', message: 'console mode keeps no passwords' },
        }}
        onRemember={noop}
        onForget={noop}
      />,
    );
    expect(html).toMatch(
      /<input id="settings-password-input"[^>]*type="password"[^>]*autoComplete="new-password"[^>]*value=""/,
    );
    expect(html).toContain('Remember for this repository');
    expect(html).toContain('Refused (SECRETS_UNAVAILABLE).');
    expect(html).toContain('console mode keeps no passwords');
    expect(html).toContain('What to do instead:');
    expect(html).toContain('aria-describedby="password-refusal"');
  });

  it('says whether a password is remembered, never showing one, and where sessions get it', () => {
    const section = (status: PasswordStatus) =>
      renderToStaticMarkup(
        <PasswordSection
          mode="electron"
          repository="/srv/repo"
          status={{ status: 'ready', value: status }}
          pending={null}
          change={idleChange}
          onRemember={noop}
          onForget={noop}
        />,
      );
    const remembered = section({
      repository: '/srv/repo',
      remembered: true,
      source: 'keychain',
      scheduledSource: 'password-file',
      passwordFile: '/etc/backup-manager/password',
      keychain: { available: true, reason: null },
      s3CredentialsRemembered: false,
    });
    expect(remembered).toMatch(/data-testid="password-status" data-remembered="true" data-source="keychain"/);
    expect(remembered).toContain('A password is remembered for this repository (never shown).');
    expect(remembered).toContain('Sessions you start here are handed the remembered password.');
    expect(remembered).toContain('Scheduled sessions read the helper&#x27;s password file.');
    expect(remembered).toMatch(/<input id="settings-password-input"[^>]*value=""/);

    const none = section({
      repository: '/srv/repo',
      remembered: false,
      source: 'none',
      scheduledSource: 'none',
      passwordFile: null,
      keychain: { available: true, reason: null },
      s3CredentialsRemembered: false,
    });
    expect(none).toContain('No password remembered for this repository.');
    expect(none).toContain('edge-warn');
    expect(none).toContain('Scheduled sessions have no password: set a password file for them.');
  });

  it('says so when the status could not be read', () => {
    const html = renderToStaticMarkup(
      <PasswordSection
        mode="electron"
        repository="/srv/repo"
        status={{ status: 'error', code: 'SECRETS_CORRUPT', message: 'damaged' }}
        pending={null}
        change={idleChange}
        onRemember={noop}
        onForget={noop}
      />,
    );
    expect(html).toContain('Whether a password is remembered could not be read (SECRETS_CORRUPT): damaged');
  });

  it('shows a password-file refusal beside the field with its code and message', () => {
    const html = renderToStaticMarkup(
      <PasswordFileSection
        passwordFile={null}
        input="/tmp/pw"
        change={{ ...idleChange, refusal: { code: 'SETTINGS_INVALID', message: '/tmp/pw has mode 0644' } }}
        onInput={noop}
        onSave={noop}
      />,
    );
    expect(html).toContain('None: sessions need the password handed over');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('aria-describedby="settings-password-file-hint password-file-refusal"');
    expect(html).toMatch(/id="password-file-refusal"[^>]*data-code="SETTINGS_INVALID"/);
    expect(html).toContain('/tmp/pw has mode 0644');
  });

  it('marks a bad retention number next to its field', () => {
    const html = renderToStaticMarkup(
      <RetentionSection
        retention={null}
        form={{ ...emptyRetentionForm, keepLast: '0' }}
        keepEverything={false}
        problems={{ keepLast: 'A whole number of 1 or more, or empty.' }}
        change={{ ...idleChange, problem: 'Fix the numbers marked below; nothing was saved.' }}
        onField={noop}
        onKeepEverything={noop}
        onSave={noop}
      />,
    );
    expect(html).toContain('Keeps everything: no snapshot is forgotten.');
    expect(html).toMatch(/id="settings-retention-keepLast"[^>]*aria-invalid="true"/);
    expect(html).toContain('id="settings-retention-keepLast-problem"');
    expect(html).toContain('Not saved:');
  });
});

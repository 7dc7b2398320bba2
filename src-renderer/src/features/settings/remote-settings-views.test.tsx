// @vitest-environment happy-dom
import type { HelperSettings, PasswordStatus } from '@contract';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../store/app-store';
import { StoreProvider } from '../../store/store-context';
import { hostKeyState } from '../remote-repository/test-fixtures';
import { S3CredentialsSection } from './s3-section';
import { SettingsView } from './settings-screen';
import { createSettingsStore, idleChange } from './settings-store';
import { fakeApi, sampleSchedules, sampleSettings } from './test-fixtures';

// React asks test environments to declare themselves, so that act() flushes updates synchronously.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const status: PasswordStatus = {
  repository: 's3:https://s3.example.net/b',
  remembered: false,
  source: 'password-file',
  scheduledSource: 'password-file',
  passwordFile: '/etc/backup-manager/password',
  keychain: { available: false, reason: 'console mode' },
  s3CredentialsRemembered: false,
};

function renderScreen(settings: HelperSettings): string {
  const app = createAppStore();
  app.getState().hydrate({
    app: { version: '1', mode: 'console' },
    overview: { status: 'loading' },
    helper: { state: 'connected', detail: 'ok', action: '', helperVersion: '1' },
  });
  app.getInitialState = app.getState;
  const store = createSettingsStore(fakeApi({}).api);
  store.setState({
    settings: { status: 'ready', value: settings },
    schedules: { status: 'ready', value: sampleSchedules },
    passwordStatus: { status: 'ready', value: { ...status, repository: settings.repository } },
  });
  store.hostKey.setState({
    repository: settings.repository,
    lookup: { status: 'ready', value: hostKeyState() },
  });
  // Server rendering reads zustand's initial state (React's server snapshot); serve the current one instead.
  store.getInitialState = store.getState;
  store.hostKey.getInitialState = store.hostKey.getState;
  return renderToStaticMarkup(
    <StoreProvider store={app}>
      <SettingsView store={store} />
    </StoreProvider>,
  );
}

describe('settings screen of remote repositories', () => {
  it('SFTP: the SSH key file and the host key panel, and no S3 fields', () => {
    const html = renderScreen({ ...sampleSettings, repository: 'sftp:backup@nas.example.net:/srv/repo' });
    expect(html).toMatch(/data-testid="repository-kind"[^>]*>SFTP server</);
    expect(html).toContain('data-testid="ssh-key-section"');
    expect(html).toContain('mode 0600');
    expect(html).toContain('the key has none');
    expect(html).toMatch(/data-testid="current-ssh-key-file"[^>]*>None: the helper tries root/);
    expect(html).toContain('data-testid="host-key-panel"');
    expect(html).toMatch(/data-testid="host-key-status" data-status="unknown"/);
    expect(html).not.toContain('data-testid="s3-section"');
    expect(html).not.toContain('Secret access key');
  });

  it('S3: the access keys and the access keys file with its format, and no SFTP parts', () => {
    const html = renderScreen({ ...sampleSettings, repository: 's3:https://s3.example.net/b' });
    expect(html).toMatch(/data-testid="repository-kind"[^>]*>S3-compatible storage</);
    expect(html).toContain('data-testid="s3-section"');
    expect(html).toMatch(/<input id="settings-s3-secret"[^>]*type="password"[^>]*value=""/);
    expect(html).toMatch(/data-testid="s3-status" data-remembered="false"/);
    expect(html).toContain('No access keys remembered for this repository.');
    expect(html).toContain('AWS_ACCESS_KEY_ID=…\nAWS_SECRET_ACCESS_KEY=…');
    expect(html).toContain(
      'sudo install -m 600 -o root -g root /dev/null /etc/backup-manager/s3-credentials',
    );
    expect(html).not.toContain('ssh-key-section');
    expect(html).not.toContain('host-key-panel');
  });
});

describe('S3 access keys form', () => {
  function mount(props: Partial<Parameters<typeof S3CredentialsSection>[0]> = {}) {
    const sent: { accessKeyId: string; secretAccessKey: string }[] = [];
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    act(() =>
      root.render(
        <S3CredentialsSection
          mode="electron"
          repository="s3:https://s3.example.net/b"
          s3CredentialsFile={null}
          status={{ status: 'ready', value: status }}
          change={idleChange}
          pending={null}
          onRemember={(credentials) => sent.push(credentials)}
          onForget={() => undefined}
          {...props}
        />,
      ),
    );
    const input = (id: string) => container.querySelector<HTMLInputElement>(`#${id}`) as HTMLInputElement;
    /** Types as a user does: React listens to the native input event. */
    const type = (id: string, value: string) =>
      act(() => {
        const field = input(id);
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(field, value);
        field.dispatchEvent(new Event('input', { bubbles: true }));
      });
    const submit = () =>
      act(() => {
        container.querySelector('form')?.requestSubmit();
      });
    return {
      sent,
      input,
      type,
      submit,
      container,
      unmount: () => {
        act(() => root.unmount());
        container.remove();
      },
    };
  }

  it('sends what was typed once and empties both fields at once', () => {
    const form = mount();
    expect(form.input('settings-s3-secret').type).toBe('password');
    form.type('settings-s3-access-key-id', 'AKIA1EXAMPLE');
    form.type('settings-s3-secret', 'wJalr/K7MDENG');
    expect(form.input('settings-s3-secret').value).toBe('wJalr/K7MDENG');
    form.submit();
    expect(form.sent).toEqual([{ accessKeyId: 'AKIA1EXAMPLE', secretAccessKey: 'wJalr/K7MDENG' }]);
    expect(form.input('settings-s3-access-key-id').value).toBe('');
    expect(form.input('settings-s3-secret').value).toBe('');
    expect(form.container.innerHTML).not.toContain('wJalr');
    form.unmount();
  });

  it('sends nothing while a request runs, and explains SECRETS_UNAVAILABLE with the file instead', () => {
    const form = mount({
      pending: 'remember',
      change: {
        ...idleChange,
        refusal: { code: 'SECRETS_UNAVAILABLE', message: 'console mode keeps no access keys' },
      },
    });
    form.type('settings-s3-secret', 'x');
    form.submit();
    expect(form.sent).toEqual([]);
    const instead = form.container.querySelector('[data-testid="s3-instead"]');
    expect(instead?.textContent).toContain('access keys file');
    expect(form.container.textContent).toContain('cannot remember passwords or access keys');
    form.unmount();
  });
});

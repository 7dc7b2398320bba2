import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../api/testing/fake-api';
import { hostKeyState, sftpLocation } from '../remote-repository/test-fixtures';
import { RepositoryStep } from './repository-step';
import type { RestoreWizardState } from './restore-state';
import { createRestoreStore } from './restore-store';

function render(patch: Partial<RestoreWizardState>, hostKey?: ReturnType<typeof hostKeyState>) {
  const store = createRestoreStore(fakeApi());
  store.setState(patch);
  if (hostKey)
    store.hostKey.setState({ repository: sftpLocation, lookup: { status: 'ready', value: hostKey } });
  // Server rendering reads zustand's initial state; serve the current one instead.
  store.getInitialState = store.getState;
  store.hostKey.getInitialState = store.hostKey.getState;
  return renderToStaticMarkup(<RepositoryStep store={store} mode="console" />);
}

describe('restore step 1 with remote repositories', () => {
  it('names the notations, and asks for S3 access keys only for an s3: location', () => {
    const local = render({ repositoryInput: '/media/usb/repo' });
    expect(local).toContain('Repository location');
    expect(local).toContain('sftp:user@host:/path');
    expect(local).toContain('s3:https://host/bucket/prefix');
    expect(local).not.toContain('s3-access-keys');
    expect(render({ repositoryInput: sftpLocation })).not.toContain('s3-access-keys');

    const s3 = render({ repositoryInput: 's3:https://s3.example.net/b' });
    expect(s3).toContain('data-testid="s3-access-keys"');
    expect(s3).toContain('S3 access keys (optional)');
    expect(s3).toMatch(/<input id="restore-s3-secret"[^>]*type="password"[^>]*value=""/);
    expect(s3).toContain('remembered for this repository in Settings');
  });

  it('explains HOST_KEY_MISMATCH and shows the host key panel for that server', () => {
    const html = render(
      {
        repositoryInput: sftpLocation,
        openError: { code: 'HOST_KEY_MISMATCH', message: 'nas.example.net:2222: host key not trusted' },
      },
      hostKeyState(),
    );
    expect(html).toMatch(/data-code="HOST_KEY_MISMATCH"[^>]*data-testid="open-error"/);
    expect(html).toContain('Compare it below');
    expect(html).toContain('data-testid="host-key-panel"');
    expect(html).toContain('<h4 id="host-key-title">Host key of the server</h4>');
    expect(html).toContain('Trust this host key');
  });

  it('says what REPO_UNREACHABLE and AUTH_FAILED mean, and marks the field they are about', () => {
    const unreachable = render({
      repositoryInput: sftpLocation,
      openError: { code: 'REPO_UNREACHABLE', message: 'connect ECONNREFUSED' },
    });
    expect(unreachable).toContain('could not be reached');
    expect(unreachable).toMatch(/id="restore-repository-input"[^>]*aria-invalid="true"/);
    expect(unreachable).not.toContain('host-key-panel');

    const refused = render({
      repositoryInput: 's3:https://s3.example.net/b',
      openError: { code: 'AUTH_FAILED', message: '403 InvalidAccessKeyId' },
    });
    expect(refused).toContain('refused the login');
    expect(refused).toMatch(/id="restore-s3-secret"[^>]*aria-invalid="true"/);
  });
});

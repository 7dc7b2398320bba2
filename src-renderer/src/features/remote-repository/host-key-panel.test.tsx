// @vitest-environment happy-dom
import type { HelperSettings } from '@contract';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeApi, ok } from '../../api/testing/fake-api';
import { HostKeyPanel } from './host-key-panel';
import { createHostKeyStore } from './host-key-store';
import {
  earlierFingerprint,
  fakeSftpServer,
  hostKeyState,
  presentedFingerprint,
  sftpLocation,
} from './test-fixtures';

// React asks test environments to declare themselves, so that act() flushes updates synchronously.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const settings: HelperSettings = {
  repository: sftpLocation,
  snapshotLocation: null,
  passwordFile: null,
  retention: null,
  sshKeyFile: null,
  trustedHostKeys: [],
  s3CredentialsFile: null,
};

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

async function mounted(options: { trusted?: string | null } = {}) {
  const api = fakeApi();
  fakeSftpServer(api, { settings, trusted: options.trusted ?? null });
  const store = createHostKeyStore(api);
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() => root.render(<HostKeyPanel store={store} heading="h3" />));
  await act(() => store.getState().look(sftpLocation));
  cleanup = () => {
    act(() => root.unmount());
    container.remove();
  };
  const get = (testId: string) => container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  /** Clicks and lets the requests it started (trust, then the read after it) answer. */
  const click = async (testId: string) => {
    await act(async () => {
      get(testId)?.click();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  };
  return { api, store, container, get, click };
}

describe('host key panel', () => {
  it('shows where, the key type and the fingerprint to compare, and trusts the one shown', async () => {
    const { api, get, click, container } = await mounted();
    expect(get('host-key-status')?.dataset.status).toBe('unknown');
    expect(get('host-key-status')?.textContent).toContain('Not trusted yet');
    expect(get('host-key-server')?.textContent).toBe('nas.example.net:2222');
    expect(get('host-key-algorithm')?.textContent).toBe('ssh-ed25519');
    expect(get('host-key-fingerprint')?.tagName).toBe('CODE');
    expect(get('host-key-fingerprint')?.textContent).toBe(presentedFingerprint);
    expect(container.textContent).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    expect(container.querySelector('button')?.textContent).toBe('Copy the fingerprint');
    expect(get('host-key-changed-warning')).toBeNull();

    expect(get('host-key-trust')?.textContent).toBe('Trust this host key');
    await click('host-key-trust');
    expect(api.paramsOf('repository.trustHostKey')).toEqual([
      { host: 'nas.example.net', port: 2222, fingerprint: presentedFingerprint },
    ]);
    expect(get('host-key-status')?.dataset.status).toBe('trusted');
    expect(get('host-key-trust')).toBeNull();
    expect(get('host-key-notice')?.textContent).toContain(`Trusted ${presentedFingerprint}`);
  });

  it('a changed key: both fingerprints, a strong warning, and nothing trusted until confirmed', async () => {
    const { api, get, click } = await mounted({ trusted: earlierFingerprint });
    expect(get('host-key-status')?.dataset.status).toBe('changed');
    expect(get('host-key-fingerprint')?.textContent).toBe(presentedFingerprint);
    expect(get('host-key-trusted-fingerprint')?.textContent).toBe(earlierFingerprint);
    expect(get('host-key-changed-warning')?.getAttribute('role')).toBe('alert');
    expect(get('host-key-changed-warning')?.textContent).toMatch(/reinstalled.*pretending to be it/);
    const trust = get('host-key-trust');
    expect(trust?.textContent).toBe('Trust the new host key');
    expect(trust?.getAttribute('aria-disabled')).toBe('true');

    await click('host-key-trust');
    expect(api.paramsOf('repository.trustHostKey')).toEqual([]);
    expect(get('host-key-trust-refusal')?.dataset.code).toBe('CONFIRMATION_REQUIRED');

    await click('host-key-confirm-change');
    expect(get('host-key-trust')?.getAttribute('aria-disabled')).toBe('false');
    await click('host-key-trust');
    expect(api.paramsOf('repository.trustHostKey')).toEqual([
      { host: 'nas.example.net', port: 2222, fingerprint: presentedFingerprint },
    ]);
    expect(get('host-key-status')?.dataset.status).toBe('trusted');
  });

  it('shows REPO_UNREACHABLE with its message and asks again on “Try again”', async () => {
    const { api, store, get, container } = await mounted();
    api.handle('repository.hostKey', () => ({
      ok: false,
      code: 'REPO_UNREACHABLE',
      message: 'connect ECONNREFUSED 127.0.0.1:2222',
    }));
    await act(() => store.getState().look(sftpLocation));
    expect(get('host-key-error')?.dataset.code).toBe('REPO_UNREACHABLE');
    expect(get('host-key-error')?.textContent).toContain('connect ECONNREFUSED 127.0.0.1:2222');
    expect(get('host-key-error')?.textContent).toContain('could not be reached');
    api.handle('repository.hostKey', () => ok(hostKeyState({ status: 'known-host' })));
    const retry = [...container.querySelectorAll('button')].find((b) => b.textContent === 'Try again');
    await act(async () => {
      retry?.click();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(get('host-key-status')?.dataset.status).toBe('known-host');
    expect(get('host-key-status')?.textContent).toContain("helper's known_hosts");
    expect(get('host-key-trust')).toBeNull();
  });
});

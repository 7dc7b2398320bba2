/** Sample host keys and a fake SFTP server behind the helper (on the shared fake API) for the remote tests. */
import type { HelperSettings, HostKeyState, TrustedHostKey } from '@contract';
import { type FakeApi, ok } from '../../api/testing/fake-api';

export const presentedFingerprint = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';
export const earlierFingerprint = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
export const sftpLocation = 'sftp://backup@nas.example.net:2222//srv/repo';

export function hostKeyState(patch: Partial<HostKeyState> = {}): HostKeyState {
  return {
    host: 'nas.example.net',
    port: 2222,
    algorithm: 'ssh-ed25519',
    fingerprint: presentedFingerprint,
    status: 'unknown',
    trustedFingerprint: null,
    ...patch,
  };
}

/**
 * The helper's side of host keys, as the contract describes it: the server presents `presented`; `trusted` is what
 * the user trusted before (none, the same key, or an earlier one: changed). Trusting a fingerprint the server does
 * not present is refused with HOST_KEY_MISMATCH; trusting one replaces the earlier key.
 */
export function fakeSftpServer(
  api: FakeApi,
  options: { presented?: string; trusted?: string | null; settings: HelperSettings },
) {
  const presented = options.presented ?? presentedFingerprint;
  let trusted: TrustedHostKey | null =
    options.trusted === undefined || options.trusted === null
      ? null
      : { host: 'nas.example.net', port: 2222, fingerprint: options.trusted };
  api.handle('repository.hostKey', () =>
    ok(
      hostKeyState({
        fingerprint: presented,
        status: trusted === null ? 'unknown' : trusted.fingerprint === presented ? 'trusted' : 'changed',
        trustedFingerprint:
          trusted !== null && trusted.fingerprint !== presented ? trusted.fingerprint : null,
      }),
    ),
  );
  api.handle('repository.trustHostKey', (key) => {
    if (key.fingerprint !== presented)
      return {
        ok: false,
        code: 'HOST_KEY_MISMATCH',
        message: `nas.example.net:2222 presents ${presented}, not ${key.fingerprint}`,
      };
    trusted = key;
    return ok({ settings: { ...options.settings, trustedHostKeys: [key] } });
  });
  return { trusted: () => trusted };
}

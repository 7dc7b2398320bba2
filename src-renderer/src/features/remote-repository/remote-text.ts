/**
 * The words of remote repositories (SFTP and S3), shared by Settings and the restore wizard: what a host key's
 * status means, where the server keeps the key to compare with, and what the remote error codes mean. Pure
 * functions; the components only show what these return.
 */
import type { HostKeyState } from '@contract';

export interface HostKeyStatusView {
  /** The status in words (never colour alone). */
  label: string;
  icon: string;
  tone: 'ok' | 'warn' | 'error';
  /** What it means for the sessions and what, if anything, the user has to do. */
  explanation: string;
}

export const hostKeyStatusViews: Record<HostKeyState['status'], HostKeyStatusView> = {
  trusted: {
    label: 'Trusted',
    icon: '✓',
    tone: 'ok',
    explanation: 'You compared this key and trusted it: the helper connects to this server.',
  },
  'known-host': {
    label: 'Known host',
    icon: '✓',
    tone: 'ok',
    explanation:
      "This key is in the helper's known_hosts file, so the helper connects to this server without asking.",
  },
  unknown: {
    label: 'Not trusted yet',
    icon: '!',
    tone: 'warn',
    explanation:
      'The helper has never seen this server. It connects only after you compared this fingerprint with the server’s own and trusted it.',
  },
  changed: {
    label: 'Changed',
    icon: '✕',
    tone: 'error',
    explanation:
      'This server now presents a different key from the one you trusted. The helper refuses to connect until you decide.',
  },
};

/**
 * The public key file on the server that `ssh-keygen -lf` reads to show the same fingerprint: sshd keeps one per
 * key type (ssh-ed25519 → ssh_host_ed25519_key.pub, ecdsa-sha2-nistp256 → ssh_host_ecdsa_key.pub, rsa…).
 */
export function serverKeyFile(algorithm: string): string {
  const type = algorithm.includes('ed25519')
    ? 'ed25519'
    : algorithm.startsWith('ecdsa')
      ? 'ecdsa'
      : algorithm.includes('rsa')
        ? 'rsa'
        : 'ed25519';
  return `/etc/ssh/ssh_host_${type}_key.pub`;
}

/** The command to run on the server to see its own fingerprint. */
export function fingerprintCommand(algorithm: string): string {
  return `ssh-keygen -lf ${serverKeyFile(algorithm)}`;
}

/** "nas.example.net:22", "[2001:db8::1]:2222". */
export function hostAndPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** What a remote repository's error code means and what to try; null for codes that are not about the remote. */
export function remoteErrorHint(code: string): string | null {
  switch (code) {
    case 'REPO_UNREACHABLE':
      return 'The server could not be reached (refused, timed out, or the connection dropped). Check the host name, the port and the network between this machine and the server, then try again.';
    case 'AUTH_FAILED':
      return "The server refused the login. SFTP: the helper's SSH key file must be in the server's authorized_keys for that user. S3: check the access key ID and the secret, and that they may use this bucket.";
    case 'HOST_KEY_MISMATCH':
      return 'The server’s host key is not one you trusted (never seen, or changed). Compare its fingerprint with the server’s own before trusting it.';
    case 'QUOTA_EXCEEDED':
      return 'The storage refused to write more: the quota of the account or bucket is used up. Free space there (retention, a larger quota), then try again.';
    default:
      return null;
  }
}

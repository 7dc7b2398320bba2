/**
 * What host key an SSH server presents, found by starting a connection and refusing it at the host key check:
 * nothing is sent after the key exchange (no user name, no key), so asking costs the server nothing and trusts
 * nothing. The caller shows the fingerprint for the user to compare with the server's own (`ssh-keygen -lf`).
 */
import { Client } from 'ssh2';
import { EngineError } from '../errors';
import { hostKeyFingerprint } from './sftp-backend';

export interface PresentedHostKey {
  /** The key's type from its blob, such as `ssh-ed25519`. */
  algorithm: string;
  /** `SHA256:…` as OpenSSH prints it. */
  fingerprint: string;
  /** The key blob (as in known_hosts, base64-decoded). */
  key: Buffer;
}

/** The host key `host:port` presents; REPO_UNREACHABLE when no SSH server answers in `timeoutMs`. */
export function probeHostKey(host: string, port: number, timeoutMs = 15_000): Promise<PresentedHostKey> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: PresentedHostKey | null = null;
    const finish = (error: Error | null) => {
      client.removeAllListeners();
      // A late error from the socket being torn down must not go unhandled.
      client.on('error', () => undefined);
      client.end();
      if (presented !== null) resolve(presented);
      else reject(error ?? new EngineError('REPO_UNREACHABLE', `${host}:${port}: no host key was presented`));
    };
    client.on('error', (error) =>
      finish(
        presented === null
          ? new EngineError('REPO_UNREACHABLE', `${host}:${port}: ${error.message}`, { cause: error })
          : null,
      ),
    );
    client.on('close', () => finish(null));
    client.on('ready', () => finish(null));
    client.connect({
      host,
      port,
      // Never used: the connection ends at the host key check, before any authentication.
      username: 'host-key-probe',
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        presented = { algorithm: keyAlgorithm(key), fingerprint: hostKeyFingerprint(key), key };
        return false;
      },
    });
  });
}

/** The type name that starts an SSH public key blob (RFC 4253 §6.6: a string, then the key's fields). */
export function keyAlgorithm(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const length = key.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > key.length) return 'unknown';
  return key.subarray(4, 4 + length).toString('latin1');
}

/**
 * The SSH side of the SFTP backend: the connection, the host key check against known_hosts or pinned fingerprints,
 * and the few SFTP channels the backend takes in turn.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Client, type SFTPWrapper } from 'ssh2';
import { EngineError } from '../errors';
import type { SftpSession } from './sftp-pipeline';

export interface SftpLocation {
  host: string;
  port: number;
  user: string;
  /** Absolute path of the repository on the server. */
  path: string;
}

export interface SftpOptions extends SftpLocation {
  /** The private key (OpenSSH or PEM format); or `agent`. */
  privateKey?: Buffer | string;
  /** An SSH agent's socket (SSH_AUTH_SOCK), used when there is no private key. */
  agent?: string;
  passphrase?: string;
  /** known_hosts contents to check the host key against. */
  knownHosts?: string;
  /** Accepted host key fingerprints, `SHA256:…` as OpenSSH prints them (instead of, or besides, knownHosts). */
  hostKeyFingerprints?: readonly string[];
  /** SFTP channels to open on the connection (default 4; fewer when the server allows fewer). */
  channels?: number;
  /** Milliseconds to wait for the connection (default 20 s). */
  connectTimeoutMs?: number;
}

/**
 * SFTP channels opened on the one connection. Each has its own 2 MiB window (ssh2's, fixed) and its own sftp-server
 * on the server: with one, 8 MiB range reads on 127.0.0.1 ran at about half the speed of three or four (reads were
 * bound by the window; writes were not). sshd allows 10 sessions per connection by default (MaxSessions).
 */
const defaultChannels = 4;

/** `SHA256:…` of a host key blob, as OpenSSH prints it (base64 without padding). */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The host key blobs known_hosts lists for host:port (plain or hashed names; markers and comments skipped). */
export function knownHostKeys(knownHosts: string, host: string, port: number): Buffer[] {
  const names = port === 22 ? [host, `[${host}]:22`] : [`[${host}]:${port}`];
  const keys: Buffer[] = [];
  for (const raw of knownHosts.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('@')) continue;
    const [patterns, , key] = line.split(/\s+/);
    if (patterns === undefined || key === undefined) continue;
    if (patterns.split(',').some((pattern) => names.some((name) => hostMatches(pattern, name)))) {
      keys.push(Buffer.from(key, 'base64'));
    }
  }
  return keys;
}

function hostMatches(pattern: string, name: string): boolean {
  if (!pattern.startsWith('|1|')) return pattern === name;
  const [salt, hash] = pattern.slice(3).split('|');
  if (salt === undefined || hash === undefined) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

type SshError = Error & { level?: string };

/**
 * Connects, checks the host key, authenticates and opens the SFTP channels. `onGone` is called when the connection
 * drops after that (its requests in flight fail on their own; the caller opens a new connection for the next).
 */
export async function openSftpConnection(
  options: SftpOptions,
  location: string,
  onGone: () => void,
): Promise<SftpSession[]> {
  const { host, port, user } = options;
  const known = options.knownHosts === undefined ? [] : knownHostKeys(options.knownHosts, host, port);
  const pinned = new Set(options.hostKeyFingerprints ?? []);
  let offered: string | null = null;
  /** Set when the connection goes: its sessions' requests could no longer be answered. */
  let ended = false;
  /** The channels' own "gone" signals, all raised when the connection goes. */
  const channelsGone: (() => void)[] = [];
  const endConnection = () => {
    ended = true;
    onGone();
    for (const gone of channelsGone.splice(0)) gone();
  };
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    client.once('ready', () => {
      settled = true;
      resolve();
    });
    // Always listening: an error after the handshake (the server went away) must not go unhandled. Requests in
    // flight fail on their own; the connection is forgotten, and the next request opens a new one.
    client.on('error', (error: SshError) => {
      if (settled) {
        endConnection();
        return;
      }
      settled = true;
      if (offered !== null) {
        reject(
          new EngineError(
            'HOST_KEY_MISMATCH',
            `${host}:${port} presented host key ${offered}, which is not one trusted for it; refused. Compare it with the server's own fingerprint; only if they match, trust it (the app's Settings, helper-settings trust-host-key, or known_hosts for the command line)`,
            { cause: error },
          ),
        );
      } else if (error.level === 'client-authentication') {
        reject(
          new EngineError('AUTH_FAILED', `${user}@${host}:${port}: the server refused the key`, {
            cause: error,
          }),
        );
      } else {
        reject(new EngineError('REPO_UNREACHABLE', `${host}:${port}: ${error.message}`, { cause: error }));
      }
    });
    client.on('close', endConnection);
    try {
      startConnecting(options, client, known, pinned, (fingerprint) => {
        offered = fingerprint;
      });
    } catch (error) {
      // ssh2 checks the key before connecting: a key it cannot read is the caller's to fix.
      reject(
        new EngineError('INVALID_ARGUMENT', `the SSH key for ${user}@${host}: ${(error as Error).message}`),
      );
    }
  });
  const openChannel = async (): Promise<SftpSession> => {
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
      client.sftp((error, session) =>
        error
          ? reject(new EngineError('REPO_UNREACHABLE', `${location}: no SFTP: ${error.message}`))
          : resolve(session),
      ),
    );
    let channelEnded = false;
    const listeners = new Set<() => void>();
    const channelGone = () => {
      if (channelEnded) return;
      channelEnded = true;
      for (const listener of [...listeners]) listener();
      listeners.clear();
    };
    sftp.on('close', channelGone);
    channelsGone.push(channelGone);
    if (ended) channelGone();
    return {
      client,
      sftp,
      get closed() {
        return ended || channelEnded;
      },
      onGone(listener) {
        if (ended || channelEnded) {
          setImmediate(listener);
          return () => undefined;
        }
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  };
  const first = await openChannel();
  // The others are a speed-up only: a server that refuses more sessions (MaxSessions) is served with fewer.
  const more = await Promise.allSettled(
    Array.from({ length: Math.max(0, (options.channels ?? defaultChannels) - 1) }, openChannel),
  );
  return [first, ...more.flatMap((opened) => (opened.status === 'fulfilled' ? [opened.value] : []))];
}

function startConnecting(
  options: SftpOptions,
  client: Client,
  known: readonly Buffer[],
  pinned: ReadonlySet<string>,
  onRefused: (fingerprint: string) => void,
): void {
  const { host, port, user } = options;
  client.connect({
    host,
    port,
    username: user,
    ...(options.privateKey !== undefined ? { privateKey: options.privateKey } : {}),
    ...(options.agent !== undefined ? { agent: options.agent } : {}),
    ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
    readyTimeout: options.connectTimeoutMs ?? 20_000,
    hostVerifier: (key: Buffer) => {
      const fingerprint = hostKeyFingerprint(key);
      const accepted = pinned.has(fingerprint) || known.some((knownKey) => knownKey.equals(key));
      if (!accepted) onRefused(fingerprint);
      return accepted;
    },
  });
}

/** Reads a known_hosts file; an absent one is empty (then only pinned fingerprints are accepted). */
export async function readKnownHosts(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

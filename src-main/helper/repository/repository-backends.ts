/**
 * How the helper reaches a repository from its location (restic's notation) and its settings: a local folder,
 * an SFTP server logged into with the settings' key and checked against the host keys the user trusted (and the
 * helper's known_hosts), or S3 with the keys handed over or read from the credentials file. Sessions, the restore
 * wizard and the repository check all open repositories here, so they agree on what "trusted" means.
 */
import { homedir, userInfo } from 'node:os';
import path from 'node:path';
import type { Backend } from '../../engine/backend/backend';
import { LocalBackend } from '../../engine/backend/local-backend';
import { parseRepositoryLocation, type RepositoryLocation } from '../../engine/backend/repository-url';
import { knownHostKeys, readKnownHosts, SftpBackend } from '../../engine/backend/sftp-backend';
import { probeHostKey } from '../../engine/backend/sftp-host-key';
import { defaultSshKeyFile } from '../../engine/backend/ssh-default-key';
import { EngineError } from '../../engine/errors';
import type { HostKeyState, S3CredentialsParams } from '../../helper-protocol/protocol';
import type { HelperSettings, TrustedHostKey } from '../../helper-protocol/session-model';
import { readSecretFile } from '../settings/secret-file';
import { openS3Backend } from './s3-backend-access';
import { resolveS3Credentials } from './s3-credentials';

export interface RepositoryBackendsOptions {
  settings: () => Promise<HelperSettings>;
  /** The helper's environment: BACKUP_MANAGER_KNOWN_HOSTS, BACKUP_MANAGER_SSH_KEY, AWS_* keys. */
  env: NodeJS.ProcessEnv;
  /** Secret files may be owned by the helper's own user (development and tests). */
  testMode: boolean;
}

export type SftpRepositoryLocation = Extract<RepositoryLocation, { kind: 'sftp' }>;

export class RepositoryBackends {
  constructor(private readonly options: RepositoryBackendsOptions) {}

  /**
   * A backend for `location`, not yet connected (remote ones connect on first use, so a refused host key or key
   * comes with the first request: HOST_KEY_MISMATCH, AUTH_FAILED, REPO_UNREACHABLE). INVALID_ARGUMENT for a
   * malformed location or a relative local path.
   */
  async open(location: string, handedOver?: { s3Credentials?: S3CredentialsParams }): Promise<Backend> {
    const parsed = parseRepositoryLocation(location);
    const settings = await this.options.settings();
    switch (parsed.kind) {
      case 'local':
        if (!path.isAbsolute(parsed.path))
          throw new EngineError(
            'INVALID_ARGUMENT',
            `the repository must be an absolute path, not ${location}`,
          );
        return new LocalBackend(path.resolve(parsed.path));
      case 'sftp':
        return this.openSftp(parsed, settings);
      case 's3': {
        const credentials = await resolveS3Credentials({
          ...(handedOver?.s3Credentials ? { handedOver: handedOver.s3Credentials } : {}),
          credentialsFile: settings.s3CredentialsFile,
          env: this.options.env,
          testMode: this.options.testMode,
        });
        return openS3Backend(parsed, credentials, this.options.env);
      }
    }
  }

  /** The host key an SFTP repository's server presents now, and whether it is trusted (never trusts by itself). */
  async hostKey(location: string): Promise<HostKeyState> {
    const sftp = sftpLocation(location);
    return this.hostKeyAt(sftp.host, sftp.port);
  }

  /** The same for a server given by host and port. */
  async hostKeyAt(host: string, port: number): Promise<HostKeyState> {
    const settings = await this.options.settings();
    const presented = await probeHostKey(host, port);
    const trusted = trustedKeyOf(settings.trustedHostKeys, host, port);
    const known = knownHostKeys(await this.knownHosts(), host, port);
    const base = {
      host,
      port,
      algorithm: presented.algorithm,
      fingerprint: presented.fingerprint,
    };
    if (trusted?.fingerprint === presented.fingerprint)
      return { ...base, status: 'trusted', trustedFingerprint: trusted.fingerprint };
    // A key the user trusted wins over known_hosts: a different key now is a change, whatever known_hosts says.
    if (trusted !== undefined) return { ...base, status: 'changed', trustedFingerprint: trusted.fingerprint };
    if (known.some((key) => key.equals(presented.key)))
      return { ...base, status: 'known-host', trustedFingerprint: null };
    return { ...base, status: 'unknown', trustedFingerprint: null };
  }

  private async openSftp(location: SftpRepositoryLocation, settings: HelperSettings): Promise<Backend> {
    const trusted = trustedKeyOf(settings.trustedHostKeys, location.host, location.port);
    const keyFile = settings.sshKeyFile ?? this.options.env.BACKUP_MANAGER_SSH_KEY ?? defaultSshKeyFile();
    const agent = keyFile === undefined ? this.options.env.SSH_AUTH_SOCK : undefined;
    if (keyFile === undefined && agent === undefined)
      throw new EngineError(
        'AUTH_FAILED',
        `no SSH key to log in to ${location.host}: set the SSH key file (mode 0600) in the helper settings`,
      );
    let privateKey: Buffer | undefined;
    if (keyFile !== undefined) {
      const read = await readSecretFile(keyFile, { testMode: this.options.testMode });
      if (!read.ok) throw new EngineError('AUTH_FAILED', `the SSH key file: ${read.problem}`);
      privateKey = read.contents;
    }
    return new SftpBackend({
      host: location.host,
      port: location.port,
      user: location.user ?? userInfo().username,
      path: location.path,
      ...(privateKey !== undefined ? { privateKey } : {}),
      ...(agent !== undefined ? { agent } : {}),
      // A key the user trusted replaces known_hosts for that server, so a changed key is refused even if someone
      // added it to known_hosts; without one, known_hosts decides.
      ...(trusted !== undefined
        ? { hostKeyFingerprints: [trusted.fingerprint] }
        : { knownHosts: await this.knownHosts() }),
    });
  }

  private knownHosts(): Promise<string> {
    return readKnownHosts(
      this.options.env.BACKUP_MANAGER_KNOWN_HOSTS ?? path.join(homedir(), '.ssh', 'known_hosts'),
    );
  }
}

/** The SFTP location of `location`; INVALID_ARGUMENT when it is another kind. */
export function sftpLocation(location: string): SftpRepositoryLocation {
  const parsed = parseRepositoryLocation(location);
  if (parsed.kind !== 'sftp')
    throw new EngineError('INVALID_ARGUMENT', `${location} is not an SFTP location: it has no host key`);
  return parsed;
}

export function trustedKeyOf(
  trusted: readonly TrustedHostKey[],
  host: string,
  port: number,
): TrustedHostKey | undefined {
  return trusted.find((entry) => entry.host.toLowerCase() === host.toLowerCase() && entry.port === port);
}

/** The trusted keys with `entry` as the one for its server (host names compare without case, as DNS does). */
export function withTrustedKey(trusted: readonly TrustedHostKey[], entry: TrustedHostKey): TrustedHostKey[] {
  const others = trusted.filter(
    (other) => !(other.host.toLowerCase() === entry.host.toLowerCase() && other.port === entry.port),
  );
  return [...others, entry];
}

/**
 * The repositories the restore wizard has open. The wizard opens a repository once with its password
 * (`restore/open`) and names it by a random handle afterwards, so the key derivation (scrypt, seconds on purpose)
 * runs once per wizard and the password never crosses the socket again. The master key lives only in this
 * process's memory, inside the Repository, and is dropped when the handle is closed or has not been used for 30
 * minutes (a wizard left open overnight must not keep a decrypted key around). A restore job that is still running
 * keeps its own reference to the Repository; closing the handle does not pull the rug from under it.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Backend } from '../../engine/backend/backend';
import { parseRepositoryLocation } from '../../engine/backend/repository-url';
import { Repository } from '../../engine/repository/repository';
import type { S3CredentialsParams } from '../../helper-protocol/protocol';
import type { RestoreRepositoryInfo } from '../../helper-protocol/restore-model';
import { isSystemStateSnapshot } from './restore-catalog';
import { RestoreError } from './restore-error';

export const restoreHandleIdleMs = 30 * 60 * 1000;

export interface OpenedRepository {
  handle: string;
  /** The repository's location as opened: an absolute local path, or a remote location in restic's notation. */
  path: string;
  /** The local folder of a local repository (restores must not write into it); null for a remote one. */
  localPath: string | null;
  /** Opened with the password, index loaded. */
  repository: Repository;
}

/** Makes the backend of a location (the helper's RepositoryBackends: settings' keys and trusted host keys). */
export type OpenBackend = (
  location: string,
  handedOver: { s3Credentials?: S3CredentialsParams },
) => Promise<Backend>;

export interface RestoreRepositoriesOptions {
  openBackend: OpenBackend;
  /** Milliseconds since some epoch (default Date.now); tests move it. */
  clock?: () => number;
  /** Idle time after which a handle expires (default 30 minutes). */
  idleMs?: number;
  /**
   * How often expired handles are swept even when no request comes (default: a tenth of idleMs). Without the
   * sweep, the key of a wizard that was simply abandoned would stay in memory until the next request.
   */
  sweepIntervalMs?: number;
}

interface Entry extends OpenedRepository {
  lastUsed: number;
}

export class RestoreRepositories {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: () => number;
  private readonly idleMs: number;
  private readonly sweepIntervalMs: number;
  private sweeper: NodeJS.Timeout | null = null;

  private readonly openBackend: OpenBackend;

  constructor(options: RestoreRepositoriesOptions) {
    this.openBackend = options.openBackend;
    this.clock = options.clock ?? Date.now;
    this.idleMs = options.idleMs ?? restoreHandleIdleMs;
    this.sweepIntervalMs = options.sweepIntervalMs ?? Math.max(1000, Math.floor(this.idleMs / 10));
  }

  /**
   * Opens the repository at `repository` (an absolute local path, or sftp:/s3: in restic's notation) with
   * `password` and loads its index. The engine's errors come through with their codes: WRONG_PASSWORD,
   * NOT_A_REPOSITORY (no repository there), CORRUPT (a damaged config or key file), IO_ERROR, and for remote ones
   * REPO_UNREACHABLE, AUTH_FAILED, HOST_KEY_MISMATCH.
   */
  async open(
    repository: string,
    password: string,
    handedOver: { s3Credentials?: S3CredentialsParams } = {},
  ): Promise<RestoreRepositoryInfo> {
    const parsed = parseRepositoryLocation(repository);
    if (parsed.kind === 'local' && !path.isAbsolute(parsed.path))
      throw new RestoreError(
        'INVALID_PARAMS',
        `the repository must be an absolute local path or a remote location (sftp:…, s3:…), got ${JSON.stringify(repository)}`,
      );
    const localPath = parsed.kind === 'local' ? path.resolve(parsed.path) : null;
    const location = localPath ?? repository;
    const backend = await this.openBackend(location, handedOver);
    let opened: Repository;
    let systemStateSessions = 0;
    try {
      opened = await Repository.open(backend, password);
      await opened.loadIndex();
      for (const { snapshot } of await opened.listSnapshots())
        if (isSystemStateSnapshot(snapshot)) systemStateSessions++;
    } catch (error) {
      await backend.close();
      throw error;
    }
    this.sweepExpired();
    const handle = randomBytes(16).toString('hex');
    this.entries.set(handle, {
      handle,
      path: location,
      localPath,
      repository: opened,
      lastUsed: this.clock(),
    });
    this.startSweeper();
    return {
      handle,
      repository,
      repositoryId: opened.config.id,
      systemStateSessions,
    };
  }

  /** The repository of `handle`; each use restarts its idle time. RESTORE_HANDLE_UNKNOWN when closed or expired. */
  get(handle: string): OpenedRepository {
    this.sweepExpired();
    const entry = this.entries.get(handle);
    if (entry === undefined)
      throw new RestoreError(
        'RESTORE_HANDLE_UNKNOWN',
        'this repository is not open (it was closed, the helper restarted, or it was not used for 30 minutes): open it again with its password',
      );
    entry.lastUsed = this.clock();
    return {
      handle: entry.handle,
      path: entry.path,
      localPath: entry.localPath,
      repository: entry.repository,
    };
  }

  /** Forgets the handle (and with it the key); false when it was not open. */
  close(handle: string): boolean {
    const entry = this.entries.get(handle);
    if (entry === undefined) return false;
    this.forget(entry);
    return true;
  }

  /** Forgets every handle (the helper is stopping). */
  closeAll(): void {
    for (const entry of [...this.entries.values()]) this.forget(entry);
  }

  /** How many handles are open (expired ones are swept first). */
  get size(): number {
    this.sweepExpired();
    return this.entries.size;
  }

  /** Forgets the handles idle for longer than the idle time; returns how many. Also run by a timer. */
  sweepExpired(): number {
    const now = this.clock();
    let swept = 0;
    for (const entry of [...this.entries.values()])
      if (now - entry.lastUsed >= this.idleMs) {
        this.forget(entry);
        swept++;
      }
    return swept;
  }

  private forget(entry: Entry): void {
    this.entries.delete(entry.handle);
    // Closes cached read handles only; a job still reading through this Repository opens them again. A read
    // handle that fails to close leaves nothing to repair (the files are read-only to us), so it is not reported.
    void entry.repository.backend.close().catch(() => undefined);
    if (this.entries.size === 0) this.stopSweeper();
  }

  private startSweeper(): void {
    if (this.sweeper !== null) return;
    this.sweeper = setInterval(() => this.sweepExpired(), this.sweepIntervalMs);
    // The helper's lifetime is decided by its server, not by this housekeeping.
    this.sweeper.unref();
  }

  private stopSweeper(): void {
    if (this.sweeper === null) return;
    clearInterval(this.sweeper);
    this.sweeper = null;
  }
}

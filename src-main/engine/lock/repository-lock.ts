/**
 * Taking a lock on a repository with restic 0.14's protocol, so restic and this engine keep out of each other's
 * way: look for conflicting locks, write ours, wait a moment for writers that raced us, look again (and withdraw
 * on a conflict). Many non-exclusive locks may coexist; an exclusive lock tolerates no other lock.
 *
 * Like restic 0.14, a conflicting lock counts even when it is stale: stale locks are removed only by `unlock`, a
 * deliberate act, never taken over silently.
 */
import { EngineError, isEngineError } from '../errors';
import { type Id, shortId } from '../ids';
import type { Repository } from '../repository/repository';
import { formatRfc3339Nano } from '../repository/rfc3339';
import { rememberLeftBehindLock, removeLeftBehindLocks } from './left-behind-locks';
import { type LockRecord, newLockRecord, type StoredLock, saveLock } from './lock-file';
import { describeLock, readLocks } from './lock-listing';
import { lockStaleness } from './lock-staleness';
import { holdSighupGuard } from './sighup-guard';

/** How long restic waits between writing its lock and looking for racing writers. */
export const recheckDelayMs = 200;
/** How often a held lock is rewritten; well inside the 30 minutes after which it would count as stale. */
export const refreshIntervalMs = 5 * 60_000;

export interface LockOptions {
  exclusive: boolean;
  /** Cancels taking the lock (not a lock already held: release it). */
  signal?: AbortSignal;
  /** Unreadable lock files that are ignored, a failed refresh. Default: process warnings. */
  onWarning?: (message: string) => void;
  /** Shorter intervals for tests. */
  recheckDelayMs?: number;
  refreshIntervalMs?: number;
}

export interface RepositoryLock {
  readonly exclusive: boolean;
  /** Our current lock file (a refresh replaces it). */
  readonly lockFileId: Id;
  /** Stops refreshing and deletes our lock file. Calling it again does nothing. */
  release(): Promise<void>;
}

/** Takes a lock or fails with REPO_LOCKED naming the holder of a conflicting lock (CANCELLED through `signal`). */
export async function acquireLock(repository: Repository, options: LockOptions): Promise<RepositoryLock> {
  const warn = warningSink(options);
  const location = repository.backend.location;
  throwIfCancelled(options.signal, location);
  const record = newLockRecord(options.exclusive);
  // Before looking for conflicts: our own lock from an attempt the storage cut short would be one.
  await removeLeftBehindLocks(location, (id) => repository.backend.remove({ type: 'lock', name: id }), warn);

  const before = await findConflict(repository, options.exclusive, undefined, warn);
  if (before !== undefined) throw lockedError(location, before);

  // From the moment our lock file exists, a `restic unlock` on this machine probes us with SIGHUP.
  const releaseGuard = holdSighupGuard();
  let id: Id;
  try {
    id = await saveLock(repository, record);
  } catch (error) {
    releaseGuard();
    throw error;
  }
  let conflict: StoredLock | undefined;
  try {
    await sleep(options.recheckDelayMs ?? recheckDelayMs, options.signal, location);
    conflict = await findConflict(repository, options.exclusive, id, warn);
  } catch (error) {
    throw await withdraw(repository, id, error, releaseGuard);
  }
  if (conflict !== undefined) {
    throw await withdraw(repository, id, lockedError(location, conflict), releaseGuard);
  }
  return new HeldLock(repository, id, record, {
    warn,
    releaseGuard,
    intervalMs: options.refreshIntervalMs ?? refreshIntervalMs,
  });
}

/** Runs `fn` under a lock and releases it afterwards, whether `fn` succeeds or fails. */
export async function withLock<T>(
  repository: Repository,
  options: LockOptions,
  fn: (lock: RepositoryLock) => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(repository, options);
  let result: T;
  try {
    result = await fn(lock);
  } catch (error) {
    // The operation's own error is the one that matters; a lock left behind is reported, and turns stale.
    await lock.release().catch((releaseError: unknown) => {
      warningSink(options)((releaseError as Error).message);
    });
    throw error;
  }
  await lock.release();
  return result;
}

function warningSink(options: LockOptions): (message: string) => void {
  return options.onWarning ?? ((message) => process.emitWarning(message, 'RepositoryLock'));
}

/** restic's rule: an exclusive lock conflicts with any other lock; a non-exclusive one with exclusive locks. */
async function findConflict(
  repository: Repository,
  exclusive: boolean,
  ownId: Id | undefined,
  warn: (message: string) => void,
): Promise<StoredLock | undefined> {
  const locks = readLocks(repository, {
    except: ownId,
    onUnreadable: ({ id, reason }) =>
      warn(
        `${repository.backend.location}: ignoring lock file ${shortId(id)}, it cannot be read (${reason})`,
      ),
  });
  for await (const other of locks) {
    if (exclusive || other.lock.exclusive) return other;
  }
  return undefined;
}

function lockedError(location: string, holder: StoredLock): EngineError {
  const advice = lockStaleness(holder.lock).stale
    ? 'if no operation is running there any more, remove stale locks with unlock'
    : 'try again when that operation has finished';
  return new EngineError(
    'REPO_LOCKED',
    `${location}: the repository is already locked: ${describeLock(holder)}; ${advice}`,
  );
}

/**
 * Deletes the lock file we wrote; returns the error to throw, noting a lock file that could not be deleted (then
 * SIGHUP stays ignored: the file left behind still names this process).
 */
async function withdraw(
  repository: Repository,
  id: Id,
  reason: unknown,
  releaseGuard: () => void,
): Promise<unknown> {
  try {
    await repository.backend.remove({ type: 'lock', name: id });
    releaseGuard();
    return reason;
  } catch (removeError) {
    if (!isEngineError(reason)) return reason;
    return new EngineError(
      reason.code,
      `${reason.message}; our lock file ${shortId(id)} could not be removed either ` +
        `(${(removeError as Error).message}), it turns stale when this process ends`,
      { cause: reason },
    );
  }
}

function cancelledError(location: string): EngineError {
  return new EngineError('CANCELLED', `${location}: taking the repository lock was cancelled`);
}

function throwIfCancelled(signal: AbortSignal | undefined, location: string): void {
  if (signal?.aborted) throw cancelledError(location);
}

function sleep(ms: number, signal: AbortSignal | undefined, location: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError(location));
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError(location));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A lock this process holds: refreshed on a timer until released. */
class HeldLock implements RepositoryLock {
  readonly exclusive: boolean;
  private current: Id;
  private released = false;
  /** The refresh in progress (never rejects): release waits for it so the file it writes is deleted too. */
  private refreshing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  private readonly warn: (message: string) => void;
  private readonly releaseGuard: () => void;

  constructor(
    private readonly repository: Repository,
    id: Id,
    private record: LockRecord,
    options: { warn: (message: string) => void; releaseGuard: () => void; intervalMs: number },
  ) {
    this.exclusive = record.exclusive;
    this.current = id;
    this.warn = options.warn;
    this.releaseGuard = options.releaseGuard;
    this.timer = setInterval(() => {
      this.refreshing = this.refreshing.then(() => this.refresh());
    }, options.intervalMs);
    // The operation under the lock keeps the process alive; the refresh timer alone must not.
    this.timer.unref();
  }

  get lockFileId(): Id {
    return this.current;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.refreshing;
    try {
      await this.repository.backend.remove({ type: 'lock', name: this.current });
      // Only once the file is gone: one left behind still names this process for restic's SIGHUP probe.
      this.releaseGuard();
    } catch (error) {
      // The next lock this process takes there removes it (left-behind-locks.ts).
      rememberLeftBehindLock(this.repository.backend.location, this.current, this.releaseGuard);
      throw new EngineError(
        isEngineError(error) ? error.code : 'IO_ERROR',
        `${this.repository.backend.location}: cannot remove our lock file ${shortId(this.current)} ` +
          `(${(error as Error).message}); it is removed the next time this process locks the repository, ` +
          'turns stale when this process ends, or can be removed with unlock',
        { cause: error },
      );
    }
  }

  /** restic's Lock.Refresh: a new lock file with the current time, then the old one deleted. */
  private async refresh(): Promise<void> {
    if (this.released) return;
    const location = this.repository.backend.location;
    const record = { ...this.record, time: formatRfc3339Nano(new Date()) };
    let id: Id;
    try {
      id = await saveLock(this.repository, record);
    } catch (error) {
      this.warn(
        `${location}: cannot refresh lock file ${shortId(this.current)} (${(error as Error).message}); ` +
          'others may treat it as stale 30 minutes after it was last written',
      );
      return;
    }
    const old = this.current;
    this.current = id;
    this.record = record;
    try {
      await this.repository.backend.remove({ type: 'lock', name: old });
    } catch (error) {
      this.warn(
        `${location}: refreshed the lock, but the previous lock file ${shortId(old)} could not be removed ` +
          `(${(error as Error).message}); it turns stale in 30 minutes`,
      );
    }
  }
}

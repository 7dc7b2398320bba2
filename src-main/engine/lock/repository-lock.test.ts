import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { FileHandle } from '../backend/backend';
import { MemoryBackend } from '../backend/memory-backend';
import { encrypt } from '../crypto/container';
import { generateMasterKey } from '../crypto/master-key';
import { EngineError } from '../errors';
import { type Id, idOf, shortId } from '../ids';
import { Repository } from '../repository/repository';
import { failure } from '../testing/engine-failure';
import { type LockRecord, loadLock, saveLock } from './lock-file';
import { removeLocks } from './lock-removal';
import { acquireLock, type LockOptions, withLock } from './repository-lock';

const options = { chunkerPolynomial: 0x3da3358b4dc173n, kdf: { N: 1024, r: 8, p: 1 } };
const fast = { recheckDelayMs: 5 };

/** A memory backend with hooks around writes and reads, to stage races. */
class HookedBackend extends MemoryBackend {
  afterWrite: ((file: FileHandle) => Promise<void>) | undefined;
  beforeRead: ((file: FileHandle) => Promise<void>) | undefined;

  override async write(file: FileHandle, data: Parameters<MemoryBackend['write']>[1]): Promise<void> {
    await super.write(file, data);
    await this.afterWrite?.(file);
  }

  override async read(file: FileHandle, range?: { offset: number; length?: number }): Promise<Buffer> {
    await this.beforeRead?.(file);
    return super.read(file, range);
  }
}

async function newRepository() {
  const backend = new HookedBackend();
  return { backend, repository: await Repository.init(backend, 'pw', options) };
}

function otherLock(fields: Partial<LockRecord> = {}): LockRecord {
  return {
    time: new Date().toISOString(),
    exclusive: false,
    hostname: 'other-host',
    username: 'alice',
    pid: 4242,
    uid: 1000,
    gid: 1000,
    ...fields,
  };
}

async function lockFiles(repository: Repository): Promise<Id[]> {
  const ids: Id[] = [];
  for await (const file of repository.backend.list('lock')) ids.push(file.name);
  return ids.sort();
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await delay(10);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('acquireLock: restic’s conflict rules', () => {
  it('non-exclusive locks coexist; an exclusive lock is refused, naming the holder', async () => {
    const { repository } = await newRepository();
    const theirs = await saveLock(repository, otherLock());
    const ours = await acquireLock(repository, { exclusive: false, ...fast });
    expect(await lockFiles(repository)).toEqual([theirs, ours.lockFileId].sort());
    await ours.release();

    const refused = await failure(acquireLock(repository, { exclusive: true, ...fast }));
    expect(refused.code).toBe('REPO_LOCKED');
    for (const part of ['non-exclusive', 'PID 4242', 'other-host', 'alice', 'ago', shortId(theirs)]) {
      expect(refused.message).toContain(part);
    }
    expect(await lockFiles(repository)).toEqual([theirs]);
  });

  it('an exclusive lock of another process refuses every lock', async () => {
    const { repository } = await newRepository();
    const theirs = await saveLock(repository, otherLock({ exclusive: true }));
    for (const exclusive of [false, true]) {
      const refused = await failure(acquireLock(repository, { exclusive, ...fast }));
      expect(refused.code).toBe('REPO_LOCKED');
      expect(refused.message).toContain('an exclusive lock held by PID 4242 on other-host');
    }
    expect(await lockFiles(repository)).toEqual([theirs]);
  });

  it('as restic 0.14, a stale exclusive lock still refuses until it is removed (the message says it is stale)', async () => {
    const { repository } = await newRepository();
    await saveLock(repository, otherLock({ exclusive: true, time: '2020-01-01T00:00:00Z' }));
    const refused = await failure(acquireLock(repository, { exclusive: false, ...fast }));
    expect(refused.code).toBe('REPO_LOCKED');
    expect(refused.message).toMatch(/it is stale \(not refreshed for \d+h\d+m\d+s\).*unlock/);

    expect((await removeLocks(repository, { all: false })).removed).toHaveLength(1);
    const ours = await acquireLock(repository, { exclusive: false, ...fast });
    await ours.release();
  });

  it('a stale non-exclusive lock lets non-exclusive locks in, but still keeps an exclusive one out', async () => {
    const { repository } = await newRepository();
    await saveLock(repository, otherLock({ time: '2020-01-01T00:00:00Z' }));
    await (await acquireLock(repository, { exclusive: false, ...fast })).release();
    expect((await failure(acquireLock(repository, { exclusive: true, ...fast }))).code).toBe('REPO_LOCKED');
  });

  it('withdraws its lock when a conflicting lock appears while it waits', async () => {
    const { backend, repository } = await newRepository();
    let rival: Id | undefined;
    backend.afterWrite = async (file) => {
      if (file.type !== 'lock' || rival !== undefined) return;
      rival = 'pending';
      rival = await saveLock(repository, otherLock({ exclusive: true }));
    };
    const refused = await failure(acquireLock(repository, { exclusive: false, ...fast }));
    expect(refused.code).toBe('REPO_LOCKED');
    expect(await lockFiles(repository)).toEqual([rival]);
  });

  it('a lock file that vanishes between listing and reading is gone, not an error', async () => {
    const { backend, repository } = await newRepository();
    const theirs = await saveLock(repository, otherLock({ exclusive: true }));
    backend.beforeRead = async (file) => {
      if (file.type === 'lock' && file.name === theirs) await backend.remove(file);
    };
    const warnings: string[] = [];
    const ours = await acquireLock(repository, {
      exclusive: true,
      ...fast,
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings).toEqual([]);
    await ours.release();
  });

  it('ignores lock files it cannot read, as restic does, and reports each', async () => {
    const { backend, repository } = await newRepository();
    const garbage = Buffer.from('not a lock at all, not even encrypted');
    await backend.write({ type: 'lock', name: idOf(garbage) }, garbage);
    const foreign = encrypt(generateMasterKey(), Buffer.from('{"exclusive":true}'));
    await backend.write({ type: 'lock', name: idOf(foreign) }, foreign);
    const warnings: string[] = [];
    const ours = await acquireLock(repository, {
      exclusive: true,
      ...fast,
      onWarning: (w) => warnings.push(w),
    });
    // Reported in both rounds (before writing ours and after the wait), each naming the file.
    expect(warnings).toHaveLength(4);
    for (const id of [idOf(garbage), idOf(foreign)]) {
      expect(warnings.filter((w) => w.includes(`lock file ${shortId(id)}, it cannot be read`))).toHaveLength(
        2,
      );
    }
    await ours.release();
    const removal = await removeLocks(repository, { all: false });
    expect(removal.removed).toEqual([]);
    expect(removal.unreadable.map((u) => u.id).sort()).toEqual([idOf(garbage), idOf(foreign)].sort());
  });
});

describe('acquireLock: holding, refreshing, releasing', () => {
  it('refresh writes a new lock file with a newer time and deletes the old one', async () => {
    const { repository } = await newRepository();
    const lock = await acquireLock(repository, { exclusive: true, ...fast, refreshIntervalMs: 30 });
    const first = lock.lockFileId;
    const firstTime = Date.parse((await loadLock(repository, first)).time);
    await until(() => lock.lockFileId !== first, 'a refresh');
    await delay(20); // the old file is deleted right after the new one is written
    expect(await lockFiles(repository)).toEqual([lock.lockFileId]);
    const refreshed = await loadLock(repository, lock.lockFileId);
    expect(Date.parse(refreshed.time)).toBeGreaterThan(firstTime);
    expect(refreshed).toMatchObject({ exclusive: true, pid: process.pid, hostname: hostname() });
    await lock.release();
    expect(await lockFiles(repository)).toEqual([]);
    await lock.release(); // twice: nothing left to do, no error
  });

  it('release during a refresh deletes the file that refresh writes too', async () => {
    const { backend, repository } = await newRepository();
    const lock = await acquireLock(repository, { exclusive: false, ...fast, refreshIntervalMs: 20 });
    let refreshing = false;
    backend.afterWrite = async () => {
      refreshing = true;
      await delay(100);
    };
    await until(() => refreshing, 'a refresh to start');
    await lock.release();
    expect(await lockFiles(repository)).toEqual([]);
  });

  it('a failed refresh is a warning and keeps the lock', async () => {
    const { backend, repository } = await newRepository();
    const warnings: string[] = [];
    const lock = await acquireLock(repository, {
      exclusive: false,
      ...fast,
      refreshIntervalMs: 20,
      onWarning: (w) => warnings.push(w),
    });
    const id = lock.lockFileId;
    backend.afterWrite = async () => {
      throw new EngineError('NO_SPACE', 'disk full');
    };
    await until(() => warnings.length > 0, 'a refresh warning');
    expect(warnings[0]).toMatch(/cannot refresh lock file .*disk full.*stale/);
    expect(lock.lockFileId).toBe(id);
    backend.afterWrite = undefined;
    await lock.release();
  });

  it('cancellation while waiting withdraws the lock (CANCELLED); an aborted signal writes nothing', async () => {
    const { repository } = await newRepository();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const opts: LockOptions = { exclusive: true, recheckDelayMs: 5_000, signal: controller.signal };
    const started = Date.now();
    expect((await failure(acquireLock(repository, opts))).code).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await lockFiles(repository)).toEqual([]);
    expect((await failure(acquireLock(repository, opts))).code).toBe('CANCELLED');
    expect(await lockFiles(repository)).toEqual([]);
  });

  it('withLock releases after success and after failure', async () => {
    const { repository } = await newRepository();
    const held = await withLock(repository, { exclusive: true, ...fast }, async (lock) => {
      expect(await lockFiles(repository)).toEqual([lock.lockFileId]);
      return 'done';
    });
    expect(held).toBe('done');
    expect(await lockFiles(repository)).toEqual([]);
    const failed = withLock(repository, { exclusive: true, ...fast }, async () => {
      throw new Error('operation failed');
    });
    await expect(failed).rejects.toThrow('operation failed');
    expect(await lockFiles(repository)).toEqual([]);
  });
});

describe('removeLocks', () => {
  it('removes stale locks (old, or of a dead process here) and keeps live ones; `all` removes every file', async () => {
    const { backend, repository } = await newRepository();
    const dead = spawnSync(process.execPath, ['-e', '']).pid ?? 0;
    const old = await saveLock(repository, otherLock({ time: '2020-01-01T00:00:00Z' }));
    const deadHere = await saveLock(repository, otherLock({ hostname: hostname(), pid: dead }));
    const deadElsewhere = await saveLock(repository, otherLock({ pid: dead }));
    const ours = await acquireLock(repository, { exclusive: false, ...fast });
    const garbage = Buffer.from('garbage');
    await backend.write({ type: 'lock', name: idOf(garbage) }, garbage);

    const stale = await removeLocks(repository, { all: false });
    expect(stale.removed.sort()).toEqual([old, deadHere].sort());
    expect(stale.kept.map((k) => k.id).sort()).toEqual([deadElsewhere, ours.lockFileId].sort());
    expect(stale.unreadable.map((u) => u.id)).toEqual([idOf(garbage)]);

    const all = await removeLocks(repository, { all: true });
    expect(all.removed).toHaveLength(3);
    expect(await lockFiles(repository)).toEqual([]);
    await ours.release(); // its file is gone already: not an error
  });
});

describe('SIGHUP while a lock is held', () => {
  it('is ignored (restic unlock probes lock holders with it), and no longer once every lock is released', async () => {
    const { repository } = await newRepository();
    const listeners = process.listenerCount('SIGHUP');
    const first = await acquireLock(repository, { exclusive: false, ...fast });
    const second = await acquireLock(repository, { exclusive: false, ...fast });
    expect(process.listenerCount('SIGHUP')).toBe(listeners + 1);
    process.kill(process.pid, 'SIGHUP');
    await delay(50); // had it not been ignored, this worker would be gone
    await first.release();
    expect(process.listenerCount('SIGHUP')).toBe(listeners + 1);
    await second.release();
    expect(process.listenerCount('SIGHUP')).toBe(listeners);
    await saveLock(repository, otherLock({ exclusive: true }));
    await failure(acquireLock(repository, { exclusive: false, ...fast }));
    expect(process.listenerCount('SIGHUP')).toBe(listeners);
  });
});

describe('a lock the storage would not let us remove', () => {
  it('is removed the next time this process locks the repository, before conflicts are looked for', async () => {
    const { backend, repository } = await newRepository();
    const lock = await acquireLock(repository, { exclusive: false, ...fast });
    const leftBehind = lock.lockFileId;
    // The connection drops just as the lock is released.
    const remove = backend.remove.bind(backend);
    backend.remove = async () => {
      throw new EngineError('REPO_UNREACHABLE', 'connection lost');
    };
    await expect(lock.release()).rejects.toMatchObject({ code: 'REPO_UNREACHABLE' });
    backend.remove = remove;
    expect(await lockFiles(repository)).toEqual([leftBehind]);

    // Our own left-behind lock names a live process (this one): without the cleanup it would refuse an
    // exclusive lock for 30 minutes.
    const warnings: string[] = [];
    const exclusive = await acquireLock(repository, {
      exclusive: true,
      ...fast,
      onWarning: (message) => warnings.push(message),
    });
    expect(await lockFiles(repository)).toEqual([exclusive.lockFileId]);
    expect(warnings).toEqual([]);
    await exclusive.release();
    expect(await lockFiles(repository)).toEqual([]);
  });
});

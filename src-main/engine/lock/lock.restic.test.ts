/**
 * Locks against the real restic 0.14, both ways: restic honours the locks we write, we honour restic's, and each
 * side's unlock removes the other's stale locks. restic runs one process at a time: 0.14 can hang retrying a lock
 * file that another racing restic just removed (restic/restic#1523).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backend/local-backend';
import { parseChunkerPolynomial } from '../chunker/chunker-polynomial';
import { type Id, isId } from '../ids';
import { Repository } from '../repository/repository';
import { failure } from '../testing/engine-failure';
import {
  makeTempDir,
  removeTempDir,
  restic,
  resticBinary,
  resticOk,
  testPassword,
} from '../testing/restic-cli';
import { loadLock, newLockRecord, saveLock } from './lock-file';
import { readLocks } from './lock-listing';
import { removeLocks } from './lock-removal';
import { acquireLock, type RepositoryLock } from './repository-lock';

let work = '';
let source = '';
let counter = 0;
const children: ChildProcess[] = [];
const held: RepositoryLock[] = [];
const repositories: Repository[] = [];

beforeAll(async () => {
  work = await makeTempDir('locks-restic');
  source = path.join(work, 'src');
  await mkdir(source);
  await writeFile(path.join(source, 'file.txt'), 'some content\n');
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const lock of held.splice(0)) await lock.release();
});
afterAll(async () => {
  for (const repository of repositories) await repository.backend.close();
  await removeTempDir(work);
});

async function newRepository(): Promise<{ dir: string; repository: Repository }> {
  const dir = path.join(work, `repo-${++counter}`);
  const repository = await Repository.init(new LocalBackend(dir), testPassword, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
  repositories.push(repository);
  return { dir, repository };
}

async function hold(repository: Repository, exclusive: boolean, refreshIntervalMs?: number) {
  const lock = await acquireLock(repository, { exclusive, refreshIntervalMs });
  held.push(lock);
  return lock;
}

async function lockFiles(dir: string): Promise<Id[]> {
  return (await readdir(path.join(dir, 'locks'))).filter(isId).sort();
}

/** Starts restic with stdin left open (it blocks reading it) and waits until its lock file exists. */
async function startLockedRestic(args: string[], dir: string): Promise<{ child: ChildProcess; lockId: Id }> {
  const before = new Set(await lockFiles(dir));
  const child = spawn(resticBinary, ['--no-cache', ...args], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      RESTIC_REPOSITORY: dir,
      RESTIC_PASSWORD: testPassword,
    },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  for (let i = 0; i < 1000; i++) {
    const lockId = (await lockFiles(dir)).find((id) => !before.has(id));
    if (lockId !== undefined) return { child, lockId };
    if (child.exitCode !== null) break;
    await delay(10);
  }
  throw new Error(`restic ${args.join(' ')} took no lock: ${stderr}`);
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('restic honours our locks', () => {
  it('our exclusive lock: restic reads it as ours and refuses to back up until we release it', async () => {
    const { dir, repository } = await newRepository();
    const lock = await hold(repository, true);
    expect((await resticOk(['list', 'locks', '--no-lock'], { repo: dir })).stdout.trim()).toBe(
      lock.lockFileId,
    );
    const shown = JSON.parse(
      (await resticOk(['cat', 'lock', lock.lockFileId, '--no-lock'], { repo: dir })).stdout,
    );
    expect(shown).toEqual({ ...(await loadLock(repository, lock.lockFileId)) });
    expect(shown).toMatchObject({ exclusive: true, pid: process.pid, hostname: hostname() });

    const refused = await restic(['backup', source], { repo: dir });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`repository is already locked exclusively by PID ${process.pid}`);

    await lock.release();
    expect(await lockFiles(dir)).toEqual([]);
    expect((await restic(['backup', source], { repo: dir })).code).toBe(0);
  });

  it('our non-exclusive lock: restic backs up alongside it, but prune (exclusive) refuses', async () => {
    const { dir, repository } = await newRepository();
    const lock = await hold(repository, false);
    const backedUp = await restic(['backup', source], { repo: dir });
    expect(backedUp.code, backedUp.stderr).toBe(0);
    expect(await lockFiles(dir)).toEqual([lock.lockFileId]);

    const prune = await restic(['prune'], { repo: dir });
    expect(prune.code).not.toBe(0);
    expect(prune.stderr).toContain(`repository is already locked by PID ${process.pid}`);

    await lock.release();
    expect((await restic(['prune'], { repo: dir })).code).toBe(0);
  });

  it('a refreshed lock replaces the old file, and restic still honours it', async () => {
    const { dir, repository } = await newRepository();
    const lock = await hold(repository, true, 200);
    const first = lock.lockFileId;
    for (let i = 0; i < 300 && lock.lockFileId === first; i++) await delay(10);
    expect(lock.lockFileId).not.toBe(first);
    await delay(100); // the old file is deleted right after the new one is written
    expect(await lockFiles(dir)).toEqual([lock.lockFileId]);
    const refused = await restic(['backup', source], { repo: dir });
    expect(refused.stderr).toContain('repository is already locked exclusively');
  });

  it('restic unlock removes our stale locks (too old, dead process) and keeps our live one, whose process it probes with SIGHUP', async () => {
    const { dir, repository } = await newRepository();
    const live = await hold(repository, false);
    const old = await saveLock(repository, { ...newLockRecord(true), time: '2020-01-01T00:00:00Z' });
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid ?? 0;
    const dead = await saveLock(repository, { ...newLockRecord(false), pid: deadPid });
    expect(await lockFiles(dir)).toEqual([live.lockFileId, old, dead].sort());
    await resticOk(['unlock'], { repo: dir });
    expect(await lockFiles(dir)).toEqual([live.lockFileId]);
  });
});

describe('we honour restic’s locks', () => {
  it('a running restic backup (non-exclusive): we may back up alongside, not lock exclusively, not unlock it', async () => {
    const { dir, repository } = await newRepository();
    const { child, lockId } = await startLockedRestic(['backup', '--stdin', '--stdin-filename', 'x'], dir);
    const theirs = [];
    for await (const stored of readLocks(repository)) theirs.push(stored);
    expect(theirs).toEqual([
      {
        id: lockId,
        lock: expect.objectContaining({ exclusive: false, pid: child.pid, hostname: hostname() }),
      },
    ]);

    const refused = await failure(acquireLock(repository, { exclusive: true }));
    expect(refused.code).toBe('REPO_LOCKED');
    expect(refused.message).toContain(`a non-exclusive lock held by PID ${child.pid} on ${hostname()}`);
    await (await acquireLock(repository, { exclusive: false })).release();
    expect((await removeLocks(repository, { all: false })).removed).toEqual([]);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin?.end('data from stdin\n');
    expect(await exited).toBe(0);
    expect(await lockFiles(dir)).toEqual([]);
  });

  it('an exclusive lock of a killed restic refuses us (and restic) until our unlock removes it', async () => {
    const { dir, repository } = await newRepository();
    // `key passwd` takes an exclusive lock, then waits for the new password on stdin.
    const { child, lockId } = await startLockedRestic(['key', 'passwd'], dir);
    await kill(child);
    expect(await lockFiles(dir)).toEqual([lockId]);

    const refused = await failure(acquireLock(repository, { exclusive: false }));
    expect(refused.code).toBe('REPO_LOCKED');
    expect(refused.message).toContain(`an exclusive lock held by PID ${child.pid} on ${hostname()}`);
    expect(refused.message).toContain(`it is stale (process ${child.pid} is not running`);
    // restic 0.14 itself refuses this stale lock too: the rule we match.
    expect((await restic(['backup', source], { repo: dir })).stderr).toContain('already locked exclusively');

    expect((await removeLocks(repository, { all: false })).removed).toEqual([lockId]);
    expect(await lockFiles(dir)).toEqual([]);
    const lock = await acquireLock(repository, { exclusive: true });
    await lock.release();
  });
});

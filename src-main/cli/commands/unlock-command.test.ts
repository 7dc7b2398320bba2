/**
 * `backup-manager unlock`, and the locks `backup` and `restore` hold while they run (in-process through runCli),
 * with real restic locks and the real restic as a witness.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, readdir, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../engine/backend/local-backend';
import { parseChunkerPolynomial } from '../../engine/chunker/chunker-polynomial';
import { type Id, idOf, isId } from '../../engine/ids';
import { type LockRecord, newLockRecord, saveLock } from '../../engine/lock/lock-file';
import { acquireLock } from '../../engine/lock/repository-lock';
import { Repository } from '../../engine/repository/repository';
import {
  makeTempDir,
  removeTempDir,
  resticBinary,
  resticOk,
  testPassword,
} from '../../engine/testing/restic-cli';
import { runCli } from '../cli-runner';
import { commands } from './index';

let work = '';
let source = '';
let counter = 0;
const repositories: Repository[] = [];

beforeAll(async () => {
  work = await makeTempDir('cli-locks');
  source = path.join(work, 'src');
  await mkdir(source);
  await writeFile(path.join(source, 'hosts'), '127.0.0.1 localhost\n');
});
afterAll(async () => {
  for (const repository of repositories) await repository.backend.close();
  await removeTempDir(work);
});

function sink(onText?: (text: string) => void) {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      onText?.(String(chunk));
      done();
    },
  });
  return { stream, text: () => text };
}

async function run(argv: string[], signal = new AbortController().signal, onStdout?: (text: string) => void) {
  const stdout = sink(onStdout);
  const stderr = sink();
  const code = await runCli(commands, {
    argv,
    env: { BACKUP_MANAGER_PASSWORD: testPassword },
    stdout: stdout.stream,
    stderr: stderr.stream,
    signal,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

async function newRepository(): Promise<{ dir: string; repository: Repository }> {
  const dir = path.join(work, `repo-${++counter}`);
  const repository = await Repository.init(new LocalBackend(dir), testPassword, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
  repositories.push(repository);
  return { dir, repository };
}

async function lockFiles(dir: string): Promise<Id[]> {
  return (await readdir(path.join(dir, 'locks'))).filter(isId).sort();
}

const otherHostExclusive: LockRecord = {
  time: new Date().toISOString(),
  exclusive: true,
  hostname: 'other-host',
  username: 'alice',
  pid: 4242,
};

describe('backup-manager unlock', () => {
  it('removes stale locks (a killed restic’s, an old one), keeps live ones; --remove-all removes the rest', async () => {
    const { dir, repository } = await newRepository();
    // A restic backup that holds its lock while waiting on stdin, killed without a chance to clean up.
    const restic = spawn(resticBinary, ['--no-cache', 'backup', '--stdin'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        RESTIC_REPOSITORY: dir,
        RESTIC_PASSWORD: testPassword,
      },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    for (let i = 0; i < 1000 && (await lockFiles(dir)).length === 0; i++) await delay(10);
    const exited = new Promise((resolve) => restic.once('exit', resolve));
    restic.kill('SIGKILL');
    await exited;
    const [killed] = await lockFiles(dir);
    expect(killed).toBeDefined();
    const old = await saveLock(repository, { ...newLockRecord(false), time: '2020-01-01T00:00:00Z' });
    const live = await acquireLock(repository, { exclusive: false });
    const elsewhere = await saveLock(repository, otherHostExclusive);

    const stale = await run(['unlock', '--repo', dir]);
    expect(stale.code, stale.stderr).toBe(0);
    expect(stale.stdout).toContain('removed 2 stale locks');
    expect(stale.stdout).toContain(`kept a non-exclusive lock held by PID ${process.pid}`);
    expect(stale.stdout).toContain('kept an exclusive lock held by PID 4242 on other-host by alice');
    expect(await lockFiles(dir)).toEqual([live.lockFileId, elsewhere].sort());
    expect(await lockFiles(dir)).not.toContain(old);

    const all = await run(['unlock', '--repo', dir, '--remove-all', '--json']);
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout)).toMatchObject({ removed: 2, kept: 0, unreadable: 0 });
    expect((await resticOk(['list', 'locks', '--no-lock'], { repo: dir })).stdout).toBe('');
    await live.release();
  });

  it('warns about unreadable lock files and leaves them to --remove-all', async () => {
    const { dir, repository } = await newRepository();
    const garbage = randomBytes(64);
    await repository.backend.write({ type: 'lock', name: idOf(garbage) }, garbage);
    const stale = await run(['unlock', '--repo', dir]);
    expect(stale.code).toBe(0);
    expect(stale.stdout).toContain('removed 0 stale locks');
    expect(stale.stderr).toContain(`lock file ${idOf(garbage).slice(0, 8)} cannot be read`);
    expect((await run(['unlock', '--repo', dir, '--remove-all'])).stdout).toContain('removed 1 lock');
    expect(await lockFiles(dir)).toEqual([]);
  });
});

describe('backup and restore hold a non-exclusive lock', () => {
  it('backup: refused by an exclusive lock; runs beside a non-exclusive one; releases after success and failure', async () => {
    const { dir, repository } = await newRepository();
    const exclusive = await saveLock(repository, otherHostExclusive);
    const refused = await run(['backup', '--repo', dir, '--workers', '0', source]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /REPO_LOCKED: .*an exclusive lock held by PID 4242 on other-host by alice/,
    );
    expect(await lockFiles(dir)).toEqual([exclusive]);
    await repository.backend.remove({ type: 'lock', name: exclusive });

    const shared = await saveLock(repository, { ...otherHostExclusive, exclusive: false });
    const done = await run(['backup', '--repo', dir, '--workers', '0', '--json', source]);
    expect(done.code, done.stderr).toBe(0);
    expect(await lockFiles(dir)).toEqual([shared]);
    await repository.backend.remove({ type: 'lock', name: shared });
    await resticOk(['check'], { repo: dir });

    // A damaged index fails the backup after the lock is taken.
    const garbage = randomBytes(64);
    await repository.backend.write({ type: 'index', name: idOf(garbage) }, garbage);
    const failed = await run(['backup', '--repo', dir, '--workers', '0', source]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('CORRUPT');
    expect(await lockFiles(dir)).toEqual([]);
  });

  it('backup: releases its lock when cancelled', async () => {
    const { dir } = await newRepository();
    // A large sparse file: slow enough to back up that the cancellation lands in the middle, free on disk.
    const big = path.join(work, 'big');
    await mkdir(big, { recursive: true });
    const sparse = path.join(big, 'sparse');
    await writeFile(sparse, '');
    await truncate(sparse, 4 * 2 ** 30);
    const controller = new AbortController();
    let locksWhileRunning: Id[] = [];
    const cancelled = await run(
      ['backup', '--repo', dir, '--workers', '0', '--json', big],
      controller.signal,
      (text) => {
        // Reading starts while the lock is being taken (only writes wait for it): cancel once bytes were read
        // and the lock file exists, in the middle of the backup.
        if (controller.signal.aborted || !/"bytesDone":[1-9]/.test(text)) return;
        const locks = readdirSync(path.join(dir, 'locks')).filter(isId);
        if (locks.length === 0) return;
        locksWhileRunning = locks;
        controller.abort();
      },
    );
    expect(locksWhileRunning, cancelled.stdout.slice(0, 2000)).toHaveLength(1);
    expect(cancelled.code).toBe(1);
    expect(JSON.parse(cancelled.stderr.trim().split('\n').at(-1) ?? '')).toMatchObject({
      code: 'CANCELLED',
      message: expect.stringContaining('the backup was cancelled'),
    });
    expect(await lockFiles(dir)).toEqual([]);
  });

  it('restore: refused by an exclusive lock; releases after success and failure', async () => {
    const { dir, repository } = await newRepository();
    await resticOk(['backup', source], { repo: dir });
    const target = path.join(work, `restored-${counter}`);

    const exclusive = await saveLock(repository, otherHostExclusive);
    const refused = await run(['restore', '--repo', dir, 'latest', '--target', target]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/REPO_LOCKED: .*an exclusive lock held by PID 4242/);
    expect(await lockFiles(dir)).toEqual([exclusive]);
    await repository.backend.remove({ type: 'lock', name: exclusive });

    const done = await run(['restore', '--repo', dir, 'latest', '--target', target]);
    expect(done.code, done.stderr).toBe(0);
    expect(await lockFiles(dir)).toEqual([]);

    const missing = await run(['restore', '--repo', dir, 'deadbeef', '--target', target]);
    expect(missing.code).toBe(1);
    expect(await lockFiles(dir)).toEqual([]);
  });
});

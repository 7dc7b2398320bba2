import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../engine/backend/local-backend';
import { parseChunkerPolynomial } from '../../engine/chunker/chunker-polynomial';
import { newLockRecord, saveLock } from '../../engine/lock/lock-file';
import { readLocks } from '../../engine/lock/lock-listing';
import { Repository } from '../../engine/repository/repository';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import type { SessionLogger } from './session-context';
import { removeLocksOfDeadLocalProcesses } from './session-stale-locks';

let dir: string;
let storage: LocalBackend;
let repository: Repository;
const lines: string[] = [];
const log: SessionLogger = {
  log: (level, message) => lines.push(`${level}: ${message}`),
  info: (message) => lines.push(`info: ${message}`),
  warning: (message) => lines.push(`warning: ${message}`),
  error: (message) => lines.push(`error: ${message}`),
};

beforeEach(async () => {
  dir = await makeTempDir('stale-locks');
  storage = new LocalBackend(path.join(dir, 'repo'));
  repository = await Repository.init(storage, 'pw', {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
  lines.length = 0;
});

afterEach(async () => {
  await storage.close();
  await removeTempDir(dir);
});

describe('removeLocksOfDeadLocalProcesses', () => {
  it('removes only the locks of processes that died on this machine', async () => {
    // A process that has certainly exited: its PID is not running (unless reused within these milliseconds).
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(exited.stdout.toString());
    const dead = await saveLock(repository, { ...newLockRecord(false), pid: deadPid });
    const alive = await saveLock(repository, newLockRecord(true));
    const elsewhere = await saveLock(repository, {
      ...newLockRecord(false),
      hostname: 'another-machine',
      pid: deadPid,
    });

    expect(await removeLocksOfDeadLocalProcesses(repository, log)).toBe(1);
    const left: string[] = [];
    for await (const stored of readLocks(repository)) left.push(stored.id);
    expect(left.sort()).toEqual([alive, elsewhere].sort());
    expect(left).not.toContain(dead);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^info: Removed lock ${dead.slice(0, 8)} left behind: process ${deadPid} is not running`),
      ),
    ]);
  });
});

import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../backend/memory-backend';
import { decrypt } from '../crypto/container';
import { isEngineError } from '../errors';
import { Repository } from '../repository/repository';
import { decodeLock, encodeLock, type LockRecord, loadLock, newLockRecord, saveLock } from './lock-file';
import { formatAge, isProcessRunning, lockStaleness, staleAfterMs } from './lock-staleness';

const options = { chunkerPolynomial: 0x3da3358b4dc173n, kdf: { N: 1024, r: 8, p: 1 } };

/** The PID of a process that has exited (reaped), so nothing answers to it. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start a process');
  return child.pid;
}

describe('lock files', () => {
  it('encode in the field order of restic’s Lock struct, dropping zero uid/gid like omitempty', () => {
    const lock: LockRecord = {
      time: '2024-05-01T10:00:00.123456789Z',
      exclusive: true,
      hostname: 'h',
      username: 'u',
      pid: 42,
      uid: 1000,
      gid: 100,
    };
    expect(encodeLock(lock).toString()).toBe(
      '{"time":"2024-05-01T10:00:00.123456789Z","exclusive":true,"hostname":"h","username":"u","pid":42,"uid":1000,"gid":100}',
    );
    expect(encodeLock({ ...lock, uid: 0, gid: 0 }).toString()).toBe(
      '{"time":"2024-05-01T10:00:00.123456789Z","exclusive":true,"hostname":"h","username":"u","pid":42}',
    );
  });

  it('a new lock names this process, host and user', () => {
    const lock = newLockRecord(false, new Date('2024-05-01T10:00:00.5Z'));
    expect(lock).toMatchObject({ time: '2024-05-01T10:00:00.5Z', exclusive: false, pid: process.pid });
    expect(lock.hostname).toBe(hostname());
    expect(lock.username.length).toBeGreaterThan(0);
  });

  it('decode as leniently as Go: missing fields are zero values, unknown fields ignored', () => {
    expect(decodeLock({ pid: 7, extra: 1 }, 'x')).toEqual({
      time: '0001-01-01T00:00:00Z',
      exclusive: false,
      hostname: '',
      username: '',
      pid: 7,
    });
    expect(decodeLock({ time: '2024-05-01T12:00:00+02:00', uid: 0, gid: 5 }, 'x')).toMatchObject({
      time: '2024-05-01T12:00:00+02:00',
      gid: 5,
    });
  });

  it('a value of the wrong type is CORRUPT, naming the file', () => {
    for (const bad of [{ exclusive: 'yes' }, { time: 'yesterday' }, { pid: 1.5 }, [], null]) {
      let caught: unknown;
      try {
        decodeLock(bad, 'lock file abc');
      } catch (error) {
        caught = error;
      }
      expect(isEngineError(caught, 'CORRUPT'), JSON.stringify(bad)).toBe(true);
      expect((caught as Error).message).toContain('lock file abc');
    }
  });

  it('are stored as v2 unpacked files (0x02 ‖ zstd) and read back', async () => {
    const repository = await Repository.init(new MemoryBackend(), 'pw', options);
    const lock = newLockRecord(true);
    const id = await saveLock(repository, lock);
    const stored = await repository.backend.read({ type: 'lock', name: id });
    expect(decrypt(repository.key, stored, 'x')[0]).toBe(0x02);
    expect(await loadLock(repository, id)).toEqual(lock);
  });
});

describe('lock staleness', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const base: LockRecord = {
    time: '2024-05-01T11:59:00Z',
    exclusive: false,
    hostname: hostname(),
    username: 'u',
    pid: process.pid,
  };

  it('a lock older than 30 minutes is stale, wherever it comes from', () => {
    const old = new Date(now.getTime() - staleAfterMs - 1000).toISOString();
    expect(lockStaleness({ ...base, time: old, hostname: 'elsewhere' }, { now })).toMatchObject({
      stale: true,
      reason: 'age',
    });
    const recent = new Date(now.getTime() - staleAfterMs + 1000).toISOString();
    expect(lockStaleness({ ...base, time: recent }, { now })).toEqual({ stale: false });
  });

  it('a lock of a dead process is stale on this host only', () => {
    const pid = deadPid();
    expect(isProcessRunning(pid)).toBe(false);
    expect(lockStaleness({ ...base, pid }, { now })).toMatchObject({ stale: true, reason: 'process' });
    expect(lockStaleness({ ...base, pid, hostname: 'elsewhere' }, { now })).toEqual({ stale: false });
    expect(lockStaleness({ ...base, pid }, { now, hostname: undefined })).toEqual({ stale: false });
  });

  it('a lock of a running process (ours, or init) is not stale; PIDs that address groups count as dead', () => {
    expect(lockStaleness(base, { now })).toEqual({ stale: false });
    expect(isProcessRunning(1)).toBe(true);
    expect(isProcessRunning(0)).toBe(false);
    expect(isProcessRunning(-1)).toBe(false);
  });

  it('ages read like Go durations', () => {
    expect(formatAge(12_500)).toBe('12s');
    expect(formatAge(4 * 60_000)).toBe('4m0s');
    expect(formatAge(3_723_000)).toBe('1h2m3s');
  });
});

/**
 * Lock files (`locks/<id>`): unpacked files (encrypted, zstd in v2, like snapshots) holding restic 0.14's `Lock`
 * struct as JSON. Field order and `omitempty` match Go's json.Marshal of that struct, so restic reads ours and we
 * read restic's.
 */
import { hostname as osHostname, userInfo } from 'node:os';
import type { Id } from '../ids';
import { checkWith, JsonFields } from '../json-fields';
import type { Repository } from '../repository/repository';
import { formatRfc3339Nano, isRfc3339 } from '../repository/rfc3339';
import { parseJson } from '../repository/unpacked-file';

export interface LockRecord {
  /** When the lock was written or last refreshed (RFC 3339). */
  time: string;
  exclusive: boolean;
  hostname: string;
  username: string;
  pid: number;
  uid?: number;
  gid?: number;
}

/** A lock file as found in a repository. */
export interface StoredLock {
  id: Id;
  lock: LockRecord;
}

/** A lock for this process, as restic's newLock fills it: time, PID, hostname, and the user when known. */
export function newLockRecord(exclusive: boolean, now = new Date()): LockRecord {
  const record: LockRecord = {
    time: formatRfc3339Nano(now),
    exclusive,
    hostname: currentHostname() ?? '',
    username: '',
    pid: process.pid,
  };
  try {
    const user = userInfo();
    record.username = user.username;
    // Windows reports -1: no numeric IDs there, and restic leaves them out (zero, omitempty) as well.
    if (user.uid > 0) record.uid = user.uid;
    if (user.gid > 0) record.gid = user.gid;
  } catch {
    // No passwd entry for this user (containers): restic's user.Current() fails too and it writes no user.
  }
  return record;
}

/** This machine's name as restic's os.Hostname() reports it; undefined when it cannot be determined. */
export function currentHostname(): string | undefined {
  try {
    return osHostname();
  } catch {
    return undefined;
  }
}

/** JSON bytes of a lock file, in the field order of restic's Lock struct. */
export function encodeLock(lock: LockRecord): Buffer {
  const json: Record<string, unknown> = {
    time: lock.time,
    exclusive: lock.exclusive,
    hostname: lock.hostname,
    username: lock.username,
    pid: lock.pid,
  };
  // Go's omitempty drops a zero uint32.
  if (lock.uid) json.uid = lock.uid;
  if (lock.gid) json.gid = lock.gid;
  return Buffer.from(JSON.stringify(json), 'utf8');
}

/** Go's zero time: what restic sees when a lock has no time (it is then stale by age). */
const zeroTime = '0001-01-01T00:00:00Z';
const uint32 = { min: 0, max: 0xffff_ffff };

/**
 * Validates parsed lock JSON; CORRUPT naming `what` when it is not a lock. As lenient as Go's json.Unmarshal into
 * the struct: missing or null fields keep their zero value, unknown fields are ignored; a value of the wrong type
 * is an error.
 */
export function decodeLock(json: unknown, what: string): LockRecord {
  const fields = new JsonFields(json, what, 'lock');
  const lock: LockRecord = {
    time: fields.string('time', { check: checkWith(isRfc3339, 'not an RFC 3339 time') }) ?? zeroTime,
    exclusive: fields.boolean('exclusive') ?? false,
    hostname: fields.string('hostname') ?? '',
    username: fields.string('username') ?? '',
    pid: fields.integer('pid') ?? 0,
  };
  const uid = fields.integer('uid', uint32);
  const gid = fields.integer('gid', uint32);
  fields.done();
  if (uid) lock.uid = uid;
  if (gid) lock.gid = gid;
  return lock;
}

export function saveLock(repository: Repository, lock: LockRecord): Promise<Id> {
  return repository.saveUnpacked('lock', encodeLock(lock));
}

/** Reads and verifies one lock file: NOT_FOUND when it is gone, CORRUPT/WRONG_PASSWORD-like errors otherwise. */
export async function loadLock(repository: Repository, id: Id): Promise<LockRecord> {
  const what = `lock file ${id}`;
  return decodeLock(parseJson(await repository.loadUnpacked('lock', id), what), what);
}

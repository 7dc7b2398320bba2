/**
 * When a lock no longer protects anything (restic 0.14's Lock.Stale): its time is more than 30 minutes old (the
 * holder stopped refreshing), or it was written on this machine by a process that is not running any more.
 * A lock from another machine is only ever stale by age: its process cannot be seen from here.
 */
import { currentHostname, type LockRecord } from './lock-file';

export const staleAfterMs = 30 * 60_000;

export type Staleness = { stale: false } | { stale: true; reason: 'age' | 'process'; description: string };

export interface StalenessContext {
  now?: Date;
  /** This machine's hostname (undefined: unknown, so no lock counts as local). */
  hostname?: string | undefined;
  isProcessRunning?: (pid: number) => boolean;
}

export function lockStaleness(lock: LockRecord, context: StalenessContext = {}): Staleness {
  const now = context.now ?? new Date();
  const age = now.getTime() - Date.parse(lock.time);
  if (age > staleAfterMs) {
    return { stale: true, reason: 'age', description: `not refreshed for ${formatAge(age)}` };
  }
  const hostname = 'hostname' in context ? context.hostname : currentHostname();
  if (hostname === undefined || hostname !== lock.hostname) return { stale: false };
  const running = (context.isProcessRunning ?? isProcessRunning)(lock.pid);
  return running
    ? { stale: false }
    : { stale: true, reason: 'process', description: `process ${lock.pid} is not running on ${hostname}` };
}

/**
 * Whether a process exists, by sending it signal 0: ESRCH means gone; EPERM means it exists under another user.
 * (restic sends SIGHUP and counts EPERM as gone too; we keep such a lock, which errs on the safe side.)
 */
export function isProcessRunning(pid: number): boolean {
  // PID 0 and negative PIDs address process groups, never the holder; Go refuses them as well (stale).
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** A duration as Go prints it for humans, to whole seconds: `1h2m3s`, `4m0s`, `12s`. */
export function formatAge(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/**
 * restic tells whether the process behind a lock on this machine is alive by sending it SIGHUP (restic 0.14's
 * `unlock`; restic itself ignores SIGHUP for that reason). Node's default for SIGHUP is to exit, so while we hold a
 * lock a `restic unlock` run nearby would kill us mid-backup. We ignore SIGHUP for as long as a lock is held.
 */

let holders = 0;

function ignoreSighup(): void {
  // Deliberately nothing: having a listener replaces Node's default action (exit) for the signal.
}

/** Starts ignoring SIGHUP (POSIX only); call the returned function once when the lock is gone. */
export function holdSighupGuard(): () => void {
  if (process.platform === 'win32') return () => undefined;
  if (holders++ === 0) process.on('SIGHUP', ignoreSighup);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--holders === 0) process.off('SIGHUP', ignoreSighup);
  };
}

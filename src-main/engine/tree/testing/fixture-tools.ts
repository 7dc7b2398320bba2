/**
 * Test-only helpers for building filesystem fixtures with exact metadata: nanosecond timestamps (Node's utimes
 * goes through doubles), device nodes and fifos (Node has no mknod), sockets. Tests may run OS commands; engine
 * code never imports this file.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Sets mtime and atime of `target` itself (not following a symlink) to `seconds` + `nanoseconds`, exactly.
 * `target` must be valid UTF-8 (it travels through argv); give odd names to entries after setting their times
 * (rename keeps mtime).
 */
export function setTimes(target: string, seconds: bigint, nanoseconds = 0): void {
  // GNU touch reads "@S.N" as one signed decimal, so -1.5 s (seconds -2, nanoseconds 5e8) is "@-1.500000000".
  const stamp =
    seconds >= 0n || nanoseconds === 0
      ? `@${seconds}.${String(nanoseconds).padStart(9, '0')}`
      : `@-${-seconds - 1n}.${String(1_000_000_000 - nanoseconds).padStart(9, '0')}`;
  execFileSync('touch', ['-h', '-d', stamp, '--', target], { stdio: 'pipe' });
}

/** A listening Unix socket at `path`; the returned function closes it (which also removes the file). */
export async function createSocket(path: string): Promise<() => Promise<void>> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  return () =>
    new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

export function mknod(path: string, kind: 'c' | 'b', major: number, minor: number): void {
  execFileSync('mknod', [path, kind, String(major), String(minor)], { stdio: 'pipe' });
}

export function mkfifo(path: string): void {
  execFileSync('mkfifo', [path], { stdio: 'pipe' });
}

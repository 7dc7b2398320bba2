/**
 * The real `restic` binary (Debian's restic 0.14) as a test oracle: run it against a repository and read what it
 * says. Tests only; never imported by engine code.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const resticBinary = process.env.RESTIC_BINARY ?? '/usr/bin/restic';
export const testPassword = 'correct horse battery staple';

export interface ResticResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ResticOptions {
  repo: string;
  password?: string;
  cwd?: string;
  env?: Record<string, string>;
  /** Raw stdout bytes (for `cat blob`/`dump`); stdout is then latin1-decoded. */
  binary?: boolean;
}

/** Runs restic; never throws on a non-zero exit (tests assert on `code`). */
export function restic(
  args: string[],
  options: ResticOptions,
): Promise<ResticResult & { stdoutBytes: Buffer }> {
  return new Promise((resolve, reject) => {
    execFile(
      resticBinary,
      ['--no-cache', ...args],
      {
        cwd: options.cwd,
        encoding: 'buffer',
        maxBuffer: 1 << 30,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? '/root',
          TZ: process.env.TZ ?? 'UTC',
          RESTIC_REPOSITORY: options.repo,
          RESTIC_PASSWORD: options.password ?? testPassword,
          ...options.env,
        },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        if (error && code === -1) return reject(error);
        resolve({
          code,
          stdout: stdout.toString(options.binary ? 'latin1' : 'utf8'),
          stderr: stderr.toString('utf8'),
          stdoutBytes: stdout,
        });
      },
    );
  });
}

/** Runs restic and throws with its stderr unless it exits 0. */
export async function resticOk(
  args: string[],
  options: ResticOptions,
): Promise<ResticResult & { stdoutBytes: Buffer }> {
  const result = await restic(args, options);
  if (result.code !== 0) {
    throw new Error(`restic ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  }
  return result;
}

/** A fresh temporary directory; remove it with `removeTempDir`. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `bm-${prefix}-`));
}

export function removeTempDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * Runs the real command list in-process against a helper socket (the fake one of fake-session-helper.ts), the
 * way main.ts runs it, and collects what the command printed.
 */
import { Writable } from 'node:stream';
import { runCli } from '../cli-runner';
import { commands } from './index';

export interface HelperCliRunOptions {
  env?: NodeJS.ProcessEnv;
  /** Pretend stdout is a terminal (live progress lines are written only then). */
  tty?: boolean;
  signal?: AbortSignal;
  /** Called with everything written to stdout so far, after each write. */
  onStdout?: (text: string) => void;
}

export interface HelperCliRunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `argv` plus `--helper-socket socketPath` (unless argv names one) and `--helper-test-mode`. */
export async function runCliAgainstHelper(
  socketPath: string,
  argv: readonly string[],
  options: HelperCliRunOptions = {},
): Promise<HelperCliRunResult> {
  let stdout = '';
  let stderr = '';
  const out = new Writable({
    write: (chunk, _e, done) => {
      stdout += String(chunk);
      options.onStdout?.(stdout);
      done();
    },
  }) as Writable & { isTTY?: boolean };
  out.isTTY = options.tty ?? false;
  const err = new Writable({
    write: (chunk, _e, done) => {
      stderr += String(chunk);
      done();
    },
  });
  const code = await runCli(commands, {
    argv: [
      ...argv,
      ...(argv.includes('--helper-socket') ? [] : ['--helper-socket', socketPath]),
      '--helper-test-mode',
    ],
    env: { PATH: process.env.PATH, ...options.env },
    stdout: out,
    stderr: err,
    signal: options.signal ?? new AbortController().signal,
  });
  return { code, stdout, stderr };
}

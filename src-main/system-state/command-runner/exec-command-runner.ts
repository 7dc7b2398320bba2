/**
 * The real CommandRunner: `child_process.execFile` with an argv array (no shell), a timeout that kills the
 * process, bounded captured output, and ENOENT turned into a `missing` result.
 */
import { execFile } from 'node:child_process';
import type { CommandResult, CommandRunner, CommandSpec } from './command-runner';

export interface ExecCommandRunnerOptions {
  defaultTimeoutMs?: number;
  /** Output beyond this many bytes per stream fails the command rather than filling memory. */
  maxBufferBytes?: number;
}

export class ExecCommandRunner implements CommandRunner {
  private readonly defaultTimeoutMs: number;
  private readonly maxBufferBytes: number;

  constructor(options: ExecCommandRunnerOptions = {}) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
    this.maxBufferBytes = options.maxBufferBytes ?? 64 * 1024 * 1024;
  }

  run(spec: CommandSpec): Promise<CommandResult> {
    const { argv } = spec;
    const [file, ...args] = argv;
    const timeoutMs = spec.timeoutMs ?? this.defaultTimeoutMs;
    const started = Date.now();
    return new Promise((resolve) => {
      const child = execFile(
        file,
        args,
        {
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: this.maxBufferBytes,
          windowsHide: true,
          encoding: 'utf8',
          // Parsers read English tool output; LVM warns about inherited descriptors on stderr otherwise.
          env: { ...process.env, LC_ALL: 'C', LANG: 'C', LVM_SUPPRESS_FD_WARNINGS: '1', ...spec.env },
        },
        (error, stdout, stderr) => {
          const durationMs = Date.now() - started;
          if (error === null) {
            resolve({ kind: 'exited', argv, exitCode: 0, stdout, stderr, durationMs });
            return;
          }
          const errno = (error as NodeJS.ErrnoException).code;
          if (errno === 'ENOENT') {
            resolve({ kind: 'missing', argv, message: error.message });
          } else if (error.killed && durationMs >= timeoutMs) {
            resolve({ kind: 'timed-out', argv, timeoutMs, stdout, stderr });
          } else if (typeof error.code === 'number') {
            resolve({ kind: 'exited', argv, exitCode: error.code, stdout, stderr, durationMs });
          } else {
            // Killed by a signal, output too large, EACCES on the binary…: it did not run to an exit code.
            resolve({ kind: 'failed-to-start', argv, message: error.message });
          }
        },
      );
      if (spec.input !== undefined) child.stdin?.end(spec.input);
      else child.stdin?.end();
    });
  }
}

/**
 * Entry of the `backup-manager` command line (the package's bin). Runs under plain Node.
 */
import { runCli } from './cli-runner';
import { commands } from './commands/index';

const controller = new AbortController();
let interrupted = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted++;
    // First signal: cancel cleanly (repositories stay consistent). Second: the user insists.
    if (interrupted > 1) process.exit(130);
    process.stderr.write(`\n${signal}: stopping cleanly (press Ctrl+C again to force)…\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  });
}

// The reader of our output went away (`backup-manager ls … | head`): like a Unix tool getting SIGPIPE, stop —
// cleanly, so a running backup still leaves its repository consistent — instead of dying on an EPIPE error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  controller.abort(new Error('the output was closed'));
});

runCli(commands, {
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `backup-manager: INTERNAL: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);

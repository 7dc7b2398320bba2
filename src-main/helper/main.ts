/**
 * Entry of `backup-manager-helper`, the privileged process that runs sessions (systemd unit
 * backup-manager-helper.service; Windows service "Backup Service Controller"). Runs under plain Node, or under the
 * Electron binary with ELECTRON_RUN_AS_NODE=1 when installed from the packages. Logs go to stderr, one line each,
 * which systemd's journal (or WinSW's log) keeps.
 */
import { version } from '../../package.json';
import { HelperArgsError, helperUsage, parseHelperArgs } from './helper-args';
import { type RunningHelper, startHelper } from './helper-service';
import type { HelperServerLog } from './server/helper-server-error';

const line = (level: string, message: string) =>
  process.stderr.write(`${new Date().toISOString()} ${level} ${message}\n`);
const log: HelperServerLog = {
  info: (message) => line('info', message),
  warn: (message) => line('warning', message),
  error: (message) => line('error', message),
};

async function main(): Promise<void> {
  const args = parseHelperArgs(process.argv.slice(2), process.platform, process.env);
  if (args === 'help') {
    process.stdout.write(`${helperUsage}\n`);
    return;
  }
  const helper: RunningHelper = await startHelper(args, { version, env: process.env, log });
  let signals = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      // First signal: end sessions cleanly (snapshots deleted, journaled for a restart). Second: the admin insists.
      if (++signals > 1) process.exit(130);
      log.info(`${signal}: stopping`);
      helper.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error(`stopping failed: ${(error as Error).stack ?? String(error)}`);
          process.exit(1);
        },
      );
    });
  // `restic unlock` probes live lock holders with SIGHUP; a daemon must not die of it.
  process.on('SIGHUP', () => log.info('SIGHUP ignored'));
}

main().catch((error: unknown) => {
  if (error instanceof HelperArgsError) {
    process.stderr.write(`backup-manager-helper: USAGE: ${error.message}\n\n${helperUsage}\n`);
    process.exit(2);
  }
  const code = (error as { code?: unknown }).code;
  log.error(
    typeof code === 'string'
      ? `${code}: ${(error as Error).message}`
      : `${(error as Error).stack ?? String(error)}`,
  );
  process.exit(1);
});

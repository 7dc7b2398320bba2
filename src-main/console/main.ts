/**
 * Entry of console mode: the Backup Manager UI served to a browser on 127.0.0.1, over the same contract and the
 * same application service as the Electron window. Runs under plain Node (no Electron needed).
 */
import path from 'node:path';
import { createRealAppService } from '../app/create-app';
import { startConsoleServer } from '../ipc/console/console-server';
import { createRequestDispatcher } from '../ipc/request-dispatcher';
import { consoleUsage, parseConsoleArgs, UsageError } from './console-args';

async function main(): Promise<void> {
  const args = parseConsoleArgs(process.argv.slice(2));
  if (args.help) {
    console.log(consoleUsage);
    return;
  }
  // No secrets store: the console's page is a browser tab, which must never hold the repository password at rest;
  // the helper takes it from its password file (mode 0600) or its environment instead.
  const app = createRealAppService('console');
  const dispatcher = createRequestDispatcher(app.handlers, {
    onInternalError: (channel, error) => console.error(`[console] ${channel}: ${String(error)}`),
  });
  const server = await startConsoleServer({
    dispatcher,
    events: app.events,
    // Built layout: out/main/console.js beside out/renderer/.
    rendererRoot: path.join(__dirname, '..', 'renderer'),
    port: args.port,
    log: (line) => console.error(`[console] ${line}`),
  });
  console.log(`Backup Manager console: ${server.url}`);
  console.log('Open that URL in a browser on this machine (or through an SSH tunnel). Press Ctrl+C to stop.');

  const stop = (signal: string) => {
    console.error(`[console] ${signal}: stopping`);
    app.dispose(); // stops reconnecting to the helper
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`backup-manager console: ${error.message}\n\n${consoleUsage}`);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    console.error(
      'backup-manager console: that port is already in use; choose another with --port, or 0 for any.',
    );
    process.exit(1);
  }
  console.error(`backup-manager console: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

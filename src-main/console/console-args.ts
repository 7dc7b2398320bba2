/**
 * Command-line options of `backup-manager-console` (what `npm run console` runs).
 */
export interface ConsoleArgs {
  port: number;
  help: boolean;
}

export class UsageError extends Error {}

export const consoleUsage = `Usage: npm run console -- [--port N]

Serves the Backup Manager UI on http://127.0.0.1:N/ (loopback only) and prints the URL with its access token.
  --port N   port to listen on; 0 (the default) picks any free port
  --help     show this text`;

export function parseConsoleArgs(argv: readonly string[]): ConsoleArgs {
  const args: ConsoleArgs = { port: 0, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      args.help = true;
    } else if (arg === '--port' || arg.startsWith('--port=')) {
      const value = arg === '--port' ? argv[++i] : arg.slice('--port='.length);
      args.port = parsePort(value);
    } else {
      throw new UsageError(`Unknown option ${JSON.stringify(arg)}.`);
    }
  }
  return args;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) {
    throw new UsageError(`--port needs a number from 0 to 65535, got ${JSON.stringify(value ?? '')}.`);
  }
  const port = Number(value);
  if (port > 65535) throw new UsageError(`--port needs a number from 0 to 65535, got ${value}.`);
  return port;
}

/**
 * Dispatches argv to a command: finds the longest registered command path, parses its options (plus the global
 * ones), runs it, and turns any failure into one line with a code and a non-zero exit.
 */
import { type OptionSpecs, parseArgs, UsageError } from './cli-args';
import { type CliCommand, type CliContext, CliError, type CommandSource } from './cli-command';
import { type CliOutput, createCliOutput } from './cli-output';
import { closeBackends } from './commands/repository-access';

/** Options every command accepts. */
export const globalOptions: OptionSpecs = {
  json: {},
  help: { short: 'h' },
};

export interface CliIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
}

export function findCommand(
  commands: readonly CliCommand[],
  argv: readonly string[],
): CliCommand | undefined {
  let best: CliCommand | undefined;
  for (const command of commands) {
    const matches = command.path.every((word, i) => argv[i] === word);
    if (matches && (best === undefined || command.path.length > best.path.length)) best = command;
  }
  return best;
}

export function overallUsage(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length), 10);
  return [
    'Usage: backup-manager COMMAND [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json for machine-readable output and --help for its own options.',
  ].join('\n');
}

/**
 * The commands among `sources` that `argv` may select (only their modules are loaded), or every command when
 * `all` (for the overall usage).
 */
export async function loadCommands(
  sources: readonly CommandSource[],
  argv: readonly string[],
  all = false,
): Promise<CliCommand[]> {
  const lists = await Promise.all(
    sources.map((source) => {
      if (!('load' in source)) return [source];
      const selected = source.words.every((word, i) => argv[i] === word);
      return all || selected ? source.load() : [];
    }),
  );
  return lists.flat();
}

export async function runCli(sources: readonly CommandSource[], io: CliIo): Promise<number> {
  const wantsJson = io.argv.includes('--json');
  const out: CliOutput = createCliOutput({
    json: wantsJson,
    interactive: !wantsJson && io.stdout.isTTY === true,
    stdout: io.stdout,
    stderr: io.stderr,
  });
  const command = findCommand(await loadCommands(sources, io.argv), io.argv);
  if (command === undefined) {
    const commands = await loadCommands(sources, io.argv, true);
    const first = io.argv[0];
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      io.stdout.write(`${overallUsage(commands)}\n`);
      return first === undefined ? 2 : 0;
    }
    out.error(
      'USAGE',
      `unknown command ${JSON.stringify(io.argv.filter((a) => !a.startsWith('-')).join(' '))}`,
    );
    io.stderr.write(`\n${overallUsage(commands)}\n`);
    return 2;
  }
  try {
    const args = parseArgs(io.argv.slice(command.path.length), { ...globalOptions, ...command.options });
    if (args.flags.has('help')) {
      io.stdout.write(`${command.usage}\n`);
      return 0;
    }
    const context: CliContext = {
      out,
      env: io.env,
      signal: io.signal,
      interactive: !wantsJson && io.stdout.isTTY === true,
    };
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      out.error('USAGE', error.message);
      io.stderr.write(`\n${command.usage}\n`);
      return 2;
    }
    const coded = codeOf(error);
    out.error(coded.code, coded.message);
    return error instanceof CliError ? error.exitCode : 1;
  } finally {
    await closeBackends();
  }
}

/** Any error with a string `code` (CliError, EngineError, system-state errors) keeps it; others are INTERNAL. */
function codeOf(error: unknown): { code: string; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code)) return { code, message };
  return { code: 'INTERNAL', message };
}

/**
 * What a `backup-manager` subcommand is. Each command lives in its own file under commands/ and is registered in
 * commands/index.ts; the entry point only dispatches.
 */
import type { OptionSpecs, ParsedArgs } from './cli-args';
import type { CliOutput } from './cli-output';

export interface CliContext {
  out: CliOutput;
  env: NodeJS.ProcessEnv;
  /** Cancelled on SIGINT/SIGTERM: long commands stop cleanly and leave repositories consistent. */
  signal: AbortSignal;
  /** Whether stdout is a terminal (live progress lines) — false when piped or with --json. */
  interactive: boolean;
}

export interface CliCommand {
  /** The words that select it, e.g. ['system-state', 'preflight'] or ['backup']. */
  path: readonly string[];
  summary: string;
  usage: string;
  options: OptionSpecs;
  /** Returns the process exit code (0 = success). Throw CliError/EngineError-like errors with a code to fail. */
  run(args: ParsedArgs, context: CliContext): Promise<number>;
}

/**
 * Commands whose module is loaded only when the command line selects them (`words` are the leading words they all
 * share; none = always loaded): `backup` then does not load the system-state, helper and restore-wizard code and
 * its libraries, which a plain engine command does not need and which cost tens of megabytes of resident memory.
 */
export interface LazyCommands {
  words: readonly string[];
  load(): Promise<readonly CliCommand[]>;
}

/** What the CLI dispatches over: commands, and modules of commands loaded on demand. */
export type CommandSource = CliCommand | LazyCommands;

/** An error the CLI prints as one line `backup-manager: CODE: message` and exits with. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

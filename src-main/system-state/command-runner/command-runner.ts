/**
 * The one way System state runs OS tools. Commands are argv arrays handed to the OS as they are (never a shell
 * string, so nothing is ever interpreted by a shell), with a timeout and captured output. A tool that is not
 * installed is a result of its own (`missing`), distinct from a tool that ran and failed, because a missing tool
 * is reported as evidence ("efibootmgr is not installed") rather than as a failure of the session.
 */

export type Argv = readonly [string, ...string[]];

export interface CommandSpec {
  argv: Argv;
  /** Milliseconds before the process is killed; defaults to the runner's default (30 s). */
  timeoutMs?: number;
  /** Text written to the process's standard input (diskpart reads its script from there). */
  input?: string;
  /** Extra environment variables (added to a minimal, locale-neutral environment). */
  env?: Readonly<Record<string, string>>;
}

export type CommandResult =
  | { kind: 'exited'; argv: Argv; exitCode: number; stdout: string; stderr: string; durationMs: number }
  | { kind: 'missing'; argv: Argv; message: string }
  | { kind: 'timed-out'; argv: Argv; timeoutMs: number; stdout: string; stderr: string }
  | { kind: 'failed-to-start'; argv: Argv; message: string };

export interface CommandRunner {
  run(spec: CommandSpec): Promise<CommandResult>;
}

/** True when the tool ran and exited 0. */
export function succeeded(
  result: CommandResult,
): result is Extract<CommandResult, { kind: 'exited' }> & { exitCode: 0 } {
  return result.kind === 'exited' && result.exitCode === 0;
}

/** The command as a person would type it (for evidence and logs only — never executed). */
export function formatArgv(argv: Argv): string {
  return argv.map((a) => (/^[\w@%+=:,./\\{}-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** One line that says what happened, for a check's evidence or an error message. */
export function describeResult(result: CommandResult, maxChars = 300): string {
  const command = formatArgv(result.argv);
  switch (result.kind) {
    case 'missing':
      return `${command}: ${result.argv[0]} is not installed`;
    case 'failed-to-start':
      return `${command}: could not start (${result.message})`;
    case 'timed-out':
      return `${command}: no answer within ${Math.round(result.timeoutMs / 1000)} s`;
    case 'exited': {
      const output = firstLines(result.stderr.trim() || result.stdout.trim(), maxChars);
      return `${command}: exit ${result.exitCode}${output ? `: ${output}` : ''}`;
    }
  }
}

function firstLines(text: string, maxChars: number): string {
  const oneLine = text.split(/\r?\n/).filter(Boolean).join(' | ');
  return oneLine.length > maxChars ? `${oneLine.slice(0, maxChars)}…` : oneLine;
}

/**
 * A CommandRunner for tests that replays recorded outputs of real tools. Each expected command is matched by its
 * exact argv; an unexpected command throws, so a test fails loudly when the code runs something nobody recorded.
 * Records are consumed in order per argv (a second `vssadmin list shadows` can answer differently from the
 * first), and the runner remembers every call so tests can assert what was run.
 */
import { readFileSync } from 'node:fs';
import type { Argv, CommandResult, CommandRunner, CommandSpec } from './command-runner';
import { formatArgv } from './command-runner';

export type RecordedAnswer =
  | { exitCode: number; stdout?: string; stderr?: string }
  | { missing: true }
  | { timedOut: true };

export interface RecordedCommand {
  argv: Argv;
  answer: RecordedAnswer;
  /** Answer every call with this record instead of consuming it once. */
  repeat?: boolean;
}

export class RecordedCommandRunner implements CommandRunner {
  readonly calls: CommandSpec[] = [];
  private readonly queue: RecordedCommand[];

  constructor(records: readonly RecordedCommand[]) {
    this.queue = [...records];
  }

  add(record: RecordedCommand): this {
    this.queue.push(record);
    return this;
  }

  async run(spec: CommandSpec): Promise<CommandResult> {
    this.calls.push(spec);
    const key = formatArgv(spec.argv);
    const index = this.queue.findIndex((r) => formatArgv(r.argv) === key);
    const record = this.queue[index];
    if (record === undefined) throw new Error(`no recorded output for: ${key}`);
    if (!record.repeat) this.queue.splice(index, 1);
    const { answer } = record;
    if ('missing' in answer)
      return { kind: 'missing', argv: spec.argv, message: `spawn ${spec.argv[0]} ENOENT` };
    if ('timedOut' in answer)
      return {
        kind: 'timed-out',
        argv: spec.argv,
        timeoutMs: spec.timeoutMs ?? 30_000,
        stdout: '',
        stderr: '',
      };
    return {
      kind: 'exited',
      argv: spec.argv,
      exitCode: answer.exitCode,
      stdout: answer.stdout ?? '',
      stderr: answer.stderr ?? '',
      durationMs: 0,
    };
  }

  /** Commands that were recorded but never asked for (a test can assert the flow ran to the end). */
  unused(): string[] {
    return this.queue.filter((r) => !r.repeat).map((r) => formatArgv(r.argv));
  }
}

/** Reads a recorded output file (UTF-8, line endings kept as recorded). */
export function readFixture(directoryUrl: URL, name: string): string {
  return readFileSync(new URL(name, directoryUrl), 'utf8');
}

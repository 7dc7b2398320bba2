import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './cli-args';
import { type CliCommand, CliError } from './cli-command';
import { runCli } from './cli-runner';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

const echo: CliCommand = {
  path: ['system-state', 'components'],
  summary: 'Echo',
  usage: 'Usage: backup-manager system-state components [--json]',
  options: { tag: { value: true, repeat: true } },
  async run(args, { out }) {
    out.result(
      { tags: args.options.get('tag') ?? [] },
      () => `tags: ${(args.options.get('tag') ?? []).join(',')}`,
    );
    return 0;
  },
};
const failing: CliCommand = {
  path: ['fail'],
  summary: 'Fails',
  usage: 'Usage: backup-manager fail',
  options: {},
  async run() {
    throw new CliError('WRONG_PASSWORD', 'the password opens no key in /repo');
  },
};

async function run(argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli([echo, failing], {
    argv,
    env: {},
    stdout: stdout.stream,
    stderr: stderr.stream,
    signal: new AbortController().signal,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('cli arguments', () => {
  it('parses options, flags, repeats, positionals and --', () => {
    const args = parseArgs(['a', '--repo', '/r', '--tag=x', '--tag', 'y', '-q', '--', '--not-an-option'], {
      repo: { value: true },
      tag: { value: true, repeat: true },
      quiet: { short: 'q' },
    });
    expect(args.options.get('repo')).toEqual(['/r']);
    expect(args.options.get('tag')).toEqual(['x', 'y']);
    expect([...args.flags]).toEqual(['quiet']);
    expect(args.positionals).toEqual(['a', '--not-an-option']);
  });
  it('refuses unknown options, missing values, repeats of single options and values on flags', () => {
    const specs = { repo: { value: true }, quiet: {} };
    for (const argv of [['--nope'], ['--repo'], ['--repo', 'a', '--repo', 'b'], ['--quiet=yes'], ['-z']]) {
      expect(() => parseArgs(argv, specs)).toThrow(UsageError);
    }
  });
});

describe('cli runner', () => {
  it('runs the command with the longest matching path, in human and JSON form', async () => {
    expect(await run(['system-state', 'components', '--tag', 'a'])).toEqual({
      code: 0,
      stdout: 'tags: a\n',
      stderr: '',
    });
    expect(await run(['system-state', 'components', '--json'])).toEqual({
      code: 0,
      stdout: '{"tags":[]}\n',
      stderr: '',
    });
  });
  it('prints a failure as one line with its code and exits non-zero', async () => {
    expect(await run(['fail'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'backup-manager: WRONG_PASSWORD: the password opens no key in /repo\n',
    });
    const json = await run(['fail', '--json']);
    expect(JSON.parse(json.stderr)).toEqual({
      type: 'error',
      code: 'WRONG_PASSWORD',
      message: 'the password opens no key in /repo',
    });
  });
  it('answers usage errors and unknown commands with exit code 2', async () => {
    expect((await run(['system-state', 'components', '--bogus'])).code).toBe(2);
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('USAGE: unknown command "frobnicate"');
    expect(unknown.stderr).toContain('system-state components');
  });
});

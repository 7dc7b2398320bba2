import { describe, expect, it } from 'vitest';
import { describeResult, succeeded } from './command-runner';
import { ExecCommandRunner } from './exec-command-runner';
import { RecordedCommandRunner } from './recorded-command-runner';

const runner = new ExecCommandRunner();

describe('ExecCommandRunner (real processes)', () => {
  it('captures stdout, stderr and the exit code', async () => {
    const ok = await runner.run({ argv: ['sh', '-c', 'echo out; echo err >&2; exit 0'] });
    expect(ok).toMatchObject({ kind: 'exited', exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(succeeded(ok)).toBe(true);
    const failed = await runner.run({ argv: ['sh', '-c', 'echo broken >&2; exit 3'] });
    expect(failed).toMatchObject({ kind: 'exited', exitCode: 3, stderr: 'broken\n' });
    expect(succeeded(failed)).toBe(false);
    expect(describeResult(failed)).toBe('sh -c "echo broken >&2; exit 3": exit 3: broken');
  });

  it('passes arguments verbatim: nothing is interpreted by a shell', async () => {
    const tricky = '$(touch /tmp/pwned); `id`; * && echo "x"';
    const result = await runner.run({ argv: ['printf', '%s', tricky] });
    expect(result).toMatchObject({ kind: 'exited', exitCode: 0, stdout: tricky });
  });

  it('reports a tool that is not installed as missing, not as a failure', async () => {
    const result = await runner.run({ argv: ['backup-manager-no-such-tool-xyz', '--version'] });
    expect(result.kind).toBe('missing');
    expect(describeResult(result)).toBe(
      'backup-manager-no-such-tool-xyz --version: backup-manager-no-such-tool-xyz is not installed',
    );
  });

  it('kills a command that outlives its timeout', async () => {
    const started = Date.now();
    const result = await runner.run({ argv: ['sleep', '10'], timeoutMs: 300 });
    expect(result.kind).toBe('timed-out');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('feeds standard input', async () => {
    const result = await runner.run({ argv: ['cat'], input: 'list disk\nlist volume\n' });
    expect(result).toMatchObject({ kind: 'exited', stdout: 'list disk\nlist volume\n' });
  });

  it('runs tools in the C locale so that parsers read the English output', async () => {
    const result = await runner.run({ argv: ['sh', '-c', 'echo "$LC_ALL"'] });
    expect(result).toMatchObject({ stdout: 'C\n' });
  });
});

describe('RecordedCommandRunner', () => {
  it('replays records in order per argv and refuses unrecorded commands', async () => {
    const fake = new RecordedCommandRunner([
      { argv: ['vssadmin', 'list', 'shadows'], answer: { exitCode: 0, stdout: 'first' } },
      { argv: ['vssadmin', 'list', 'shadows'], answer: { exitCode: 0, stdout: 'second' } },
      { argv: ['efibootmgr', '-v'], answer: { missing: true } },
    ]);
    expect(await fake.run({ argv: ['vssadmin', 'list', 'shadows'] })).toMatchObject({ stdout: 'first' });
    expect(await fake.run({ argv: ['vssadmin', 'list', 'shadows'] })).toMatchObject({ stdout: 'second' });
    await expect(fake.run({ argv: ['vssadmin', 'list', 'shadows'] })).rejects.toThrow('no recorded output');
    expect((await fake.run({ argv: ['efibootmgr', '-v'] })).kind).toBe('missing');
    expect(fake.unused()).toEqual([]);
    expect(fake.calls).toHaveLength(4);
  });
});

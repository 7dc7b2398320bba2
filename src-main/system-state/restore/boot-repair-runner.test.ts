import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner, CommandSpec } from '../command-runner/command-runner';
import { describeResult, formatArgv, succeeded } from '../command-runner/command-runner';
import { ExecCommandRunner } from '../command-runner/exec-command-runner';
import { type RecordedCommand, RecordedCommandRunner } from '../command-runner/recorded-command-runner';
import { canUseLoopMounts } from '../testing/loop-filesystem';
import { runBootRepair } from './boot-repair-runner';
import type { BootRepairPlan, PlannedCommand } from './restore-analysis-model';

const ok = { exitCode: 0 };
const step = (id: string, argv: string[], available = true, reason = ''): PlannedCommand => ({
  id,
  title: `step ${id}`,
  argv,
  available,
  reason,
});

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'bm-repair-'));
  // What the bind mounts would bring; with a recorded runner nothing is really mounted.
  await mkdir(path.join(root, 'dev/pts'), { recursive: true });
  await mkdir(path.join(root, 'sys/firmware/efi/efivars'), { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function uefiPlan(steps: PlannedCommand[]): BootRepairPlan {
  return {
    targetRoot: root,
    bindMounts: ['/dev', '/dev/pts', '/proc', '/sys', '/sys/firmware/efi/efivars'],
    steps,
    notes: [],
  };
}
const mountArgv = (source: string) =>
  ['mount', '--bind', '--make-slave', source, path.join(root, source)] as const;
const umountArgv = (source: string) => ['umount', path.join(root, source)] as const;
const mounts = ['/dev', '/dev/pts', '/proc', '/sys', '/sys/firmware/efi/efivars'];
const allMounted = (): RecordedCommand[] => mounts.map((m) => ({ argv: mountArgv(m), answer: ok }));
const allUnmounted = (): RecordedCommand[] => mounts.map((m) => ({ argv: umountArgv(m), answer: ok }));
const calls = (runner: RecordedCommandRunner) => runner.calls.map((c) => formatArgv(c.argv));

describe('runBootRepair with a recorded runner: order and the always-unmount guarantee', () => {
  it('mounts parents first, runs the steps in order, unmounts in reverse', async () => {
    const initramfs = ['chroot', root, '/usr/sbin/update-initramfs', '-u', '-k', 'all'];
    const grub = ['chroot', root, '/usr/sbin/grub-install', '--target=x86_64-efi'];
    const runner = new RecordedCommandRunner([
      ...allMounted(),
      {
        argv: initramfs as [string, ...string[]],
        answer: { exitCode: 0, stdout: 'update-initramfs: Generating /boot/initrd.img-6.1.0-27-amd64\n' },
      },
      {
        argv: grub as [string, ...string[]],
        answer: { exitCode: 0, stderr: 'Installation finished. No error reported.\n' },
      },
      ...allUnmounted(),
    ]);
    const result = await runBootRepair(
      uefiPlan([step('initramfs', initramfs), step('bootloader', grub)]),
      runner,
    );
    expect(calls(runner)).toEqual([
      ...mounts.map((m) => formatArgv(mountArgv(m))),
      formatArgv(initramfs as [string, ...string[]]),
      formatArgv(grub as [string, ...string[]]),
      ...[...mounts].reverse().map((m) => formatArgv(umountArgv(m))),
    ]);
    expect(result.ok).toBe(true);
    expect(result.steps.find((s) => s.id === 'bootloader')?.output).toBe(
      'Installation finished. No error reported.',
    );
    // The steps run with the target's own PATH, whatever the helper's environment.
    expect(runner.calls[5]?.env?.PATH).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  });

  it('stops at the first failing step, reports the rest as not run, and still unmounts everything', async () => {
    const failing = ['chroot', root, '/usr/sbin/update-initramfs', '-u', '-k', 'all'] as [
      string,
      ...string[],
    ];
    const runner = new RecordedCommandRunner([
      ...allMounted(),
      {
        argv: failing,
        answer: {
          exitCode: 1,
          stderr: 'update-initramfs: failed for /boot/initrd.img-6.1.0-27-amd64 with 1.\n',
        },
      },
      ...allUnmounted(),
    ]);
    const result = await runBootRepair(
      uefiPlan([
        step('initramfs', failing),
        step('bootloader', ['chroot', root, 'grub-install']),
        step('bootloader-config', ['chroot', root, 'update-grub']),
      ]),
      runner,
    );
    expect(result.ok).toBe(false);
    expect(result.steps.map((s) => [s.id, s.ok])).toEqual([
      ...mounts.map((m) => [`bind-mount:${m}`, true]),
      ['initramfs', false],
      ['bootloader', false],
      ['bootloader-config', false],
      ...[...mounts].reverse().map((m) => [`unmount:${m}`, true]),
    ]);
    expect(result.steps.find((s) => s.id === 'initramfs')?.output).toMatch(
      /^exit 1: update-initramfs: failed/,
    );
    expect(result.steps.find((s) => s.id === 'bootloader')?.output).toBe('not run: step "initramfs" failed');
    expect(runner.unused()).toEqual([]);
  });

  it('a runner that throws is a failed step, never an escape past the unmounting', async () => {
    const recorded = new RecordedCommandRunner([...allMounted(), ...allUnmounted()]);
    const throwing: CommandRunner = {
      run: (spec: CommandSpec): Promise<CommandResult> =>
        spec.argv[0] === 'chroot' ? Promise.reject(new Error('spawn EAGAIN')) : recorded.run(spec),
    };
    const result = await runBootRepair(
      uefiPlan([step('initramfs', ['chroot', root, 'update-initramfs'])]),
      throwing,
    );
    expect(result.steps.find((s) => s.id === 'initramfs')).toMatchObject({
      ok: false,
      output: 'could not run: spawn EAGAIN',
    });
    expect(recorded.unused()).toEqual([]);
  });

  it('a busy mount is detached lazily (reported); one that cannot be detached at all fails the run', async () => {
    const runner = new RecordedCommandRunner([
      ...allMounted(),
      { argv: ['chroot', root, 'true'], answer: ok },
      ...allUnmounted().filter(
        (r) => r.argv[1] !== path.join(root, '/dev') && r.argv[1] !== path.join(root, '/proc'),
      ),
      {
        argv: umountArgv('/proc'),
        answer: { exitCode: 32, stderr: `umount: ${root}/proc: target is busy.\n` },
      },
      { argv: ['umount', '--lazy', path.join(root, '/proc')], answer: ok },
      {
        argv: umountArgv('/dev'),
        answer: { exitCode: 32, stderr: `umount: ${root}/dev: target is busy.\n` },
      },
      {
        argv: ['umount', '--lazy', path.join(root, '/dev')],
        answer: { exitCode: 32, stderr: 'umount: not mounted\n' },
      },
    ]);
    const result = await runBootRepair(uefiPlan([step('probe', ['chroot', root, 'true'])]), runner);
    const proc = result.steps.find((s) => s.id === 'unmount:/proc');
    expect(proc).toMatchObject({
      ok: true,
      output: expect.stringMatching(/^lazy unmount: .*busy.*umount --lazy/),
    });
    expect(result.steps.find((s) => s.id === 'unmount:/dev')).toMatchObject({ ok: false });
    expect(result.ok).toBe(false);
    expect(runner.unused()).toEqual([]);
  });

  it('a failed bind mount runs no step and unmounts only what was mounted', async () => {
    const runner = new RecordedCommandRunner([
      { argv: mountArgv('/dev'), answer: ok },
      {
        argv: mountArgv('/dev/pts'),
        answer: { exitCode: 32, stderr: 'mount: special device /dev/pts does not exist.\n' },
      },
      { argv: umountArgv('/dev'), answer: ok },
    ]);
    const result = await runBootRepair(
      uefiPlan([step('initramfs', ['chroot', root, 'update-initramfs'])]),
      runner,
    );
    expect(result.steps.map((s) => [s.id, s.ok])).toEqual([
      ['bind-mount:/dev', true],
      ['bind-mount:/dev/pts', false],
      ['bind-mount:/proc', false],
      ['bind-mount:/sys', false],
      ['bind-mount:/sys/firmware/efi/efivars', false],
      ['initramfs', false],
      ['unmount:/dev', true],
    ]);
    expect(runner.unused()).toEqual([]);
  });

  it('cancellation: nothing runs when already cancelled; cancelled mid-way, the rest is skipped and unmounted', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const none = new RecordedCommandRunner([]);
    const skipped = await runBootRepair(uefiPlan([step('initramfs', ['chroot', root, 'x'])]), none, {
      signal: aborted.signal,
    });
    expect(none.calls).toEqual([]);
    expect(skipped.steps.every((s) => s.output === 'not run: cancelled')).toBe(true);

    const controller = new AbortController();
    const recorded = new RecordedCommandRunner([
      ...allMounted(),
      { argv: ['chroot', root, 'first'], answer: ok },
      ...allUnmounted(),
    ]);
    const cancelling: CommandRunner = {
      run: async (spec) => {
        const result = await recorded.run(spec);
        if (spec.argv[2] === 'first') controller.abort();
        return result;
      },
    };
    const result = await runBootRepair(
      uefiPlan([step('first', ['chroot', root, 'first']), step('second', ['chroot', root, 'second'])]),
      cancelling,
      { signal: controller.signal },
    );
    expect(result.steps.find((s) => s.id === 'second')?.output).toBe('not run: cancelled');
    expect(recorded.unused()).toEqual([]);
  });

  it('unavailable steps are reported with their reason and do not stop the available ones', async () => {
    const runner = new RecordedCommandRunner([
      ...allMounted(),
      { argv: ['chroot', root, 'update-grub'], answer: ok },
      ...allUnmounted(),
    ]);
    const result = await runBootRepair(
      uefiPlan([
        step('bootloader', [], false, 'The target has neither grub-install nor bootctl.'),
        step('bootloader-config', ['chroot', root, 'update-grub']),
      ]),
      runner,
    );
    expect(result.steps.find((s) => s.id === 'bootloader')?.output).toBe(
      'not available: The target has neither grub-install nor bootctl.',
    );
    expect(result.steps.find((s) => s.id === 'bootloader-config')?.ok).toBe(true);
    expect(result.ok).toBe(false);
  });

  it('the running system: refuses bind mounts onto themselves, runs a plan without them directly', async () => {
    const runner = new RecordedCommandRunner([{ argv: ['/usr/sbin/update-grub'], answer: ok }]);
    await expect(
      runBootRepair({ targetRoot: '/', bindMounts: ['/dev'], steps: [], notes: [] }, runner),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/onto themselves/) });
    const direct = await runBootRepair(
      {
        targetRoot: '/',
        bindMounts: [],
        steps: [step('bootloader-config', ['/usr/sbin/update-grub'])],
        notes: [],
      },
      runner,
    );
    expect(direct.ok).toBe(true);
    expect(calls(runner)).toEqual(['/usr/sbin/update-grub']);
  });

  it('refuses plans that mount something else, or chroot into another root', async () => {
    const runner = new RecordedCommandRunner([]);
    await expect(runBootRepair({ ...uefiPlan([]), bindMounts: ['/home'] }, runner)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      runBootRepair(uefiPlan([step('x', ['chroot', '/', 'rm', '-rf', '/tmp/x'])]), runner),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(runBootRepair(uefiPlan([step('empty', [])]), runner)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/available but has no command/),
    });
    expect(runner.calls).toEqual([]);
  });

  it('never mounts over a symlink in the target (dev -> / would mount over this machine)', async () => {
    await rm(path.join(root, 'dev'), { recursive: true });
    await symlink('/', path.join(root, 'dev'));
    const runner = new RecordedCommandRunner([]);
    const result = await runBootRepair(
      uefiPlan([step('initramfs', ['chroot', root, 'update-initramfs'])]),
      runner,
    );
    expect(runner.calls).toEqual([]);
    expect(result.steps[0]).toMatchObject({
      id: 'bind-mount:/dev',
      ok: false,
      output: expect.stringMatching(/is a symlink/),
    });
    expect(result.ok).toBe(false);
  });
});

/** Mount points under `dir` in this process's mount table. */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`));
}

// Real: a minimal root made of this machine's /usr (bind-mounted read-only) and the merged-/usr links, so that
// chroot finds a shell without copying binaries; the repair bind-mounts /dev, /dev/pts, /proc and /sys into it.
describe.runIf(canUseLoopMounts())('runBootRepair for real (root): chroot into a minimal root', () => {
  const exec = new ExecCommandRunner({ defaultTimeoutMs: 60_000 });
  let minimal: string;
  const must = async (argv: [string, ...string[]]) => {
    const result = await exec.run({ argv });
    if (!succeeded(result)) throw new Error(describeResult(result));
  };
  beforeAll(async () => {
    minimal = await mkdtemp(path.join(tmpdir(), 'bm-chroot-'));
    await mkdir(path.join(minimal, 'usr'));
    for (const dir of ['bin', 'sbin', 'lib', 'lib64']) await symlink(`usr/${dir}`, path.join(minimal, dir));
    await must(['mount', '--bind', '/usr', path.join(minimal, 'usr')]);
    await must(['mount', '-o', 'remount,bind,ro', path.join(minimal, 'usr')]);
  });
  afterAll(async () => {
    await must(['umount', path.join(minimal, 'usr')]);
    await rm(minimal, { recursive: true, force: true });
  });

  it('runs steps inside with /dev, /proc, /sys mounted, stops at a failure, and leaves nothing mounted', async () => {
    const inside = (script: string) => ['chroot', minimal, '/bin/sh', '-c', script];
    const plan: BootRepairPlan = {
      targetRoot: minimal,
      bindMounts: ['/dev', '/dev/pts', '/proc', '/sys'],
      steps: [
        step(
          'probe',
          inside(
            'test -c /dev/null && test -d /dev/pts && test -d /sys/class/block && grep -c . /proc/self/mountinfo',
          ),
        ),
        step('fails', inside('echo "grub-install: error: cannot find EFI directory." >&2; exit 1')),
        step('after', inside('true')),
      ],
      notes: [],
    };
    const result = await runBootRepair(plan, exec);
    expect(result.steps.map((s) => [s.id, s.ok])).toEqual([
      ['bind-mount:/dev', true],
      ['bind-mount:/dev/pts', true],
      ['bind-mount:/proc', true],
      ['bind-mount:/sys', true],
      ['probe', true],
      ['fails', false],
      ['after', false],
      ['unmount:/sys', true],
      ['unmount:/proc', true],
      ['unmount:/dev/pts', true],
      ['unmount:/dev', true],
    ]);
    expect(result.steps.find((s) => s.id === 'fails')?.output).toBe(
      'exit 1: grub-install: error: cannot find EFI directory.',
    );
    // Only the test's own read-only /usr stays mounted under the minimal root.
    expect(mountsUnder(minimal)).toEqual([path.join(minimal, 'usr')]);
  });

  it('a step that leaves a process in the target makes the mount busy: lazily detached, still nothing left', async () => {
    const plan: BootRepairPlan = {
      targetRoot: minimal,
      bindMounts: ['/dev', '/proc'],
      // A background sleep whose working directory is the bind-mounted /dev keeps that mount busy.
      steps: [
        step('leaves-a-process', [
          'chroot',
          minimal,
          '/bin/sh',
          '-c',
          'cd /dev && (sleep 3 </dev/null >/dev/null 2>&1 &)',
        ]),
      ],
      notes: [],
    };
    const result = await runBootRepair(plan, exec);
    const dev = result.steps.find((s) => s.id === 'unmount:/dev');
    expect(dev).toMatchObject({ ok: true, output: expect.stringMatching(/^lazy unmount: .*busy/) });
    expect(result.ok).toBe(true);
    expect(mountsUnder(minimal)).toEqual([path.join(minimal, 'usr')]);
    await new Promise((resolve) => setTimeout(resolve, 3_500)); // let the sleep end before /usr is unmounted
  }, 30_000);
});

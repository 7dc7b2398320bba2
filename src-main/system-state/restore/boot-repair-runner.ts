/**
 * Runs a boot repair plan: bind-mounts this machine's /dev, /proc, /sys (and efivars) into the target, runs the
 * available steps in order inside it, stops at the first failure, and **always** unmounts what it mounted, in
 * reverse order — after a failed step, a runner exception or a cancellation too — falling back to a lazy unmount
 * (reported) when a mount is busy. It then reads /proc/self/mountinfo to prove that nothing it mounted stayed.
 *
 * Bind mounts are one level each (`--bind`, not `--rbind`) and made slaves: a recursive bind of /sys or /dev
 * drags in cgroups and other submounts, and a shared bind would propagate the nested /dev/pts mount back to this
 * machine's own /dev. Mount points are checked component by component: a symlink in the restored tree (a backup
 * can hold `dev -> /`) would otherwise make mount(8) follow it and mount over a path of this machine.
 */
import { lstat, mkdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { CommandResult, CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { fromNodeError, SystemStateError } from '../errors';
import { bindMountsBios, efivarsMount } from './boot-repair-plan';
import type { BootRepairPlan } from './restore-analysis-model';

export interface BootRepairStepResult {
  id: string;
  title: string;
  ok: boolean;
  output: string;
}

/** The only host paths a plan may bind-mount, in mount order (parents before their children). */
const allowedBindMounts: readonly string[] = [...bindMountsBios, efivarsMount];
/** Created in the target when missing (a System state restore into an empty folder has no /dev, /proc, /sys). */
const creatableMountPoints = new Set(['/dev', '/proc', '/sys']);
/** The tools' own PATH inside the target, whatever the helper's environment is. */
const targetPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const bootRepairStepTimeoutMs = 30 * 60_000;
const maxOutputChars = 20_000;

export async function runBootRepair(
  plan: BootRepairPlan,
  runner: CommandRunner,
  options: { signal?: AbortSignal } = {},
): Promise<{ steps: BootRepairStepResult[]; ok: boolean }> {
  const { root, bindMounts } = await validatePlan(plan);
  const results: BootRepairStepResult[] = [];
  const mounted: { source: string; mountPoint: string }[] = [];
  const mountsBefore = await mountPointCounts();
  let stopped: string | null = null;
  const cancelled = () => (options.signal?.aborted ? 'not run: cancelled' : null);

  try {
    for (const source of bindMounts) {
      const id = `bind-mount:${source}`;
      const title = `Bind-mount ${source} into the target`;
      stopped ??= cancelled();
      if (stopped !== null) {
        results.push({ id, title, ok: false, output: stopped });
        continue;
      }
      const mountPoint = path.join(root, source);
      const problem = await prepareMountPoint(root, source);
      if (problem !== null) {
        results.push({ id, title, ok: false, output: problem });
        stopped = `not run: ${source} could not be bind-mounted`;
        continue;
      }
      const result = await runSafely(runner, {
        argv: ['mount', '--bind', '--make-slave', source, mountPoint],
        timeoutMs: 60_000,
      });
      if (result.ok) mounted.push({ source, mountPoint });
      else stopped = `not run: ${source} could not be bind-mounted`;
      results.push({ id, title, ok: result.ok, output: result.output });
    }

    for (const step of plan.steps) {
      stopped ??= cancelled();
      if (stopped !== null) {
        results.push({ id: step.id, title: step.title, ok: false, output: stopped });
        continue;
      }
      if (!step.available) {
        results.push({ id: step.id, title: step.title, ok: false, output: `not available: ${step.reason}` });
        continue;
      }
      const [file = '', ...args] = step.argv; // never empty: validatePlan refused that
      const result = await runSafely(runner, {
        argv: [file, ...args],
        timeoutMs: bootRepairStepTimeoutMs,
        env: { PATH: targetPath },
      });
      results.push({ id: step.id, title: step.title, ok: result.ok, output: result.output });
      if (!result.ok) stopped = `not run: step "${step.id}" failed`;
    }
  } finally {
    for (const mount of [...mounted].reverse()) results.push(await unmount(runner, mount));
    const leftovers = await leftoverMounts(mountsBefore, mounted);
    if (leftovers.length > 0)
      results.push({
        id: 'verify-unmounted',
        title: 'Check that nothing stays mounted in the target',
        ok: false,
        output: `still mounted: ${leftovers.join(', ')}`,
      });
  }
  return { steps: results, ok: results.every((r) => r.ok) };
}

async function validatePlan(plan: BootRepairPlan): Promise<{ root: string; bindMounts: string[] }> {
  if (!path.isAbsolute(plan.targetRoot))
    throw new SystemStateError('INVALID_ARGUMENT', `target root must be absolute: ${plan.targetRoot}`);
  let root: string;
  try {
    root = await realpath(plan.targetRoot);
  } catch (error) {
    throw fromNodeError(error, `opening the target ${plan.targetRoot}`);
  }
  for (const mount of plan.bindMounts)
    if (!allowedBindMounts.includes(mount))
      throw new SystemStateError('INVALID_ARGUMENT', `not a bind mount a boot repair needs: ${mount}`);
  if (root === '/' && plan.bindMounts.length > 0)
    throw new SystemStateError(
      'INVALID_ARGUMENT',
      'the target is this running system: refusing to bind-mount /dev, /proc and /sys onto themselves (plan the repair for "/" without bind mounts)',
    );
  for (const step of plan.steps)
    if (step.available && step.argv.length === 0)
      throw new SystemStateError('INVALID_ARGUMENT', `step ${step.id} is available but has no command`);
  for (const step of plan.steps)
    if (step.argv[0] === 'chroot' && path.resolve(step.argv[1] ?? '') !== path.resolve(plan.targetRoot))
      throw new SystemStateError(
        'INVALID_ARGUMENT',
        `step ${step.id} runs in ${step.argv[1] ?? '?'}, not in the plan's target ${plan.targetRoot}`,
      );
  return { root, bindMounts: allowedBindMounts.filter((m) => plan.bindMounts.includes(m)) };
}

/**
 * Checks that each component of the mount point under the (real) target root is a directory and not a symlink,
 * creating /dev, /proc or /sys when the target lacks them. Nested mount points (/dev/pts, efivars) come from the
 * parent bind mount and must exist. Returns what is wrong, or null.
 */
async function prepareMountPoint(root: string, source: string): Promise<string | null> {
  const parts = source.split('/').filter(Boolean);
  let current = root;
  for (const [index, part] of parts.entries()) {
    current = path.join(current, part);
    const inTarget = `/${parts.slice(0, index + 1).join('/')}`;
    let stats: Awaited<ReturnType<typeof lstat>>;
    try {
      stats = await lstat(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw fromNodeError(error, `checking ${current}`);
      if (!creatableMountPoints.has(inTarget))
        return `${inTarget} does not exist (this machine has no ${source}), so it cannot be bind-mounted`;
      try {
        await mkdir(current, { mode: 0o755 });
      } catch (mkdirError) {
        throw fromNodeError(mkdirError, `creating the mount point ${current}`);
      }
      continue;
    }
    if (stats.isSymbolicLink())
      return `${inTarget} is a symlink in the target: refusing to mount over what it points to`;
    if (!stats.isDirectory()) return `${inTarget} is not a directory in the target`;
  }
  return null;
}

async function unmount(
  runner: CommandRunner,
  mount: { source: string; mountPoint: string },
): Promise<BootRepairStepResult> {
  const id = `unmount:${mount.source}`;
  const title = `Unmount ${mount.source} from the target`;
  const plain = await runSafely(runner, { argv: ['umount', mount.mountPoint], timeoutMs: 60_000 });
  if (plain.ok) return { id, title, ok: true, output: plain.output };
  // Busy (a process of a step still holds it): detach it now, the kernel frees it when the last user goes.
  const lazy = await runSafely(runner, { argv: ['umount', '--lazy', mount.mountPoint], timeoutMs: 60_000 });
  return {
    id,
    title,
    ok: lazy.ok,
    output: lazy.ok
      ? `lazy unmount: ${mount.mountPoint} was busy (${plain.output}); detached with umount --lazy`
      : `could not unmount ${mount.mountPoint}: ${plain.output}; umount --lazy: ${lazy.output}`,
  };
}

/** A runner call as a result line: a thrown exception is a failure of the step, never an escape past unmounting. */
async function runSafely(
  runner: CommandRunner,
  spec: Parameters<CommandRunner['run']>[0],
): Promise<{ ok: boolean; output: string }> {
  let result: CommandResult;
  try {
    result = await runner.run(spec);
  } catch (error) {
    return { ok: false, output: `could not run: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (succeeded(result)) return { ok: true, output: clip(`${result.stdout}${result.stderr}`.trim()) };
  return {
    ok: false,
    output: clip(
      result.kind === 'exited'
        ? `exit ${result.exitCode}: ${`${result.stdout}${result.stderr}`.trim()}`
        : describeResult(result),
    ),
  };
}

function clip(text: string): string {
  return text.length > maxOutputChars ? `…${text.slice(-maxOutputChars)}` : text;
}

/** How many mounts sit on each mount point (mountinfo field 5, with its octal escapes). */
async function mountPointCounts(): Promise<Map<string, number> | null> {
  let text: string;
  try {
    text = await readFile('/proc/self/mountinfo', 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null; // not Linux: nothing to check
    throw fromNodeError(error, 'reading /proc/self/mountinfo');
  }
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const field = line.split(' ')[4];
    if (field === undefined) continue;
    const mountPoint = field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
      String.fromCharCode(Number.parseInt(octal, 8)),
    );
    counts.set(mountPoint, (counts.get(mountPoint) ?? 0) + 1);
  }
  return counts;
}

async function leftoverMounts(
  before: Map<string, number> | null,
  mounted: readonly { mountPoint: string }[],
): Promise<string[]> {
  if (before === null) return [];
  const after = await mountPointCounts();
  if (after === null) return [];
  return mounted
    .map((m) => m.mountPoint)
    .filter((mountPoint) => (after.get(mountPoint) ?? 0) > (before.get(mountPoint) ?? 0));
}

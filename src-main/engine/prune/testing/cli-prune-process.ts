/**
 * Test-only: the built CLI's `prune` as a real process, killed with SIGKILL at a chosen moment.
 *
 * The CLI runs from a private copy of out/main (vitest's global setup keeps out/ current, but any other vitest run
 * on this machine may rebuild it, emptying out/main for a moment) with the native addons copied beside it.
 *
 * Kill points are counted in repository changes: every pack or index file that appears or disappears (a write
 * becomes visible by one rename; a delete is one unlink). Watching data/xx/ and index/ sees them as they happen;
 * the kill lands right after the chosen change, give or take what the process does before the signal arrives.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type FSWatcher, watch } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { isId } from '../../ids';
import { hotpathAddonEnvVariable } from '../../native/hotpath-addon';
import { posixFsAddonEnvVariable } from '../../native/posix-fs-addon';
import { engineWorkerEnvVariable } from '../../parallel/worker-script';
import { testPassword } from '../../testing/restic-cli';

export interface CliBuild {
  script: string;
  env: Record<string, string>;
}

const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');

export async function copyCliBuild(dir: string): Promise<CliBuild> {
  const main = path.join(dir, 'main');
  await mkdir(dir, { recursive: true });
  await cp(path.join(projectRoot, 'out', 'main'), main, { recursive: true });
  const addon = (name: string, file: string) =>
    path.join(projectRoot, 'src-main', 'engine', 'native', name, 'build', 'Release', file);
  await cp(addon('hotpath', 'hotpath.node'), path.join(dir, 'hotpath.node'));
  await cp(addon('posix-fs', 'posix_fs.node'), path.join(dir, 'posix_fs.node'));
  return {
    script: path.join(main, 'cli.js'),
    env: {
      NODE_PATH: path.join(projectRoot, 'node_modules'),
      [engineWorkerEnvVariable]: path.join(main, 'engine-worker.js'),
      [hotpathAddonEnvVariable]: path.join(dir, 'hotpath.node'),
      [posixFsAddonEnvVariable]: path.join(dir, 'posix_fs.node'),
    },
  };
}

export interface PruneRun {
  outcome: 'exited' | 'killed';
  code: number | null;
  stdout: string;
  stderr: string;
  /** Repository changes seen (all of them for a run that exited). */
  changes: number;
}

export interface PruneRunOptions {
  cli: CliBuild;
  repo: string;
  args?: readonly string[];
  /** Kill after this many repository changes (0: after `killAfterMs` instead; undefined: never). */
  killAfterChanges?: number;
  killAfterMs?: number;
}

export async function runCliPrune(options: PruneRunOptions): Promise<PruneRun> {
  const watchers: FSWatcher[] = [];
  let changes = 0;
  let child: ChildProcess | null = null;
  let killed = false;
  const kill = () => {
    if (killed || child === null) return;
    killed = true;
    child.kill('SIGKILL');
  };
  const onEvent = (event: string, name: string | null) => {
    if (event !== 'rename' || name === null || !isId(name)) return;
    changes++;
    if (
      options.killAfterChanges !== undefined &&
      options.killAfterChanges > 0 &&
      changes >= options.killAfterChanges
    ) {
      kill();
    }
  };
  const dirs = [path.join(options.repo, 'index')];
  for (let i = 0; i < 256; i++) dirs.push(path.join(options.repo, 'data', i.toString(16).padStart(2, '0')));
  for (const dir of dirs) watchers.push(watch(dir, onEvent));

  child = spawn(
    process.execPath,
    [options.cli.script, 'prune', '--quiet', '--repo', options.repo, ...(options.args ?? [])],
    {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        BACKUP_MANAGER_PASSWORD: testPassword,
        ...options.cli.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const timer =
    options.killAfterChanges === 0 && options.killAfterMs !== undefined
      ? setTimeout(kill, options.killAfterMs)
      : null;
  const code = await new Promise<number | null>((resolve) => child?.on('close', (c) => resolve(c)));
  if (timer !== null) clearTimeout(timer);
  // Events of the last moments are delivered after the exit; give them a tick before closing the watchers.
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const watcher of watchers) watcher.close();
  return { outcome: killed && code === null ? 'killed' : 'exited', code, ...output, changes };
}

/**
 * Test-only: the built CLI's `prune` as a real process, killed with SIGKILL at a chosen moment.
 *
 * The CLI runs from a private copy of the build (engine/testing/private-cli-build.ts).
 *
 * Kill points are counted in repository changes: every pack or index file that appears or disappears (a write
 * becomes visible by one rename; a delete is one unlink). Watching data/xx/ and index/ sees them as they happen;
 * the kill lands right after the chosen change, give or take what the process does before the signal arrives.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import { isId } from '../../ids';
import type { CliBuild } from '../../testing/private-cli-build';
import { testPassword } from '../../testing/restic-cli';

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

/**
 * Test support: the built helper (out/main/helper.js) as a real child process in test mode, with its own socket
 * and state directory, and clients connected to it over the real socket — what the app and the CLI do.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SessionChangedNotification } from '../../helper-protocol/protocol';
import type { SessionSummary } from '../../helper-protocol/session-model';
import { HelperClient } from '../helper-client';

export const builtHelper = path.resolve(__dirname, '..', '..', '..', 'out', 'main', 'helper.js');

export interface HelperProcess {
  child: ChildProcess;
  socketPath: string;
  stateDir: string;
  /** Everything the helper wrote to stderr so far (its log). */
  output(): string;
  connect(): Promise<HelperClient>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

export async function startHelperProcess(options: {
  socketPath: string;
  stateDir: string;
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}): Promise<HelperProcess> {
  if (!existsSync(builtHelper))
    throw new Error(`${builtHelper} is missing: the vitest global setup builds it`);
  const child = spawn(
    process.execPath,
    [
      builtHelper,
      '--socket',
      options.socketPath,
      '--state-dir',
      options.stateDir,
      ...(options.extraArgs ?? ['--test-mode', '--restart-delay-scale', '0.001', '--workers', '2']),
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', ...options.env },
      ...(options.uid !== undefined && { uid: options.uid, gid: options.gid }),
    },
  );
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const helper: HelperProcess = {
    child,
    socketPath: options.socketPath,
    stateDir: options.stateDir,
    output: () => output,
    connect: () =>
      HelperClient.connect({
        socketPath: options.socketPath,
        testMode: true,
        clientName: 'helper-process-test',
      }),
    exited,
  };
  return helper;
}

/** Waits until the helper accepts connections (it recovers the journal first), or fails with its log. */
export async function waitUntilListening(helper: HelperProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exitedEarly = helper.exited.then((code) => {
    throw new Error(`the helper exited (${code}) before listening:\n${helper.output()}`);
  });
  exitedEarly.catch(() => undefined);
  while (!/listening on /.test(helper.output())) {
    if (Date.now() > deadline) throw new Error(`the helper did not listen in time:\n${helper.output()}`);
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), exitedEarly]);
  }
}

/** Every status a session goes through, as pushed by the helper (session/changed). */
export function recordStatuses(client: HelperClient, sessionId: () => string | null): string[] {
  const statuses: string[] = [];
  client.onNotification(SessionChangedNotification.type, ({ session }: { session: SessionSummary }) => {
    if (session.id !== sessionId()) return;
    if (statuses.at(-1) !== session.status) statuses.push(session.status);
  });
  return statuses;
}

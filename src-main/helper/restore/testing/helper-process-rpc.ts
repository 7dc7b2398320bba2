/**
 * Test support for the helper room: the built helper (out/main/helper.js) as a real child process in test mode,
 * talked to over its real socket with a plain vscode-jsonrpc connection — the helper room may not import the
 * helper client (helper-client/testing/helper-process.ts does the same for the rooms above). Tests only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { helperProtocolVersion, InitializeRequest } from '../../../helper-protocol/protocol';
import { connectToSocket } from '../../server/helper-server-test-support';

export const builtHelper = path.resolve(__dirname, '..', '..', '..', '..', 'out', 'main', 'helper.js');

export interface HelperChild {
  child: ChildProcess;
  socketPath: string;
  output(): string;
  /** A connection that has sent `initialize`. */
  connect(): Promise<MessageConnection>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

export async function startHelperChild(options: {
  socketPath: string;
  stateDir: string;
  extraArgs?: readonly string[];
  timeoutMs?: number;
}): Promise<HelperChild> {
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
      '--test-mode',
      ...(options.extraArgs ?? []),
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC' },
    },
  );
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!/listening on /.test(output)) {
    if (child.exitCode !== null)
      throw new Error(`the helper exited (${child.exitCode}) before listening:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the helper did not listen in time:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const connections: MessageConnection[] = [];
  return {
    child,
    socketPath: options.socketPath,
    output: () => output,
    async connect() {
      const { client } = await connectToSocket(options.socketPath);
      connections.push(client);
      await client.sendRequest(InitializeRequest.type, {
        protocolVersion: helperProtocolVersion,
        client: 'helper-room-test',
      });
      return client;
    },
    async stop() {
      for (const connection of connections) connection.dispose();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

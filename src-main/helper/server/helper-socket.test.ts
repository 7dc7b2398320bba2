/**
 * The helper over a real Unix socket: the listener's ownership and mode, peer authorization against processes
 * running as another user (spawned as nobody, uid 65534 — these tests run as root, like the helper), stale and
 * live sockets, and clients that break the wire format.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  helperProtocolVersion,
  InitializeRequest,
  SessionListRequest,
  SessionWaitRequest,
} from '../../helper-protocol/protocol';
import { createHelperServer, type HelperServer } from './helper-server';
import { isHelperServerError } from './helper-server-error';
import {
  connectToSocket,
  fakeHandlers,
  type MemoryLog,
  memoryLog,
  sessionId,
  waitFor,
} from './helper-server-test-support';
import type { PeerPolicy } from './peer-authorization';
import { listenOnSocket } from './socket-listener';

const nobody = 65534;
const isRoot = process.getuid?.() === 0;

let dir: string;
let socketPath: string;
let log: MemoryLog;
let helper: HelperServer | undefined;
let calls: ReturnType<typeof fakeHandlers>['calls'];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'helper-socket-'));
  // Traversable by nobody, who must reach the socket to be refused by the helper rather than by the filesystem.
  await chmod(dir, 0o755);
  socketPath = path.join(dir, 'run', 'helper.sock');
  log = memoryLog();
});

afterEach(async () => {
  await helper?.close();
  helper = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function startHelper(policy: PeerPolicy, groupId: number | null = nobody): Promise<void> {
  const server = await listenOnSocket({ path: socketPath, groupId, testMode: false, log });
  const fake = fakeHandlers();
  calls = fake.calls;
  helper = createHelperServer({
    handlers: fake.handlers,
    helperVersion: '1.2.3',
    testMode: false,
    policy,
    log,
  });
  helper.attach(server);
}

const rootOnly: PeerPolicy = { helperUid: 0, groupId: 4242, testMode: false };

/**
 * Runs a client as another user that sends an initialize and reports what came back: the response text, or that
 * the connection closed without one. The user is switched by spawn's uid/gid, or by a command prefix (`runAs`,
 * setpriv) when supplementary groups matter: spawn clears them.
 */
function initializeAsOtherUser(
  runAs: { uid: number; gid: number } | string[],
): Promise<{ outcome: string; data: string }> {
  const script = `
    const socket = require('node:net').connect(process.argv[1]);
    let data = '';
    const report = (outcome) => { console.log(JSON.stringify({ outcome, data })); process.exit(0); };
    socket.on('connect', () => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize',
        params: { protocolVersion: ${helperProtocolVersion}, client: 'intruder' } });
      socket.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
    });
    socket.on('data', (chunk) => { data += chunk; if (data.includes('"id":1')) report('answered'); });
    socket.on('error', (error) => report('error ' + error.code));
    socket.on('close', () => report('closed'));
    setTimeout(() => report('timeout'), 10000);
  `;
  const prefix = Array.isArray(runAs) ? runAs : [];
  const [command, ...args] = [...prefix, process.execPath, '-e', script, socketPath];
  return new Promise((resolve, reject) => {
    const child = spawn(command ?? process.execPath, args, {
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(Array.isArray(runAs) ? {} : runAs),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`client exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

describe.runIf(isRoot)('the helper on a real Unix socket', () => {
  it('creates the socket owned by root, group the helper group, mode 0660, and serves a client', async () => {
    await startHelper(rootOnly);
    const stats = await lstat(socketPath);
    expect(stats.isSocket()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o660);
    expect([stats.uid, stats.gid]).toEqual([0, nobody]);
    expect((await lstat(path.dirname(socketPath))).mode & 0o777).toBe(0o755);

    const { client } = await connectToSocket(socketPath);
    try {
      const result = await client.sendRequest(InitializeRequest.type, {
        protocolVersion: helperProtocolVersion,
        client: 'socket test',
      });
      expect(result.helperVersion).toBe('1.2.3');
      expect((await client.sendRequest(SessionListRequest.type, {})).sessions).toHaveLength(1);
    } finally {
      client.dispose();
    }
  });

  it('in test mode leaves the socket to the current user (mode 0660 all the same)', async () => {
    const server = await listenOnSocket({ path: socketPath, groupId: nobody, testMode: true, log });
    try {
      const stats = await lstat(socketPath);
      expect(stats.mode & 0o777).toBe(0o660);
      expect([stats.uid, stats.gid]).toEqual([process.getuid?.(), process.getgid?.()]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a peer that is neither root nor in the group: closed without an answer, and logged', async () => {
    await startHelper(rootOnly);
    await chmod(socketPath, 0o666); // let nobody reach the helper, whose own check must then refuse it
    const result = await initializeAsOtherUser({ uid: nobody, gid: nobody });
    expect(result.data).toBe('');
    // Depending on when the helper drops it, the client sees the close, or a reset or broken pipe on its write.
    expect(result.outcome).toMatch(/^(closed|error ECONNRESET|error EPIPE)$/);
    await waitFor(() => log.lines.some((line) => line.includes('refused')), 'the refusal in the log');
    const refusal = log.lines.find((line) => line.includes('refused'));
    expect(refusal).toMatch(/refused a connection from uid 65534 \(pid \d+, gid 65534\): not root/);
  });

  it('serves a peer whose supplementary groups contain the helper group (read from /proc)', async () => {
    await startHelper({ helperUid: 0, groupId: 4242, testMode: false });
    await chmod(socketPath, 0o666);
    const member = ['setpriv', `--reuid=${nobody}`, `--regid=${nobody}`, '--groups=4242', '--'];
    const result = await initializeAsOtherUser(member);
    expect(result.outcome).toBe('answered');
    expect(result.data).toContain('"helperVersion":"1.2.3"');
  });

  it('cancels a running handler when its client disconnects', async () => {
    await startHelper(rootOnly);
    const { client, socket } = await connectToSocket(socketPath);
    await client.sendRequest(InitializeRequest.type, { protocolVersion: helperProtocolVersion, client: 't' });
    client
      .sendRequest(SessionWaitRequest.type, { id: sessionId })
      .catch(() => 'rejected once the socket is destroyed below; the test checks the helper side');
    await waitFor(() => calls.waitContexts.length === 1, 'the wait handler to start');
    socket.destroy();
    await waitFor(() => calls.waitCancelled === 1, 'the handler to be cancelled');
    expect(helper?.connectionCount()).toBe(0);
    client.dispose();
  });

  it('keeps serving after clients send garbage headers or invalid JSON', async () => {
    await startHelper(rootOnly);
    const garbage = [
      'Content-Length: banana\r\n\r\n{}',
      'Content-Length: 6\r\n\r\n{bad}}',
      'Content-Type: text/plain\r\n\r\nhello',
    ];
    for (const bytes of garbage) {
      const raw = net.connect(socketPath);
      const closed = new Promise<void>((resolve) => raw.on('close', () => resolve()));
      raw.on('error', () => 'the helper may reset the connection; the close below is what is checked');
      raw.write(bytes);
      await closed;
    }
    expect(log.lines.filter((line) => line.includes('closed after a transport error'))).toHaveLength(3);
    const { client } = await connectToSocket(socketPath);
    try {
      await client.sendRequest(InitializeRequest.type, {
        protocolVersion: helperProtocolVersion,
        client: 'after',
      });
      expect((await client.sendRequest(SessionListRequest.type, {})).sessions).toHaveLength(1);
    } finally {
      client.dispose();
    }
  });
});

describe.runIf(isRoot)('the socket path', () => {
  it("replaces a dead helper's socket", async () => {
    const listenThenDie = `require('node:net').createServer().listen(process.argv[1], () => process.kill(process.pid, 'SIGKILL'))`;
    await import('node:fs/promises').then(({ mkdir }) => mkdir(path.dirname(socketPath)));
    await new Promise<void>((resolve) => {
      spawn(process.execPath, ['-e', listenThenDie, socketPath]).on('close', () => resolve());
    });
    expect((await lstat(socketPath)).isSocket()).toBe(true);
    await startHelper(rootOnly);
    expect(log.lines).toContain(`info: removing the stale socket ${socketPath} (nobody answers on it)`);
    const { client } = await connectToSocket(socketPath);
    const result = await client.sendRequest(InitializeRequest.type, {
      protocolVersion: helperProtocolVersion,
      client: 'after the stale socket',
    });
    expect(result.pid).toBe(process.pid);
    client.dispose();
  });

  it('fails with HELPER_ALREADY_RUNNING when a live helper answers, and leaves it serving', async () => {
    await startHelper(rootOnly);
    const second = await listenOnSocket({ path: socketPath, groupId: nobody, testMode: false, log }).then(
      () => 'listening',
      (error: unknown) => (isHelperServerError(error) ? error.code : String(error)),
    );
    expect(second).toBe('HELPER_ALREADY_RUNNING');
    const { client } = await connectToSocket(socketPath);
    await client.sendRequest(InitializeRequest.type, { protocolVersion: helperProtocolVersion, client: 'x' });
    client.dispose();
  });

  it('never deletes something that is not a socket', async () => {
    const regular = path.join(dir, 'not-a-socket');
    await writeFile(regular, 'precious');
    const outcome = await listenOnSocket({ path: regular, groupId: null, testMode: false, log }).then(
      () => 'listening',
      (error: unknown) => (isHelperServerError(error) ? error.code : String(error)),
    );
    expect(outcome).toBe('SOCKET_PATH_OCCUPIED');
    expect(await readFile(regular, 'utf8')).toBe('precious');
    expect(existsSync(regular)).toBe(true);
  });
});

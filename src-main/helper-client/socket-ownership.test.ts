import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHelperClientError } from './helper-client-errors';
import { verifySocketOwnership } from './socket-ownership';

const nobody = 65534;
const isRoot = process.getuid?.() === 0;

let dir: string;
let runDir: string;
let socketPath: string;
let server: net.Server | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'socket-ownership-'));
  runDir = path.join(dir, 'run');
  await mkdir(runDir, { mode: 0o755 });
  await chmod(runDir, 0o755);
  socketPath = path.join(runDir, 'helper.sock');
});

afterEach(async () => {
  const listening = server;
  server = undefined;
  if (listening) await new Promise((resolve) => listening.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function listen(at = socketPath): Promise<void> {
  const created = net.createServer();
  await new Promise<void>((resolve) => created.listen(at, resolve));
  server = created;
  await chmod(at, 0o660);
}

/** The code verifySocketOwnership fails with, or 'trusted'. */
async function verdict(options: { testMode?: boolean } = {}, at = socketPath): Promise<string> {
  try {
    await verifySocketOwnership(at, options);
    return 'trusted';
  } catch (error) {
    if (isHelperClientError(error)) return error.code;
    throw error;
  }
}

describe.runIf(isRoot)('verifySocketOwnership', () => {
  it("trusts a root-owned socket in root's directory", async () => {
    await listen();
    expect(await verdict()).toBe('trusted');
    // Test mode expects the current user, who is root here.
    expect(await verdict({ testMode: true })).toBe('trusted');
  });

  it('reports a missing socket as HELPER_NOT_INSTALLED', async () => {
    expect(await verdict()).toBe('HELPER_NOT_INSTALLED');
    expect(await verdict({}, path.join(dir, 'no-such-dir', 'helper.sock'))).toBe('HELPER_NOT_INSTALLED');
  });

  it('distrusts a socket owned by another user, in either mode', async () => {
    await listen();
    await chown(socketPath, nobody, nobody);
    await expect(verifySocketOwnership(socketPath)).rejects.toThrow(
      `${socketPath} is owned by uid ${nobody}, not root; refusing to trust it`,
    );
    expect(await verdict({ testMode: true })).toBe('HELPER_UNTRUSTED');
  });

  it('distrusts a regular file and a symbolic link, even to a good socket', async () => {
    await writeFile(socketPath, 'not a socket');
    expect(await verdict()).toBe('HELPER_UNTRUSTED');
    const real = path.join(runDir, 'real.sock');
    await listen(real);
    const link = path.join(runDir, 'link.sock');
    await symlink(real, link);
    expect(await verdict({}, real)).toBe('trusted');
    expect(await verdict({}, link)).toBe('HELPER_UNTRUSTED');
  });

  it('distrusts a world-writable socket', async () => {
    await listen();
    await chmod(socketPath, 0o666);
    await expect(verifySocketOwnership(socketPath)).rejects.toThrow('writable by everyone');
  });

  it('distrusts a socket in a directory others could change, unless the directory is sticky', async () => {
    await listen();
    await chmod(runDir, 0o777);
    await expect(verifySocketOwnership(socketPath)).rejects.toThrow('writable by others');
    await chmod(runDir, 0o1777);
    expect(await verdict()).toBe('trusted');
    await chmod(runDir, 0o755);
    await chown(runDir, nobody, nobody);
    expect(await verdict()).toBe('HELPER_UNTRUSTED');
  });
});

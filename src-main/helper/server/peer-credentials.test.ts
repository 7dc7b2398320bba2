import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHelperServerError } from './helper-server-error';
import { loadPeerCredentialsAddonFrom, peerOf, supplementaryGroupsOf } from './peer-credentials';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'peer-credentials-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isHelperServerError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('peerOf', () => {
  it('reports the pid, uid and gid of the connected process', async () => {
    const socketPath = path.join(dir, 's.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const client = net.connect(socketPath);
    const socket = await accepted;
    try {
      expect(peerOf(socket)).toEqual({ pid: process.pid, uid: process.getuid?.(), gid: process.getgid?.() });
      socket.destroy();
      expect(codeOf(() => peerOf(socket))).toBe('PEER_CREDENTIALS_UNAVAILABLE');
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the addon loader', () => {
  it('names every place searched when the addon is missing or is not the addon', async () => {
    const impostor = path.join(dir, 'impostor.js');
    await writeFile(impostor, 'module.exports = { somethingElse() {} };');
    let message = '';
    try {
      loadPeerCredentialsAddonFrom([path.join(dir, 'a', 'peer_credentials.node'), impostor]);
    } catch (error) {
      if (!isHelperServerError(error, 'PEER_CREDENTIALS_UNAVAILABLE')) throw error;
      message = error.message;
    }
    expect(message).toContain(`${path.join(dir, 'a', 'peer_credentials.node')}: not found`);
    expect(message).toContain(`${impostor}: not the peer-credentials addon`);
    expect(message).toContain('node-gyp rebuild --directory src-main/helper/native/peer-credentials');
  });
});

describe('supplementaryGroupsOf', () => {
  async function fakeStatus(pid: number, lines: string[]): Promise<void> {
    await mkdir(path.join(dir, String(pid)), { recursive: true });
    await writeFile(path.join(dir, String(pid), 'status'), `${lines.join('\n')}\n`);
  }

  it('reads the Groups: line of the process status', async () => {
    await fakeStatus(77, ['Name:\tbash', 'Uid:\t1000\t1000\t1000\t1000', 'Groups:\t4 24 27 1500 ']);
    expect(await supplementaryGroupsOf(77, 1000, dir)).toEqual([4, 24, 27, 1500]);
    await fakeStatus(78, ['Uid:\t1000\t1000\t1000\t1000', 'Groups:\t']);
    expect(await supplementaryGroupsOf(78, 1000, dir)).toEqual([]);
  });

  it("refuses a status that belongs to another user (the peer's pid was reused)", async () => {
    await fakeStatus(79, ['Uid:\t0\t0\t0\t0', 'Groups:\t1500']);
    await expect(supplementaryGroupsOf(79, 1000, dir)).rejects.toThrow(/belongs to uid 0\/0\/0\/0/);
    await expect(supplementaryGroupsOf(80, 1000, dir)).rejects.toMatchObject({
      code: 'PEER_CREDENTIALS_UNAVAILABLE',
    });
  });

  it('reads this process from the real /proc', async () => {
    const groups = await supplementaryGroupsOf(process.pid, process.getuid?.() ?? 0);
    // Node's getgroups adds the effective gid to the supplementary groups (/proc lists those only).
    const expected = new Set(process.getgroups?.());
    expect(new Set([...groups, process.getegid?.()])).toEqual(expected);
  });
});

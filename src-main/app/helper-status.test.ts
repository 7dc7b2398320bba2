import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeHelper, waitFor } from '../helper-client/fake-helper-test-support';
import { HelperConnection } from '../helper-client/helper-connection';
import { defaultHelperSocketPath } from '../helper-protocol/protocol';
import type { EventChannel, HelperStatus } from '../ipc/contract';
import { sampleOverview } from '../ipc/test-handlers';
import { createAppService } from './app-service';
import { helperEndpointFromEnv, helperStatusSource } from './helper-status';

describe('helper endpoint', () => {
  it('uses the installed socket unless BACKUP_MANAGER_HELPER_SOCKET names another; test mode only with =1', () => {
    expect(helperEndpointFromEnv({}, 'linux')).toEqual({
      socketPath: '/run/backup-manager/helper.sock',
      testMode: false,
    });
    expect(defaultHelperSocketPath('win32')).toBe('\\\\.\\pipe\\backup-manager-helper');
    expect(
      helperEndpointFromEnv(
        { BACKUP_MANAGER_HELPER_SOCKET: '/tmp/h.sock', BACKUP_MANAGER_HELPER_TEST_MODE: '1' },
        'linux',
      ),
    ).toEqual({ socketPath: '/tmp/h.sock', testMode: true });
    expect(helperEndpointFromEnv({ BACKUP_MANAGER_HELPER_TEST_MODE: 'yes' }, 'linux').testMode).toBe(false);
  });
});

describe('helper status in the app service (a real connection observer)', () => {
  let dir: string;
  let connection: HelperConnection | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bm-app-helper-'));
  });
  afterEach(async () => {
    connection?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function serviceOn(socketPath: string) {
    connection = new HelperConnection({
      socketPath,
      testMode: true,
      clientName: 'app-test',
      backoff: { initialMs: 20, maxMs: 50 },
    });
    const service = createAppService({
      info: { version: '1.2.3', mode: 'console' },
      collectOverview: async () => sampleOverview,
      helper: helperStatusSource(connection),
    });
    const pushed: HelperStatus[] = [];
    service.events.onAny((event: EventChannel, payload) => {
      if (event === 'helper.statusChanged') pushed.push(payload as HelperStatus);
    });
    connection.start();
    return { service, pushed };
  }

  it('pushes what to do when no helper listens (test mode: start one by hand), then connected once one does', async () => {
    const socketPath = path.join(dir, 'helper.sock');
    const { service, pushed } = serviceOn(socketPath);
    await waitFor(() => pushed.some((s) => s.state === 'unreachable'), 'unreachable');
    const missing = pushed.find((s) => s.state === 'unreachable');
    expect(missing?.detail).toContain(socketPath);
    expect(missing?.action).toMatch(/npm run helper -- --socket PATH --state-dir DIR --test-mode/);
    expect(missing?.helperVersion).toBeNull();

    const helper = await startFakeHelper(socketPath, 'serve', '7.8.9');
    try {
      await waitFor(() => pushed.at(-1)?.state === 'connected', 'connected');
      expect(pushed.at(-1)).toEqual({
        state: 'connected',
        detail: expect.stringContaining('7.8.9'),
        action: '',
        helperVersion: '7.8.9',
      });
      expect((await service.handlers['state.get']({})).helper.state).toBe('connected');
    } finally {
      connection?.stop();
      await helper.stop();
    }
  });

  it('reports a helper of another protocol version as version-mismatch', async () => {
    const socketPath = path.join(dir, 'helper.sock');
    const helper = await startFakeHelper(socketPath, 'mismatch');
    try {
      const { pushed } = serviceOn(socketPath);
      await waitFor(() => pushed.some((s) => s.state === 'version-mismatch'), 'version-mismatch');
      expect(pushed.find((s) => s.state === 'version-mismatch')?.action).toMatch(/same version/);
    } finally {
      connection?.stop();
      await helper.stop();
    }
  });
});

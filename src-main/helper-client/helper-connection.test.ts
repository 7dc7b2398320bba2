import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionChangedNotification, SessionListRequest } from '../helper-protocol/protocol';
import type { SessionSummary } from '../helper-protocol/session-model';
import {
  type FakeHelper,
  type FakeHelperBehaviour,
  startFakeHelper,
  waitFor,
} from './fake-helper-test-support';
import { HelperConnection, type ReconnectBackoff } from './helper-connection';
import type { HelperStatus } from './helper-status';

const isRoot = process.getuid?.() === 0;
const sessionId = '20250101-120000-abcdef';

let dir: string;
let socketPath: string;
let helper: FakeHelper | undefined;
let observer: HelperConnection | undefined;
let statuses: HelperStatus[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'helper-connection-'));
  socketPath = path.join(dir, 'helper.sock');
  statuses = [];
});

afterEach(async () => {
  observer?.stop();
  observer = undefined;
  await helper?.stop();
  helper = undefined;
  await rm(dir, { recursive: true, force: true });
});

function observe(backoff: ReconnectBackoff = { initialMs: 20, maxMs: 200 }): HelperConnection {
  observer = new HelperConnection({ socketPath, clientName: 'observer test', backoff });
  observer.onStatus((status) => statuses.push(status));
  return observer;
}

async function startHelper(behaviour: FakeHelperBehaviour = 'serve', version = '1.0.0'): Promise<FakeHelper> {
  helper = await startFakeHelper(socketPath, behaviour, version);
  return helper;
}

async function stopHelper(): Promise<void> {
  await helper?.stop();
  helper = undefined;
}

const states = () =>
  statuses.map((status) => `${status.state}${status.helperVersion ? ` ${status.helperVersion}` : ''}`);

/** Gaps between consecutive accepted connections, in ms. */
function gaps(times: number[]): number[] {
  return times.slice(1).map((time, index) => time - (times[index] ?? time));
}

describe.runIf(isRoot)('HelperConnection', () => {
  it('connects, notices the helper going away, and reconnects once it is back', async () => {
    await startHelper('serve', '1.0.0');
    const connection = observe();
    expect(connection.currentStatus().state).toBe('connecting');
    connection.start();
    await waitFor(() => connection.currentStatus().state === 'connected', 'the first connection');
    expect(connection.current()?.info.helperVersion).toBe('1.0.0');
    expect(await connection.current()?.request(SessionListRequest.type, {})).toEqual({ sessions: [] });

    await stopHelper();
    await waitFor(() => connection.currentStatus().state === 'not-installed', 'the socket to be missed');
    expect(connection.current()).toBeNull();
    await startHelper('serve', '1.0.1');
    await waitFor(() => connection.currentStatus().state === 'connected', 'the reconnection');

    expect(states()).toEqual(['connected 1.0.0', 'connecting', 'not-installed', 'connected 1.0.1']);
    expect(statuses[0]).toEqual({
      state: 'connected',
      detail: 'Connected to the Backup Manager helper 1.0.0 (test mode: it runs as your own user).',
      action: '',
      helperVersion: '1.0.0',
    });
    expect(connection.current()?.info.helperVersion).toBe('1.0.1');
  });

  it('says the helper is not installed, and what to do, while there is no socket', async () => {
    const connection = observe();
    connection.start();
    await waitFor(() => statuses.length > 0, 'a status');
    expect(statuses[0]).toEqual({
      state: 'not-installed',
      detail: `No helper socket at ${socketPath}.`,
      action: 'Install the Backup Manager helper service (it comes with the Backup Manager package).',
      helperVersion: null,
    });
    expect(connection.current()).toBeNull();
  });

  it('retries with doubling delays up to the maximum', async () => {
    const refusing = await startHelper('refuse-peer');
    const connection = observe({ initialMs: 20, maxMs: 160 });
    connection.start();
    await waitFor(() => refusing.acceptedAt.length >= 7, 'seven attempts');
    expect(connection.currentStatus().state).toBe('unreachable');
    expect(connection.currentStatus().action).toContain('usermod -aG backup-manager');
    const delays = gaps(refusing.acceptedAt.slice(0, 7));
    // A timer never fires early; a busy machine only makes the gaps longer, so each is checked from below.
    [20, 40, 80, 160, 160, 160].forEach((delay, index) => {
      expect(delays[index]).toBeGreaterThanOrEqual(delay - 1);
    });
    expect(Math.max(...delays)).toBeLessThan(160 + 1000);
  });

  it('starts over at the shortest delay after a success', async () => {
    const refusing = await startHelper('refuse-peer');
    const connection = observe({ initialMs: 20, maxMs: 5000 });
    connection.start();
    // Attempts at 0, 20, 60, 140 and 300 ms: the delays have grown to 320 ms, then 640 ms.
    await waitFor(() => refusing.acceptedAt.length >= 5, 'five attempts');
    await stopHelper();
    await startHelper('serve');
    await waitFor(() => connection.currentStatus().state === 'connected', 'the connection', 10_000);
    await stopHelper();
    await waitFor(() => connection.currentStatus().state !== 'connected', 'the loss');
    const lostAt = Date.now();
    await startHelper('serve');
    await waitFor(() => connection.currentStatus().state === 'connected', 'the reconnection', 10_000);
    // Without the reset the first retry alone would wait 640 ms or more.
    expect(Date.now() - lostAt).toBeLessThan(500);
  });

  it('reports a version mismatch, with what to do, and retries only at the maximum delay', async () => {
    const mismatching = await startHelper('mismatch');
    const connection = observe({ initialMs: 10, maxMs: 150 });
    connection.start();
    await waitFor(() => mismatching.acceptedAt.length >= 3, 'three attempts');
    expect(states()).toEqual(['version-mismatch']);
    expect(statuses[0]?.action).toBe('Update Backup Manager so the app and the helper are the same version.');
    expect(statuses[0]?.detail).toMatch(
      /^Helper speaks protocol \d+, client \d+: install matching versions\.$/,
    );
    for (const delay of gaps(mismatching.acceptedAt.slice(0, 3))) expect(delay).toBeGreaterThanOrEqual(149);
  });

  it('keeps notification handlers across reconnections', async () => {
    await startHelper();
    const connection = observe();
    const seen: string[] = [];
    connection.onNotification(SessionChangedNotification.type, ({ session }) => {
      seen.push(session.id);
    });
    connection.start();
    await waitFor(() => connection.currentStatus().state === 'connected', 'the connection');
    const session = { id: sessionId } as SessionSummary;
    await helper?.notify(SessionChangedNotification.type, { session });
    await waitFor(() => seen.length === 1, 'the first notification');

    await stopHelper();
    await waitFor(() => connection.currentStatus().state !== 'connected', 'the loss');
    await startHelper();
    await waitFor(() => connection.currentStatus().state === 'connected', 'the reconnection');
    await helper?.notify(SessionChangedNotification.type, { session: { ...session, id: 'second' } });
    await waitFor(() => seen.length === 2, 'the notification after reconnecting');
    expect(seen).toEqual([sessionId, 'second']);
  });

  it('stops reconnecting when stopped', async () => {
    const refusing = await startHelper('refuse-peer');
    const connection = observe({ initialMs: 10, maxMs: 20 });
    connection.start();
    await waitFor(() => refusing.acceptedAt.length >= 2, 'two attempts');
    connection.stop();
    const attempts = refusing.acceptedAt.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(refusing.acceptedAt.length).toBe(attempts);
    expect(connection.current()).toBeNull();
  });
});

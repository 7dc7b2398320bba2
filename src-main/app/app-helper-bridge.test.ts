/**
 * The app service against the REAL helper process (the built out/main/helper.js in test mode) through a real
 * HelperConnection, every request going through the contract's dispatcher (so every result is also checked
 * against the contract's strict schemas): what the UI screens will show of this machine, a snapshot location
 * saved and read back, a System state session watched through the pushed events to Completed, its log, and the
 * diagnostic report. One helper for the whole file; the tests run in order and build on each other.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelperConnection } from '../helper-client/helper-connection';
import {
  builtHelper,
  type HelperProcess,
  startHelperProcess,
  waitUntilListening,
} from '../helper-client/testing/helper-process';
import type { EventChannel, RequestChannel, RequestParams, RequestResult, Result } from '../ipc/contract';
import { createRequestDispatcher, type RequestDispatcher } from '../ipc/request-dispatcher';
import { type AppService, createAppService } from './app-service';
import { helperStatusSource } from './helper-status';

const password = 'app-helper-bridge-secret';
let dir: string;
let repository: string;
let passwordFile: string;
let location: string;
let helper: HelperProcess;
let connection: HelperConnection;
let service: AppService;
let dispatcher: RequestDispatcher;
const events: { event: EventChannel; payload: unknown; at: number }[] = [];
const internal: unknown[] = [];
const logs: string[] = [];
/** Every answer the app gave, to prove no password is ever in one. */
const answers: unknown[] = [];

async function call<C extends RequestChannel>(
  channel: C,
  params: RequestParams<C>,
): Promise<Result<RequestResult<C>>> {
  const result = (await dispatcher.dispatch(channel, params)) as Result<RequestResult<C>>;
  answers.push(result);
  return result;
}

async function ok<C extends RequestChannel>(channel: C, params: RequestParams<C>): Promise<RequestResult<C>> {
  const result = await call(channel, params);
  if (!result.ok) throw new Error(`${channel} failed: ${result.code}: ${result.message}`);
  return result.value;
}

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${helper.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bm-app-bridge-'));
  repository = path.join(dir, 'repo');
  passwordFile = path.join(dir, 'password');
  location = path.join(dir, 'location');
  await mkdir(location);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  // The app may not import the engine, so the repository is created the way a user would: with the CLI.
  await promisify(execFile)(
    process.execPath,
    [
      path.join(path.dirname(builtHelper), 'cli.js'),
      'init',
      '--repo',
      repository,
      '--password-file',
      passwordFile,
    ],
    { env: { PATH: process.env.PATH, HOME: process.env.HOME } },
  );
  helper = await startHelperProcess({
    socketPath: path.join(dir, 'run', 'helper.sock'),
    stateDir: path.join(dir, 'state'),
  });
  await waitUntilListening(helper);
  connection = new HelperConnection({
    socketPath: helper.socketPath,
    testMode: true,
    clientName: 'app-helper-bridge-test',
    backoff: { initialMs: 50, maxMs: 500 },
  });
  service = createAppService({
    info: { version: '0.0.0-test', mode: 'console' },
    collectOverview: () => Promise.reject(new Error('not in these tests')),
    helper: helperStatusSource(connection),
    helperRequests: () => connection.current(),
    helperNotifications: connection,
    log: (message) => logs.push(message),
  });
  service.events.onAny((event, payload) => events.push({ event, payload, at: Date.now() }));
  dispatcher = createRequestDispatcher(service.handlers, {
    onInternalError: (_channel, error) => internal.push(error),
  });
  connection.start();
  await until('the helper connection', () => connection.current() !== null);
}, 60_000);

afterAll(async () => {
  service?.dispose();
  connection?.stop();
  if (helper && helper.child.exitCode === null) {
    helper.child.kill('SIGTERM');
    await helper.exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the app service on the real helper', () => {
  it('shows the System state components detected on this machine and their total', async () => {
    const { components, estimate } = await ok('systemState.components', {});
    const configuration = components.find((c) => c.id === 'linux.configuration');
    expect(configuration).toMatchObject({ detected: true, title: expect.any(String) });
    expect(configuration?.paths).toContain('/etc');
    expect(configuration?.evidence.some((line) => line.startsWith('/etc:'))).toBe(true);
    const detected = components.filter((c) => c.detected);
    expect(estimate.bytes).toBe(detected.reduce((sum, c) => sum + c.estimate.bytes, 0));
    expect(estimate.files).toBe(detected.reduce((sum, c) => sum + c.estimate.files, 0));
    expect(estimate.bytes).toBeGreaterThan(0);
  });

  it('changes the helper settings, and reports a refused change with its code', async () => {
    const { settings } = await ok('settings.set', { repository, passwordFile, retention: { keepLast: 3 } });
    expect(settings).toEqual({
      repository,
      passwordFile,
      snapshotLocation: null,
      retention: { keepLast: 3 },
      sshKeyFile: null,
      trustedHostKeys: [],
      s3CredentialsFile: null,
    });
    expect((await ok('settings.get', {})).settings).toEqual(settings);
    const refused = await call('settings.set', { passwordFile: path.join(dir, 'missing-password') });
    expect(refused).toMatchObject({ ok: false, code: 'SETTINGS_INVALID' });
    if (!refused.ok) expect(refused.message).toContain('passwordFile');
  });

  it('runs the preflight with the free-space numbers, also for a location that does not exist', async () => {
    const { estimate } = await ok('systemState.components', {});
    const preflight = await ok('systemState.preflight', {});
    expect(preflight.locationSource).toBe('default');
    const freeSpaceCheck = preflight.checks.find((c) => c.id === 'free-space');
    expect(freeSpaceCheck).toMatchObject({
      status: 'pass',
      code: 'OK',
      title: 'Free space for the snapshot',
    });
    expect(preflight.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['services', 'provider-health']),
    );
    expect(preflight.freeSpace).toMatchObject({
      location: preflight.location,
      estimateBytes: estimate.bytes,
      failBelowBytes: Math.ceil(estimate.bytes * 1.1),
      warnBelowBytes: Math.ceil(estimate.bytes * 1.5),
      status: 'pass',
      suggestedDrive: null,
    });
    expect(preflight.freeSpace?.freeBytes).toBeGreaterThan(estimate.bytes);

    const elsewhere = await ok('systemState.preflight', { location: path.join(dir, 'nowhere') });
    expect(elsewhere).toMatchObject({ locationSource: 'override', freeSpace: null, overall: 'fail' });
    expect(elsewhere.checks.find((c) => c.id === 'free-space')).toMatchObject({
      status: 'fail',
      code: 'INVALID_LOCATION',
    });
  });

  it('saves a validated snapshot location in the helper settings, refuses a missing one, and goes back', async () => {
    const before = await ok('snapshotLocation.get', {});
    expect(before).toMatchObject({ source: 'default', current: before.default });
    expect(before.drives.find((d) => d.isSystemDrive)?.freeBytes).toBeGreaterThan(0);

    const missing = await call('snapshotLocation.set', { location: path.join(dir, 'nowhere') });
    expect(missing).toMatchObject({ ok: false, code: 'INVALID_LOCATION' });
    if (!missing.ok) expect(missing.message).toContain('does not exist');

    expect(await ok('snapshotLocation.set', { location })).toMatchObject({
      current: location,
      source: 'settings',
    });
    expect(await ok('snapshotLocation.get', {})).toMatchObject({ current: location, source: 'settings' });
    // One snapshot location: the one the helper's sessions read.
    expect((await ok('settings.get', {})).settings.snapshotLocation).toBe(location);
    expect((await ok('systemState.preflight', {})).locationSource).toBe('settings');

    expect(await ok('snapshotLocation.set', { location: null })).toMatchObject({ source: 'default' });
    expect((await ok('settings.get', {})).settings.snapshotLocation).toBeNull();
    // The session below puts its temporary copy there, not on the system disk.
    await ok('snapshotLocation.set', { location });
  });

  it('starts a session and follows it through the pushed events to Completed, then shows it and its log', async () => {
    const startedAt = Date.now();
    const { session, created } = await ok('sessions.start', { source: 'system-state' });
    expect(created).toBe(true);
    const changes = () =>
      events.flatMap((e) =>
        e.event === 'session.changed' && (e.payload as { session: { id: string } }).session.id === session.id
          ? [(e.payload as { session: { status: string; phase: string } }).session]
          : [],
      );
    await until('the session to end', () => changes().some((s) => s.status !== 'in-process'), 45_000);
    const endedAt = Date.now();
    expect(changes().at(-1)).toMatchObject({ status: 'completed', phase: 'done' });
    expect(new Set(changes().map((s) => s.phase))).toEqual(
      new Set(['queued', 'preflight', 'snapshot', 'collect', 'backup', 'verify', 'cleanup', 'done']),
    );
    const progress = events.filter(
      (e) => e.event === 'session.progress' && (e.payload as { sessionId: string }).sessionId === session.id,
    );
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.some((e) => (e.payload as { phase: string }).phase === 'backup')).toBe(true);
    // No more than the helper's 10 a second, plus one at once for each phase change: the app adds nothing.
    const seconds = Math.max(1, (endedAt - startedAt) / 1000);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 8);

    const { sessions } = await ok('sessions.list', { source: 'system-state' });
    expect(sessions.map((s) => s.id)).toEqual([session.id]);
    const shown = (await ok('sessions.show', { id: session.id })).session;
    expect(shown).toMatchObject({ status: 'completed', repository, paths: expect.arrayContaining(['/etc']) });
    expect(shown.attempts).toHaveLength(1);
    expect(shown.transitions.map((t) => t.phase)).toEqual(
      expect.arrayContaining(['queued', 'backup', 'done']),
    );
    expect(shown.stats?.filesNew).toBeGreaterThan(0);
    expect(shown.snapshotId).toMatch(/^[0-9a-f]{64}$/);

    const { entries } = await ok('sessions.log', { id: session.id });
    expect(entries.length).toBeGreaterThan(0);
    const last = entries.at(-1)?.seq ?? 0;
    expect((await ok('sessions.log', { id: session.id, afterSeq: last })).entries).toEqual([]);
    expect(await call('sessions.log', { id: '20990101-000000-abcdef' })).toMatchObject({
      ok: false,
      code: 'SESSION_NOT_FOUND',
    });
    // Cancelling a finished session changes nothing.
    expect((await ok('sessions.cancel', { id: session.id })).session.status).toBe('completed');
  }, 50_000);

  it('builds the diagnostic report with the checks, for the location the sessions use', async () => {
    const { report, text } = await ok('diagnostics.report', {});
    expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['free-space', 'services']));
    expect(report.snapshot).toMatchObject({ location, locationSource: 'settings' });
    expect(report.components.find((c) => c.id === 'linux.configuration')?.detected).toBe(true);
    expect(text).toContain('diagnostic report');
    expect(text).toContain('Free space for the snapshot');
  });

  it('sets and reads the Files schedule (the Files selection), and reports a refused one with its code', async () => {
    const files = path.join(dir, 'files');
    const { schedules } = await ok('schedule.set', {
      source: 'files',
      spec: { kind: 'daily', time: '02:30' },
      paths: [files],
    });
    expect(schedules.find((s) => s.source === 'files')).toMatchObject({
      paths: [files],
      spec: { kind: 'daily' },
    });
    expect((await ok('schedule.get', {})).schedules).toEqual(schedules);
    const refused = await call('schedule.set', { source: 'files', spec: { kind: 'daily', time: '03:00' } });
    expect(refused).toMatchObject({ ok: false, code: 'SCHEDULE_INVALID' });
  });

  it('keeps the Files exclude patterns with the schedule, and refuses a malformed one with INVALID_EXCLUDE', async () => {
    const files = path.join(dir, 'files');
    const { schedules } = await ok('schedule.set', {
      source: 'files',
      spec: { kind: 'off' },
      paths: [files],
      excludes: ['*.tmp', '**/node_modules'],
    });
    expect(schedules.find((s) => s.source === 'files')?.excludes).toEqual(['*.tmp', '**/node_modules']);
    const refused = await call('schedule.set', {
      source: 'files',
      spec: { kind: 'off' },
      paths: [files],
      excludes: ['[abc'],
    });
    expect(refused).toMatchObject({ ok: false, code: 'INVALID_EXCLUDE' });
    // The refused change left the saved patterns as they were.
    const kept = (await ok('schedule.get', {})).schedules.find((s) => s.source === 'files');
    expect(kept?.excludes).toEqual(['*.tmp', '**/node_modules']);
    const empty = await call('schedule.set', { source: 'files', spec: { kind: 'off' }, excludes: [''] });
    expect(empty).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    const start = await call('sessions.start', { source: 'files', paths: [files], excludes: ['[abc'] });
    expect(start).toMatchObject({
      ok: false,
      code: 'SESSION_FAILED_TO_START',
      message: expect.stringContaining('INVALID_EXCLUDE'),
    });
  });

  it('never put a password in an answer or an event, and nothing was left undelivered', () => {
    expect(JSON.stringify(answers)).not.toContain(password);
    expect(JSON.stringify(events)).not.toContain(password);
    expect(internal).toEqual([]);
    expect(logs).toEqual([]);
  });
});

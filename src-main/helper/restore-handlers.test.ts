/**
 * The restore handlers behind the real JSON-RPC server (in-memory connection): params the schemas refuse answer
 * INVALID_PARAMS before any handler runs, the wizard's refusals keep their codes over the wire
 * (RESTORE_HANDLE_UNKNOWN, RESTORE_JOB_NOT_FOUND, CONFIRMATION_MISMATCH, BOOT_REPAIR_UNAVAILABLE), a whole wizard
 * round trip works (open → machines → sessions → compatibility → plan → start → restore/changed → wait → jobs),
 * and a cancelled restore/wait answers CANCELLED while the job goes on.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancellationTokenSource, type MessageConnection, ResponseError } from 'vscode-jsonrpc/node';
import { helperProtocolVersion, InitializeRequest } from '../helper-protocol/protocol';
import type { RestoreJob } from '../helper-protocol/restore-model';
import {
  RestoreBootRepairRequest,
  RestoreChangedNotification,
  RestoreCompatibilityRequest,
  RestoreJobRequest,
  RestoreJobsRequest,
  RestoreMachinesRequest,
  RestoreOpenRequest,
  RestorePlanRequest,
  RestoreRollbackRequest,
  RestoreSessionsRequest,
  RestoreStartRequest,
  RestoreTestScheduleGetRequest,
  RestoreTestScheduleSetRequest,
  RestoreWaitRequest,
} from '../helper-protocol/restore-protocol';
import type { CommandRunner, CommandSpec } from '../system-state/command-runner/command-runner';
import { ExecCommandRunner } from '../system-state/command-runner/exec-command-runner';
import { failedTestStart, startTestRestore } from './restore/restore-test';
import { RestoreTestScheduler } from './restore/restore-test-scheduler';
import {
  alphaFiles,
  alphaStaging,
  createRestoreJobHarness,
  hereWithRootAt,
  type RestoreJobHarness,
} from './restore/testing/restore-job-harness';
import { testRepositoryPassword } from './restore/testing/restore-test-repository';
import { createRestoreHandlers } from './restore-handlers';
import { NotAuthorizedError } from './server/admin-authorization';
import { createHelperServer, type HelperServer } from './server/helper-server';
import { connectInMemory, fakeHandlers, memoryLog, selfPeer } from './server/helper-server-test-support';

let dir: string;
let harness: RestoreJobHarness;
let server: HelperServer;
let scheduler: RestoreTestScheduler;
/** What the handlers run commands with (boot repair); a test may swap in a recording fake. */
let commands: CommandRunner;
const clients: MessageConnection[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bm-restore-handlers-'));
  commands = new ExecCommandRunner();
  harness = await createRestoreJobHarness(dir, {
    hostname: 'beta',
    // Announced to every connection, as helper-service.ts wires it.
    onNotify: (job) => server.broadcast(RestoreChangedNotification.type, { job }),
  });
  scheduler = new RestoreTestScheduler({
    stateDir: harness.stateDir,
    jobs: harness.jobs,
    startTest: (params) => startTestRestore(harness.testDeps, params),
    recordFailure: (error) => harness.jobs.recordFailed(failedTestStart(harness.testDeps, null), error),
    log: () => undefined,
    setTimer: () => 0,
    clearTimer: () => undefined,
  });
  const handlers = {
    ...fakeHandlers().handlers,
    ...createRestoreHandlers({
      repositories: harness.repositories,
      jobs: harness.jobs,
      runner: harness.runner,
      rollback: harness.rollbackDeps,
      testRestores: scheduler,
      hostname: () => 'beta',
      here: async () => hereWithRootAt(harness.hereRoots),
      commands: { run: (spec) => commands.run(spec) },
      authorizeWrite: async (_peer, what) => {
        if (refuseWrites) throw new NotAuthorizedError(`${what} needs an administrator`);
      },
    }),
  };
  server = createHelperServer({
    handlers,
    helperVersion: '0.0.0-test',
    testMode: true,
    policy: { helperUid: 0, groupId: null, testMode: true },
    log: memoryLog(),
  });
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await server.close();
  scheduler.stop();
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

/** Set by a test: the helper's admin authorization refuses every restore write (a group member without polkit). */
let refuseWrites = false;
afterEach(() => {
  refuseWrites = false;
});

async function client(): Promise<MessageConnection> {
  const connection = connectInMemory(server, selfPeer());
  clients.push(connection);
  await connection.sendRequest(InitializeRequest.type, {
    protocolVersion: helperProtocolVersion,
    client: 'test',
  });
  return connection;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ResponseError) return (error.data as { code: string }).code;
    throw error;
  }
  throw new Error('expected the request to fail');
}

const handle = '0123456789abcdef0123456789abcdef';
const snapshotId = 'a'.repeat(64);

describe('restore handlers over the helper server', () => {
  it('answers INVALID_PARAMS for params the schemas refuse, before any handler runs', async () => {
    const c = await client();
    const invalid: [string, unknown][] = [
      ['restore/open', { repository: 'relative/repo', password: 'x' }],
      ['restore/open', { repository: '/repo', password: '' }],
      ['restore/machines', { handle: 'not-a-handle' }],
      ['restore/sessions', { handle }],
      ['restore/plan', { handle, snapshotId, components: [], target: { kind: 'folder', path: '/mnt/t' } }],
      [
        'restore/plan',
        { handle, snapshotId: 'abc', components: ['x'], target: { kind: 'folder', path: '/t' } },
      ],
      ['restore/start', { handle, snapshotId, components: ['x'], target: { kind: 'folder', path: 'rel' } }],
      ['restore/start', { handle, snapshotId, components: ['x'], target: { kind: 'system' } }],
      ['restore/start', { handle, snapshotId, components: ['x'], target: { kind: 'disk', path: '/t' } }],
      [
        'restore/start',
        { handle, snapshotId, components: ['x'], target: { kind: 'folder', path: '/t' }, extra: 1 },
      ],
      ['restore/job', { jobId: 'nope' }],
      ['restore/boot-repair', { jobId: handle }],
      ['restore/boot-repair', { jobId: handle, confirm: false }],
      ['restore/rollback', { handle, jobId: handle }],
      ['restore/test', { handle: 'x' }],
      ['restore/test-schedule/set', { spec: { kind: 'daily', time: '25:00' } }],
      ['restore/test-schedule/get', { unexpected: true }],
    ];
    for (const [method, params] of invalid)
      expect([method, await codeOf(c.sendRequest(method, params))]).toEqual([method, 'INVALID_PARAMS']);
    expect(harness.jobs.list()).toEqual([]);
  });

  it("keeps the wizard's codes over the wire", async () => {
    const c = await client();
    expect(await codeOf(c.sendRequest(RestoreMachinesRequest.type, { handle }))).toBe(
      'RESTORE_HANDLE_UNKNOWN',
    );
    expect(await codeOf(c.sendRequest(RestoreJobRequest.type, { jobId: handle }))).toBe(
      'RESTORE_JOB_NOT_FOUND',
    );
    expect(
      await codeOf(
        c.sendRequest(RestoreOpenRequest.type, { repository: harness.repo.path, password: 'wrong' }),
      ),
    ).toBe('WRONG_PASSWORD');
    const opened = await c.sendRequest(RestoreOpenRequest.type, {
      repository: harness.repo.path,
      password: testRepositoryPassword,
    });
    expect(
      await codeOf(
        c.sendRequest(RestoreRollbackRequest.type, {
          handle: opened.handle,
          jobId: handle,
          confirmHostname: 'alpha',
        }),
      ),
    ).toBe('CONFIRMATION_MISMATCH');
    expect(await codeOf(c.sendRequest(RestoreBootRepairRequest.type, { jobId: handle, confirm: true }))).toBe(
      'RESTORE_JOB_NOT_FOUND',
    );
  });

  it('refuses restore writes with NOT_AUTHORIZED before anything starts when the peer is no administrator', async () => {
    const { id } = await harness.repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-20T02:00:00Z'),
      files: alphaFiles(),
      staging: alphaStaging(),
    });
    const c = await client();
    const opened = await c.sendRequest(RestoreOpenRequest.type, {
      repository: harness.repo.path,
      password: testRepositoryPassword,
    });
    refuseWrites = true;
    const start = {
      handle: opened.handle,
      snapshotId: id,
      components: ['linux.configuration'],
      target: { kind: 'folder' as const, path: path.join(dir, 'refused') },
    };
    expect(await codeOf(c.sendRequest(RestoreStartRequest.type, start))).toBe('NOT_AUTHORIZED');
    expect(
      await codeOf(
        c.sendRequest(RestoreRollbackRequest.type, {
          handle: opened.handle,
          jobId: handle,
          confirmHostname: 'beta',
        }),
      ),
    ).toBe('NOT_AUTHORIZED');
    expect(await codeOf(c.sendRequest(RestoreBootRepairRequest.type, { jobId: handle, confirm: true }))).toBe(
      'NOT_AUTHORIZED',
    );
    expect(harness.jobs.list()).toEqual([]);
    // Reading stays open to the group: the plan needs no administrator.
    refuseWrites = false;
    const { job } = await c.sendRequest(RestoreStartRequest.type, start);
    expect((await harness.jobs.wait(job.id, new AbortController().signal)).state).toBe('completed');
  });

  it('runs a wizard round trip and a wait that the client gives up', async () => {
    const { id } = await harness.repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-20T02:00:00Z'),
      files: alphaFiles(),
      staging: alphaStaging(),
    });
    const c = await client();
    const changes: RestoreJob[] = [];
    c.onNotification(RestoreChangedNotification.type, ({ job }) => {
      changes.push(job);
    });
    const opened = await c.sendRequest(RestoreOpenRequest.type, {
      repository: harness.repo.path,
      password: testRepositoryPassword,
    });
    expect(opened).toMatchObject({ repository: harness.repo.path, systemStateSessions: 1 });
    const { machines } = await c.sendRequest(RestoreMachinesRequest.type, { handle: opened.handle });
    expect(machines).toMatchObject([{ hostname: 'alpha', isThisMachine: false, sessions: 1 }]);
    const { sessions } = await c.sendRequest(RestoreSessionsRequest.type, {
      handle: opened.handle,
      hostname: 'alpha',
    });
    expect(sessions.map((s) => s.snapshotId)).toEqual([id]);
    const report = await c.sendRequest(RestoreCompatibilityRequest.type, {
      handle: opened.handle,
      snapshotId: id,
    });
    expect(report).toMatchObject({ backedUpHostname: 'alpha', thisHostname: 'beta', manifestFound: true });
    const target = path.join(dir, 'target');
    const choices = {
      handle: opened.handle,
      snapshotId: id,
      components: ['linux.configuration'],
      target: { kind: 'folder' as const, path: target },
    };
    const plan = await c.sendRequest(RestorePlanRequest.type, choices);
    expect(plan).toMatchObject({
      snapshotId: id,
      targetRoot: target,
      components: [{ id: 'linux.configuration' }],
    });

    const { job } = await c.sendRequest(RestoreStartRequest.type, choices);
    // A wait given up by the client answers CANCELLED; the job goes on.
    const giveUp = new CancellationTokenSource();
    const waiting = c.sendRequest(RestoreWaitRequest.type, { jobId: job.id }, giveUp.token);
    giveUp.cancel();
    expect(await codeOf(waiting)).toBe('CANCELLED');
    const { job: ended } = await c.sendRequest(RestoreWaitRequest.type, { jobId: job.id });
    expect(ended.state).toBe('completed');
    expect(changes.filter((j) => j.id === job.id).at(-1)).toEqual(ended);
    const { jobs } = await c.sendRequest(RestoreJobsRequest.type, {});
    expect(jobs.map((j) => j.id)).toEqual([job.id]);
    // A folder restore of configuration only has no boot repair to run.
    expect(await codeOf(c.sendRequest(RestoreBootRepairRequest.type, { jobId: job.id, confirm: true }))).toBe(
      'BOOT_REPAIR_UNAVAILABLE',
    );
  });

  it('runs the planned boot repair of a finished job when confirmed, and records its outcome on the job', async () => {
    const { id } = await harness.repo.addSession({
      hostname: 'alpha',
      time: new Date('2026-11-20T02:00:00Z'),
      files: alphaFiles(),
      staging: alphaStaging(),
    });
    // The target holds a system with update-initramfs (the tools are looked for inside the target).
    const target = path.join(dir, 'target');
    await mkdir(path.join(target, 'usr/sbin'), { recursive: true });
    await writeFile(path.join(target, 'usr/sbin/update-initramfs'), '#!/bin/sh\n', { mode: 0o755 });
    const c = await client();
    const changes: RestoreJob[] = [];
    c.onNotification(RestoreChangedNotification.type, ({ job }) => {
      changes.push(job);
    });
    const opened = await c.sendRequest(RestoreOpenRequest.type, {
      repository: harness.repo.path,
      password: testRepositoryPassword,
    });
    const { job } = await c.sendRequest(RestoreStartRequest.type, {
      handle: opened.handle,
      snapshotId: id,
      components: ['linux.configuration', 'linux.boot'],
      target: { kind: 'folder', path: target },
    });
    const { job: ended } = await c.sendRequest(RestoreWaitRequest.type, { jobId: job.id });
    expect(ended.checklist.find((i) => i.id === 'boot-repair')).toMatchObject({
      status: 'todo',
      detail: expect.stringContaining('Confirm in the wizard'),
    });
    // A recording runner stands in for mount and chroot: nothing is really mounted, so the repair stops at the
    // first mount point a real bind mount of /dev would have made (/dev/pts) — a failure, reported as one.
    const ran: CommandSpec['argv'][] = [];
    commands = {
      run: async (spec) => {
        ran.push(spec.argv);
        return { kind: 'exited', argv: spec.argv, exitCode: 0, stdout: '', stderr: '', durationMs: 1 };
      },
    };
    const result = await c.sendRequest(RestoreBootRepairRequest.type, { jobId: job.id, confirm: true });
    expect(result.ok).toBe(false);
    const failed = result.steps.find((step) => !step.ok);
    expect(ran[0]).toEqual(['mount', '--bind', '--make-slave', '/dev', path.join(target, 'dev')]);
    expect(ran.at(-1)?.[0]).toBe('umount');
    const { job: repaired } = await c.sendRequest(RestoreJobRequest.type, { jobId: job.id });
    const item = repaired.checklist.find((i) => i.id === 'boot-repair');
    expect(item).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining(`Failed at "${failed?.title}"`),
    });
    expect(changes.at(-1)?.checklist.find((i) => i.id === 'boot-repair')).toEqual(item);
    // Still running jobs and jobs without a runnable step are refused.
    expect(
      await codeOf(c.sendRequest(RestoreBootRepairRequest.type, { jobId: 'c'.repeat(32), confirm: true })),
    ).toBe('RESTORE_JOB_NOT_FOUND');
  });

  it('gets and sets the test restore schedule', async () => {
    const c = await client();
    expect((await c.sendRequest(RestoreTestScheduleGetRequest.type, {})).schedule).toMatchObject({
      spec: { kind: 'off' },
      nextRunAt: null,
      lastJob: null,
    });
    const { schedule } = await c.sendRequest(RestoreTestScheduleSetRequest.type, {
      spec: { kind: 'weekly', weekdays: [0], time: '03:15' },
    });
    expect(schedule.spec).toEqual({ kind: 'weekly', weekdays: [0], time: '03:15' });
    expect(new Date(schedule.nextRunAt ?? '').getDay()).toBe(0);
  });
});

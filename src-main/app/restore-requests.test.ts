/** The restore wizard's calls through the app: each forwarded to its helper request, the password, refusals as contract errors. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HelperRequestError } from '../helper-client/helper-client-errors';
import type { RequestChannel, RequestParams } from '../ipc/contract';
import { unreachable } from './testing/app-harness';
import { restoreApp } from './testing/restore-app-harness';
import {
  wireCompatibility,
  wireHandle,
  wireJob,
  wireJobId,
  wireMachine,
  wirePlan,
  wireRepositoryInfo,
  wireSession,
  wireSnapshotId,
} from './testing/restore-wire';

const password = 'correct horse battery staple';
const repository = wireRepositoryInfo.repository;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'app-restore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const setup = (options: { connected?: boolean; console?: boolean } = {}) => restoreApp(dir, options);

const choices = {
  handle: wireHandle,
  snapshotId: wireSnapshotId,
  components: ['configuration'],
  target: { kind: 'folder' as const, path: '/mnt/target' },
  uuidOverrides: { '1111-2222': 'AAAA-BBBB' },
};

describe('each wizard call is forwarded to its helper request and answered in the contract shape', () => {
  const cases: [RequestChannel, unknown, string, unknown, unknown][] = [
    ['restore.open', { repository, password }, 'restore/open', { repository, password }, wireRepositoryInfo],
    ['restore.close', { handle: wireHandle }, 'restore/close', { handle: wireHandle }, { closed: true }],
    [
      'restore.machines',
      { handle: wireHandle },
      'restore/machines',
      { handle: wireHandle },
      { machines: [wireMachine] },
    ],
    [
      'restore.sessions',
      { handle: wireHandle, hostname: 'web-01' },
      'restore/sessions',
      { handle: wireHandle, hostname: 'web-01' },
      { sessions: [wireSession] },
    ],
    [
      'restore.compatibility',
      { handle: wireHandle, snapshotId: wireSnapshotId },
      'restore/compatibility',
      { handle: wireHandle, snapshotId: wireSnapshotId },
      wireCompatibility,
    ],
    ['restore.plan', choices, 'restore/plan', choices, wirePlan],
    [
      'restore.start',
      { ...choices, remapUuids: false },
      'restore/start',
      { ...choices, remapUuids: false },
      { job: wireJob() },
    ],
    ['restore.job', { jobId: wireJobId }, 'restore/job', { jobId: wireJobId }, { job: wireJob() }],
    ['restore.jobs', {}, 'restore/jobs', {}, { jobs: [wireJob(), wireJob({ state: 'completed' })] }],
    [
      'restore.cancel',
      { jobId: wireJobId },
      'restore/cancel',
      { jobId: wireJobId },
      { job: wireJob({ state: 'cancelled' }) },
    ],
    [
      'restore.bootRepair',
      { jobId: wireJobId, confirm: true },
      'restore/boot-repair',
      { jobId: wireJobId, confirm: true },
      { steps: [{ id: 'initramfs', title: 'Rebuild the initramfs', ok: true, output: 'done' }], ok: true },
    ],
    [
      'restore.rollback',
      { handle: wireHandle, jobId: wireJobId, confirmHostname: 'web-02' },
      'restore/rollback',
      { handle: wireHandle, jobId: wireJobId, confirmHostname: 'web-02' },
      { job: wireJob({ kind: 'rollback' }) },
    ],
    ['restore.test', {}, 'restore/test', {}, { job: wireJob({ kind: 'test-restore' }) }],
    [
      'restore.test',
      { handle: wireHandle, hostname: 'web-01' },
      'restore/test',
      { handle: wireHandle, hostname: 'web-01' },
      { job: wireJob({ kind: 'test-restore' }) },
    ],
    [
      'restore.testSchedule.get',
      {},
      'restore/test-schedule/get',
      {},
      {
        schedule: {
          spec: { kind: 'weekly', weekdays: [0], time: '04:30' },
          nextRunAt: '2026-11-29T04:30:00.000Z',
          lastRunAt: null,
          lastJob: wireJob({ kind: 'test-restore', state: 'completed' }),
        },
      },
    ],
    [
      'restore.testSchedule.set',
      { spec: { kind: 'off' } },
      'restore/test-schedule/set',
      { spec: { kind: 'off' } },
      { schedule: { spec: { kind: 'off' }, nextRunAt: null, lastRunAt: null, lastJob: null } },
    ],
  ];
  for (const [channel, params, method, sent, answer] of cases) {
    it(`${channel} → ${method}`, async () => {
      const { helper, call, internal } = setup();
      helper.answers.set(method, answer);
      const result = await call(channel, params as RequestParams<typeof channel>);
      expect(internal).toEqual([]);
      expect(helper.sent.map((s) => [s.method, s.params])).toEqual([[method, sent]]);
      // The same data, field for field: the contract mirrors the wire.
      expect(result).toEqual({ ok: true, value: answer });
    });
  }

  it('keeps a field the helper adds later out of the answer instead of failing it', async () => {
    const { helper, call, internal } = setup();
    helper.answers.set('restore/job', {
      job: { ...wireJob(), addedLater: 1, progress: { ...wireJob().progress, x: 2 } },
    });
    const result = await call('restore.job', { jobId: wireJobId });
    expect(internal).toEqual([]);
    expect(result).toEqual({ ok: true, value: { job: wireJob() } });
  });

  it('refuses malformed params before the helper sees them', async () => {
    const { helper, call } = setup();
    for (const [channel, params] of [
      ['restore.open', { repository: 'relative/repo', password }],
      ['restore.machines', { handle: 'not-a-handle' }],
      ['restore.plan', { ...choices, components: [] }],
      ['restore.start', { ...choices, target: { kind: 'system' } }],
      ['restore.bootRepair', { jobId: wireJobId, confirm: false }],
      ['restore.wait', { jobId: wireJobId, timeoutSeconds: 601 }],
    ] as const) {
      const result = await call(channel as RequestChannel, params as never);
      expect(result).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
    }
    expect(helper.sent).toEqual([]);
  });
});

describe('the repository password', () => {
  it('uses the password remembered for that repository when none is typed', async () => {
    const { helper, call } = setup();
    expect(await call('repository.rememberPassword', { repository, password })).toMatchObject({ ok: true });
    helper.answers.set('restore/open', wireRepositoryInfo);
    expect(await call('restore.open', { repository })).toEqual({ ok: true, value: wireRepositoryInfo });
    expect(helper.paramsOf('restore/open')).toEqual({ repository, password });
  });

  it('asks for it (PASSWORD_REQUIRED) when none is typed or remembered, without asking the helper', async () => {
    for (const console of [false, true]) {
      const { helper, call } = setup({ console });
      const result = await call('restore.open', { repository: '/srv/other' });
      expect(result).toMatchObject({ ok: false, code: 'PASSWORD_REQUIRED' });
      if (!result.ok) expect(result.message).toContain('/srv/other');
      if (!result.ok && console) expect(result.message).toContain('console mode');
      expect(helper.sent).toEqual([]);
    }
  });

  it('never puts the password into an error or an event', async () => {
    const { helper, call, events } = setup();
    helper.answers.set(
      'restore/open',
      new HelperRequestError(
        'WRONG_PASSWORD',
        `${repository}: wrong password or no key found`,
        'restore/open',
      ),
    );
    const result = await call('restore.open', { repository, password });
    expect(result).toEqual({
      ok: false,
      code: 'WRONG_PASSWORD',
      message: `Cannot open the repository: ${repository}: wrong password or no key found`,
    });
    expect(JSON.stringify([result, events])).not.toContain(password);
  });
});

describe('helper refusals as contract errors', () => {
  const cases: [string, string][] = [
    ['WRONG_PASSWORD', 'WRONG_PASSWORD'],
    ['NOT_A_REPOSITORY', 'REPO_NOT_FOUND'],
    ['CORRUPT', 'REPO_CORRUPT'],
    ['REPO_LOCKED', 'REPO_LOCKED'],
    ['RESTORE_HANDLE_UNKNOWN', 'RESTORE_HANDLE_UNKNOWN'],
    ['NOT_FOUND', 'SNAPSHOT_NOT_FOUND'],
    ['UNKNOWN_COMPONENT', 'UNKNOWN_COMPONENT'],
    ['NO_SELECTION', 'NO_SELECTION'],
    ['NOT_SYSTEM_STATE', 'NOT_SYSTEM_STATE'],
    ['CONFIRMATION_MISMATCH', 'CONFIRMATION_MISMATCH'],
    ['NOT_AUTHORIZED', 'NOT_AUTHORIZED'],
    ['INCOMPATIBLE_SYSTEM', 'INCOMPATIBLE_SYSTEM'],
    ['INVALID_TARGET', 'INVALID_TARGET'],
    ['PATH_ESCAPE', 'PATH_ESCAPE'],
    ['RESTORE_BUSY', 'RESTORE_BUSY'],
    ['INSUFFICIENT_SPACE', 'INSUFFICIENT_SPACE'],
    ['PASSWORD_REQUIRED', 'PASSWORD_REQUIRED'],
    ['INVALID_PARAMS', 'INVALID_REQUEST'],
    ['SOMETHING_NEW', 'HELPER_FAILED'],
    ['IO_ERROR', 'HELPER_FAILED'],
    ['HELPER_DISCONNECTED', 'HELPER_UNAVAILABLE'],
  ];
  for (const [helperCode, contractCode] of cases) {
    it(`${helperCode} → ${contractCode}, with the helper's explanation`, async () => {
      const { helper, call } = setup();
      helper.answers.set(
        'restore/plan',
        new HelperRequestError(helperCode, 'the explanation', 'restore/plan'),
      );
      const result = await call('restore.plan', choices);
      expect(result).toMatchObject({ ok: false, code: contractCode });
      if (result.ok) return;
      if (helperCode === 'HELPER_DISCONNECTED') expect(result.message).toContain(unreachable.detail);
      else expect(result.message).toContain('Cannot plan the restore: ');
      if (contractCode === 'HELPER_FAILED') expect(result.message).toContain(helperCode);
    });
  }

  it('reads NOT_FOUND as what it means for each request: no repository, or no such session', async () => {
    const { helper, call } = setup();
    helper.answers.set('restore/open', new HelperRequestError('NOT_FOUND', 'no config', 'restore/open'));
    expect(await call('restore.open', { repository: '/nowhere', password })).toMatchObject({
      ok: false,
      code: 'REPO_NOT_FOUND',
    });
    helper.answers.set('restore/job', new HelperRequestError('NOT_FOUND', 'gone', 'restore/job'));
    expect(await call('restore.job', { jobId: wireJobId })).toMatchObject({
      ok: false,
      code: 'HELPER_FAILED',
    });
    for (const [code, method] of [
      ['ROLLBACK_UNAVAILABLE', 'restore/rollback'],
      ['JOB_RUNNING', 'restore/boot-repair'],
      ['BOOT_REPAIR_UNAVAILABLE', 'restore/boot-repair'],
      ['REPOSITORY_UNSET', 'restore/test'],
      ['NO_SESSION', 'restore/test'],
      ['RESTORE_JOB_NOT_FOUND', 'restore/cancel'],
      ['ROLLBACK_INCOMPLETE', 'restore/rollback'],
    ] as const) {
      helper.answers.set(method, new HelperRequestError(code, 'why', method));
      const channel =
        method === 'restore/rollback'
          ? call('restore.rollback', { handle: wireHandle, jobId: wireJobId, confirmHostname: 'web-02' })
          : method === 'restore/boot-repair'
            ? call('restore.bootRepair', { jobId: wireJobId, confirm: true })
            : method === 'restore/test'
              ? call('restore.test', {})
              : call('restore.cancel', { jobId: wireJobId });
      expect(await channel).toMatchObject({ ok: false, code });
    }
  });

  it('answers HELPER_UNAVAILABLE with what to do when no helper is connected', async () => {
    const { call } = setup({ connected: false });
    const result = await call('restore.machines', { handle: wireHandle });
    expect(result).toEqual({
      ok: false,
      code: 'HELPER_UNAVAILABLE',
      message: `Cannot list the machines: ${unreachable.detail} ${unreachable.action}`,
    });
  });

  it('reports a non-helper failure as INTERNAL (a bug), not as a refusal', async () => {
    const { helper, call, internal } = setup();
    helper.answers.set('restore/jobs', new TypeError('boom'));
    expect(await call('restore.jobs', {})).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect(internal).toHaveLength(1);
  });
});

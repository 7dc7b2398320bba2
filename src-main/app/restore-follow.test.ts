/** restore.wait (bounded, cancelling only the wait) and restore.changed (the helper's notifications as events). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CancellationToken } from 'vscode-jsonrpc';
import { HelperRequestError } from '../helper-client/helper-client-errors';
import {
  restoreJobKinds as helperKinds,
  restoreJobPhases as helperPhases,
  restoreJobStates as helperStates,
} from '../helper-protocol/restore-model';
import { restoreJobKinds, restoreJobPhases, restoreJobStates } from '../ipc/contract';
import { restoreApp } from './testing/restore-app-harness';
import { wireJob, wireJobId } from './testing/restore-wire';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'app-restore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const setup = (options: { connected?: boolean; console?: boolean } = {}) => restoreApp(dir, options);

describe('restore.wait', () => {
  it('answers with the job once it ended', async () => {
    const { helper, call } = setup();
    helper.answers.set('restore/wait', { job: wireJob({ state: 'completed', phase: 'done' }) });
    const result = await call('restore.wait', { jobId: wireJobId, timeoutSeconds: 5 });
    expect(result).toMatchObject({ ok: true, value: { job: { state: 'completed', phase: 'done' } } });
    expect(helper.sent.map((s) => s.method)).toEqual(['restore/wait']);
  });

  it('after the timeout, cancels the helper wait (not the job) and answers with the job as it is now', async () => {
    const { helper, call } = setup();
    let cancelled = false;
    helper.answers.set(
      'restore/wait',
      (_params: unknown, token: CancellationToken) =>
        new Promise((_resolve, reject) => {
          token.onCancellationRequested(() => {
            cancelled = true;
            reject(new HelperRequestError('CANCELLED', 'the wait was cancelled', 'restore/wait'));
          });
        }),
    );
    helper.answers.set('restore/job', { job: wireJob({ phase: 'verify' }) });
    const started = Date.now();
    const result = await call('restore.wait', { jobId: wireJobId, timeoutSeconds: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(cancelled).toBe(true);
    expect(result).toMatchObject({ ok: true, value: { job: { state: 'running', phase: 'verify' } } });
    expect(helper.sent.map((s) => s.method)).toEqual(['restore/wait', 'restore/job']);
    expect(helper.sent.some((s) => s.method === 'restore/cancel')).toBe(false);
  });

  it('passes a refusal of the wait on with its code', async () => {
    const { helper, call } = setup();
    helper.answers.set(
      'restore/wait',
      new HelperRequestError('RESTORE_JOB_NOT_FOUND', 'no such job', 'restore/wait'),
    );
    expect(await call('restore.wait', { jobId: wireJobId })).toMatchObject({
      ok: false,
      code: 'RESTORE_JOB_NOT_FOUND',
    });
  });
});

describe('restore.changed', () => {
  it('forwards each restore/changed notification as a restore.changed event, in the contract shape', () => {
    const { helper, events } = setup();
    helper.notify('restore/changed', { job: { ...wireJob({ phase: 'verify' }), addedLater: true } });
    helper.notify('restore/changed', { job: wireJob({ state: 'completed', phase: 'done' }) });
    expect(events).toEqual([
      { event: 'restore.changed', payload: { job: wireJob({ phase: 'verify' }) } },
      { event: 'restore.changed', payload: { job: wireJob({ state: 'completed', phase: 'done' }) } },
    ]);
  });

  it('drops a notification the contract cannot carry with a log line, and keeps forwarding', () => {
    const { helper, events, logs } = setup();
    helper.notify('restore/changed', { job: wireJob({ startedAt: 'yesterday' }) });
    helper.notify('restore/changed', { job: wireJob() });
    expect(events).toHaveLength(1);
    expect(logs).toEqual([expect.stringContaining('restore.changed from the helper was not forwarded')]);
  });

  it('stops forwarding when the service is disposed', () => {
    const { helper, service, events } = setup();
    service.dispose();
    helper.notify('restore/changed', { job: wireJob() });
    expect(events).toEqual([]);
  });
});

it('the contract lists the same job kinds, states and phases as the helper protocol', () => {
  expect([...restoreJobKinds]).toEqual([...helperKinds]);
  expect([...restoreJobStates]).toEqual([...helperStates]);
  expect([...restoreJobPhases]).toEqual([...helperPhases]);
});

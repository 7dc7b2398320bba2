/**
 * The app's helper-backed requests and events against a fake helper: what is sent for each contract request,
 * how helper refusals become contract error codes, that results leave in the contract's shape only (extra helper
 * fields dropped), that bad params never reach the helper, and that session notifications are forwarded one for
 * one as events. The same paths against the real helper process: app-helper-bridge.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { HelperRequestError } from '../helper-client/helper-client-errors';
import { SessionChangedNotification, SessionProgressNotification } from '../helper-protocol/protocol';
import {
  type SessionDetail as HelperSessionDetail,
  type SessionProgress as HelperSessionProgress,
  logLevels as helperLogLevels,
} from '../helper-protocol/session-model';
import type { SnapshotLocationState } from '../helper-protocol/system-state-model';
import { logLevels } from '../ipc/contract';
import { appOverHelper, FakeHelper, unreachable } from './testing/app-harness';

const sessionId = '20261125-010203-abcdef';

const helperDetail: HelperSessionDetail = {
  id: sessionId,
  source: 'system-state',
  paths: ['/etc'],
  excludes: [],
  repository: '/mnt/backup/repo',
  trigger: 'manual',
  status: 'completed',
  phase: 'done',
  attempt: 1,
  maxAttempts: 3,
  createdAt: '2026-11-25T01:02:03.000Z',
  startedAt: '2026-11-25T01:02:04.000Z',
  endedAt: '2026-11-25T01:03:04.000Z',
  nextAttemptAt: null,
  failure: null,
  snapshotId: 'a'.repeat(64),
  stats: {
    filesNew: 3,
    filesChanged: 0,
    filesUnmodified: 0,
    bytesProcessed: 30,
    bytesAdded: 30,
    warnings: 0,
  },
  interruptions: 0,
  errors: 0,
  attempts: [
    {
      attempt: 1,
      startedAt: '2026-11-25T01:02:04.000Z',
      endedAt: '2026-11-25T01:03:04.000Z',
      outcome: 'completed',
      failure: null,
      snapshotRef: 'temp-copy:/var/lib/backup-manager/snapshots/x',
    },
  ],
  transitions: [
    {
      seq: 1,
      at: '2026-11-25T01:02:03.000Z',
      attempt: 0,
      phase: 'queued',
      status: 'in-process',
      detail: null,
    },
  ],
};

const locationState: SnapshotLocationState = {
  current: '/',
  source: 'default',
  default: '/',
  provider: { kind: 'temp-copy', reason: '/ is ext4' },
  drives: [
    {
      mountPoint: '/',
      device: '/dev/sda1',
      fsType: 'ext4',
      totalBytes: 1000,
      freeBytes: 500,
      isSystemDrive: true,
      snapshotData: { possible: true, reason: 'the temporary copy is written here' },
    },
  ],
};

const progress: HelperSessionProgress = {
  sessionId,
  attempt: 1,
  phase: 'backup',
  filesDone: 1,
  filesTotal: 3,
  bytesDone: 10,
  bytesTotal: 30,
  bytesPerSecond: 12.5,
  etaSeconds: 1.6,
  currentItem: '/etc/hostname',
};

function setup(options: { connected?: boolean } = {}) {
  const helper = new FakeHelper();
  return { helper, ...appOverHelper({ helper, notifications: helper, connected: options.connected }) };
}

describe('helper refusals as contract errors', () => {
  const cases: [helperCode: string, contractCode: string][] = [
    ['INVALID_LOCATION', 'INVALID_LOCATION'],
    ['INSUFFICIENT_SPACE', 'INSUFFICIENT_SPACE'],
    ['SETTINGS_INVALID', 'SETTINGS_INVALID'],
    ['INVALID_PARAMS', 'INVALID_REQUEST'],
    ['INTERNAL_ERROR', 'HELPER_FAILED'],
    ['COMMAND_FAILED', 'HELPER_FAILED'],
    ['HELPER_DISCONNECTED', 'HELPER_UNAVAILABLE'],
  ];
  for (const [helperCode, contractCode] of cases) {
    it(`answers ${helperCode} from the helper with ${contractCode}, keeping the helper's explanation`, async () => {
      const { helper, dispatcher, internal } = setup();
      helper.answers.set(
        'snapshot-location/set',
        new HelperRequestError(helperCode, '/mnt/x: explanation', 'snapshot-location/set'),
      );
      const result = await dispatcher.dispatch('snapshotLocation.set', { location: '/mnt/x' });
      expect(result).toMatchObject({ ok: false, code: contractCode });
      if (!result.ok && helperCode !== 'HELPER_DISCONNECTED') {
        expect(result.message).toContain('/mnt/x: explanation');
        if (contractCode === 'HELPER_FAILED') expect(result.message).toContain(helperCode);
      }
      expect(internal).toEqual([]);
    });
  }

  it('answers SESSION_NOT_FOUND for show, log and cancel of an unknown session', async () => {
    const { helper, dispatcher } = setup();
    for (const method of ['session/show', 'session/log', 'session/cancel'])
      helper.answers.set(
        method,
        new HelperRequestError('SESSION_NOT_FOUND', `no session ${sessionId}`, method),
      );
    for (const channel of ['sessions.show', 'sessions.log', 'sessions.cancel'] as const)
      expect(await dispatcher.dispatch(channel, { id: sessionId })).toMatchObject({
        ok: false,
        code: 'SESSION_NOT_FOUND',
      });
  });

  it('answers HELPER_UNAVAILABLE with the helper status when none is connected, asking nothing', async () => {
    const { helper, dispatcher } = setup({ connected: false });
    const result = await dispatcher.dispatch('systemState.components', {});
    expect(result).toMatchObject({ ok: false, code: 'HELPER_UNAVAILABLE' });
    if (!result.ok) expect(result.message).toContain(unreachable.action);
    expect(helper.sent).toEqual([]);
  });

  it('reports a failure that is not a helper refusal as INTERNAL', async () => {
    const { helper, dispatcher, internal } = setup();
    helper.answers.set('diagnostics/report', new TypeError('bug'));
    expect(await dispatcher.dispatch('diagnostics.report', {})).toMatchObject({
      ok: false,
      code: 'INTERNAL',
    });
    expect(internal).toHaveLength(1);
  });
});

describe('requests to the helper', () => {
  it('refuses bad params before the helper is asked', async () => {
    const { helper, dispatcher } = setup();
    const refused: [string, unknown][] = [
      ['sessions.show', { id: '../../etc/passwd' }],
      ['sessions.log', { id: sessionId, afterSeq: -1 }],
      ['snapshotLocation.set', { location: 'relative/folder' }],
      ['systemState.preflight', { location: '' }],
      // The snapshot location is set with snapshotLocation.set, which checks the free space as well.
      ['settings.set', { snapshotLocation: '/mnt/x' }],
      ['schedule.set', { source: 'files', spec: { kind: 'daily', time: '25:00' } }],
    ];
    for (const [channel, params] of refused)
      expect(await dispatcher.dispatch(channel, params)).toMatchObject({
        ok: false,
        code: 'INVALID_REQUEST',
      });
    expect(helper.sent).toEqual([]);
  });

  it('sends what each request asks for, with the app defaults', async () => {
    const { helper, dispatcher } = setup();
    helper.answers.set('session/log', { entries: [] });
    helper.answers.set('session/list', { sessions: [] });
    helper.answers.set('system-state/preflight', {
      checks: [],
      overall: 'pass',
      location: '/',
      locationSource: 'default',
      freeSpace: null,
    });
    helper.answers.set('snapshot-location/set', locationState);
    helper.answers.set('settings/set', {
      settings: { repository: '/r', snapshotLocation: null, passwordFile: null, retention: null },
    });
    await dispatcher.dispatch('sessions.log', { id: sessionId });
    await dispatcher.dispatch('sessions.log', { id: sessionId, afterSeq: 7, minLevel: 'warning', limit: 5 });
    await dispatcher.dispatch('sessions.list', { source: 'files', status: 'failed' });
    await dispatcher.dispatch('systemState.preflight', {});
    await dispatcher.dispatch('systemState.preflight', { location: '/data' });
    await dispatcher.dispatch('snapshotLocation.set', { location: null });
    await dispatcher.dispatch('settings.set', { repository: '/r' });
    expect(helper.sent).toEqual([
      { method: 'session/log', params: { id: sessionId, limit: 1000 } },
      { method: 'session/log', params: { id: sessionId, afterSeq: 7, minLevel: 'warning', limit: 5 } },
      { method: 'session/list', params: { limit: 100, source: 'files', status: 'failed' } },
      { method: 'system-state/preflight', params: {} },
      { method: 'system-state/preflight', params: { location: '/data' } },
      { method: 'snapshot-location/set', params: { location: null } },
      { method: 'settings/set', params: { repository: '/r' } },
    ]);
  });

  it("returns results in the contract's shape only: fields the helper adds stay in main", async () => {
    const { helper, dispatcher, internal } = setup();
    helper.answers.set('session/show', { session: { ...helperDetail, internalNote: 'x' } });
    helper.answers.set('snapshot-location/get', {
      ...locationState,
      drives: [{ ...locationState.drives[0], uuid: 'secret-ish' }],
    });
    const shown = await dispatcher.dispatch('sessions.show', { id: sessionId });
    expect(shown.ok).toBe(true);
    if (shown.ok) {
      expect(JSON.stringify(shown.value)).not.toContain('internalNote');
      // The snapshot provider's handle is the helper's business.
      expect(JSON.stringify(shown.value)).not.toContain('snapshotRef');
      expect(shown.value).toMatchObject({ session: { paths: ['/etc'], stats: { filesNew: 3 } } });
    }
    const location = await dispatcher.dispatch('snapshotLocation.get', {});
    expect(location).toEqual({ ok: true, value: locationState });
    expect(internal).toEqual([]);
  });
});

describe('session events', () => {
  it('forwards every session change and progress at once, in the contract shape', async () => {
    const { helper, events, logs } = setup();
    helper.notify(SessionChangedNotification.method, { session: helperDetail });
    for (let i = 0; i < 50; i++)
      helper.notify(SessionProgressNotification.method, { ...progress, bytesDone: i, extra: true });
    expect(events).toHaveLength(51);
    const { id, source, trigger, status, phase, attempt, maxAttempts, createdAt, startedAt, endedAt } =
      helperDetail;
    expect(events[0]).toEqual({
      event: 'session.changed',
      payload: {
        session: {
          ...{ id, source, trigger, status, phase, attempt, maxAttempts, createdAt, startedAt, endedAt },
          failure: null,
          // What the history row shows travels with every change, so the UI needs no detail read.
          stats: helperDetail.stats,
          interruptions: 0,
          errors: 0,
        },
      },
    });
    expect(events[50]).toEqual({ event: 'session.progress', payload: { ...progress, bytesDone: 49 } });
    expect(logs).toEqual([]);
  });

  it('logs a notification the contract cannot carry instead of throwing it at the connection', () => {
    const { helper, events, logs } = setup();
    expect(() =>
      helper.notify(SessionProgressNotification.method, { ...progress, phase: 'teleport' }),
    ).not.toThrow();
    expect(events).toEqual([]);
    expect(logs).toEqual([expect.stringContaining('session.progress from the helper was not forwarded')]);
  });

  it('stops forwarding once the service is disposed', () => {
    const { helper, service, events } = setup();
    service.dispose();
    helper.notify(SessionProgressNotification.method, progress);
    expect(events).toEqual([]);
  });

  it("has the helper's log levels", () => {
    expect([...logLevels]).toEqual([...helperLogLevels]);
  });
});

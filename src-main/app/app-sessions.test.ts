import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HelperRequestError } from '../helper-client/helper-client-errors';
import { SessionListRequest, SessionStartRequest, SettingsGetRequest } from '../helper-protocol/protocol';
import {
  emptyHelperSettings,
  type SessionStats as HelperSessionStats,
  type SessionSummary as HelperSessionSummary,
  type HelperSettings,
  sessionPhases as helperPhases,
  sessionSources as helperSources,
  sessionStatuses as helperStatuses,
  sessionTriggers as helperTriggers,
} from '../helper-protocol/session-model';
import {
  type SessionStats,
  SessionStatsSchema,
  SessionSummarySchema,
  sessionPhases,
  sessionSources,
  sessionStatuses,
} from '../ipc/contract';
import type { HelperRequests } from './helper-requests';
import { EncryptedSecretsFile } from './repository-secrets';
import { appOverHelper, unreachable } from './testing/app-harness';
import { type TestCipher, testCipher } from './testing/test-cipher';

const repository = '/mnt/backup/repo';
const password = 'correct horse battery staple';

const helperSession: HelperSessionSummary = {
  id: '20261125-010203-abcdef',
  source: 'files',
  paths: ['/home/ada'],
  excludes: [],
  repository,
  trigger: 'manual',
  status: 'in-process',
  phase: 'queued',
  attempt: 1,
  maxAttempts: 3,
  createdAt: '2026-11-25T01:02:03.000Z',
  startedAt: null,
  endedAt: null,
  nextAttemptAt: null,
  failure: null,
  snapshotId: null,
  stats: null,
  interruptions: 0,
  errors: 0,
};

const helperStats: HelperSessionStats = {
  filesNew: 12,
  filesChanged: 3,
  filesUnmodified: 400,
  bytesProcessed: 9_000_000,
  bytesAdded: 1_500_000,
  warnings: 2,
};

/** True when both types have exactly the same keys. */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;

/** A helper that answers from a table and records every request it was sent. */
class FakeHelper implements HelperRequests {
  readonly sent: { method: string; params: unknown }[] = [];
  settings: HelperSettings = { ...emptyHelperSettings(), repository };
  startFailure: HelperRequestError | null = null;
  listFailure: HelperRequestError | null = null;
  listed: HelperSessionSummary[] = [helperSession, { ...helperSession, id: '20261124-010203-abcdef' }];

  async request<P, R>(type: { method: string }, params: P): Promise<R> {
    this.sent.push({ method: type.method, params });
    // The casts stand for the helper's typed answers, which this table gives by method.
    switch (type.method) {
      case SettingsGetRequest.method:
        return { settings: this.settings } as R;
      case SessionStartRequest.method:
        if (this.startFailure) throw this.startFailure;
        return { session: helperSession, created: true } as R;
      case SessionListRequest.method:
        if (this.listFailure) throw this.listFailure;
        return { sessions: this.listed } as R;
      default:
        throw new Error(`unexpected request ${type.method}`);
    }
  }

  startParams(): unknown {
    return this.sent.find((s) => s.method === SessionStartRequest.method)?.params;
  }
}

let dir: string;
let file: string;
let cipher: TestCipher;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'app-sessions-'));
  file = path.join(dir, 'repository-passwords.json');
  cipher = testCipher();
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(options: { disconnected?: boolean; console?: boolean } = {}) {
  const helper = new FakeHelper();
  const secrets = options.console ? undefined : new EncryptedSecretsFile(cipher, file);
  const { dispatcher, events, internal } = appOverHelper({
    helper,
    connected: !options.disconnected,
    secrets,
  });
  return { helper, secrets, dispatcher, events, internal };
}

describe('sessions.start', () => {
  it('hands the helper the password remembered for the repository of its settings, pinned to it', async () => {
    const { helper, dispatcher, events, internal } = setup();
    expect(await dispatcher.dispatch('repository.rememberPassword', { repository, password })).toEqual({
      ok: true,
      value: { remembered: true },
    });
    const result = await dispatcher.dispatch('sessions.start', { source: 'files', paths: ['/home/ada'] });
    expect(helper.startParams()).toEqual({ source: 'files', paths: ['/home/ada'], repository, password });
    expect(result).toEqual({
      ok: true,
      value: {
        created: true,
        session: {
          id: helperSession.id,
          source: 'files',
          trigger: 'manual',
          status: 'in-process',
          phase: 'queued',
          attempt: 1,
          maxAttempts: 3,
          createdAt: helperSession.createdAt,
          startedAt: null,
          endedAt: null,
          failure: null,
          stats: null,
          interruptions: 0,
          errors: 0,
        },
      },
    });
    expect(events).toEqual([]);
    expect(internal).toEqual([]);
  });

  it('hands over no password when none is remembered for that repository', async () => {
    const { helper, secrets, dispatcher } = setup();
    await secrets?.set('/another/repo', password);
    expect(await dispatcher.dispatch('sessions.start', { source: 'system-state' })).toMatchObject({
      ok: true,
    });
    expect(helper.startParams()).toEqual({ source: 'system-state' });
  });

  it('answers PASSWORD_REQUIRED, saying where to give the password, when the helper has none', async () => {
    const { helper, dispatcher } = setup();
    helper.startFailure = new HelperRequestError(
      'PASSWORD_REQUIRED',
      'no repository password',
      'session/start',
    );
    const result = await dispatcher.dispatch('sessions.start', { source: 'files', paths: ['/home/ada'] });
    expect(result).toMatchObject({ ok: false, code: 'PASSWORD_REQUIRED' });
    if (!result.ok) {
      expect(result.message).toContain(repository);
      expect(result.message).toContain('Enter it once');
      expect(result.message).toContain('password file');
    }
  });

  it('goes on without the password while the keyring is locked, and says so if the helper has none', async () => {
    const { helper, secrets, dispatcher } = setup();
    await secrets?.set(repository, password);
    cipher.lock('the keyring is locked');
    helper.startFailure = new HelperRequestError(
      'PASSWORD_REQUIRED',
      'no repository password',
      'session/start',
    );
    const result = await dispatcher.dispatch('sessions.start', { source: 'system-state' });
    expect(helper.startParams()).toEqual({ source: 'system-state' });
    expect(result).toMatchObject({ ok: false, code: 'PASSWORD_REQUIRED' });
    if (!result.ok) expect(result.message).toContain('the keyring is locked');
  });

  it('fails with SECRETS_CORRUPT, starting nothing, when the file of remembered passwords is damaged', async () => {
    const { helper, dispatcher } = setup();
    await writeFile(file, 'garbage');
    const result = await dispatcher.dispatch('sessions.start', { source: 'system-state' });
    expect(result).toMatchObject({
      ok: false,
      code: 'SECRETS_CORRUPT',
      message: expect.stringContaining(file),
    });
    expect(helper.startParams()).toBeUndefined();
  });

  it('answers HELPER_UNAVAILABLE with the helper status when no helper is connected', async () => {
    const { dispatcher } = setup({ disconnected: true });
    const result = await dispatcher.dispatch('sessions.start', { source: 'system-state' });
    expect(result).toMatchObject({ ok: false, code: 'HELPER_UNAVAILABLE' });
    if (!result.ok) {
      expect(result.message).toContain(unreachable.detail);
      expect(result.message).toContain(unreachable.action);
    }
  });

  it('answers HELPER_UNAVAILABLE when the helper goes away during the start', async () => {
    const { helper, dispatcher } = setup();
    helper.startFailure = new HelperRequestError('HELPER_DISCONNECTED', 'gone', 'session/start');
    const result = await dispatcher.dispatch('sessions.start', { source: 'system-state' });
    expect(result).toMatchObject({ ok: false, code: 'HELPER_UNAVAILABLE' });
  });

  it("keeps the helper's code when it refuses the start, and never puts the password in the message", async () => {
    const { helper, secrets, dispatcher } = setup();
    await secrets?.set(repository, password);
    helper.startFailure = new HelperRequestError(
      'SERVICE_STOPPED',
      'the helper is stopping',
      'session/start',
    );
    const result = await dispatcher.dispatch('sessions.start', { source: 'system-state' });
    expect(result).toMatchObject({ ok: false, code: 'SESSION_FAILED_TO_START' });
    expect(JSON.stringify(result)).toContain('SERVICE_STOPPED');
    expect(JSON.stringify(result)).not.toContain(password);
  });
});

describe('sessions.list', () => {
  it('returns the summaries in the contract shape, asking for the newest 100 by default', async () => {
    const { helper, dispatcher } = setup();
    const result = await dispatcher.dispatch('sessions.list', {});
    expect(helper.sent).toEqual([{ method: SessionListRequest.method, params: { limit: 100 } }]);
    expect(result).toMatchObject({ ok: true, value: { sessions: [{ id: helperSession.id }, {}] } });
    if (result.ok) expect(JSON.stringify(result.value)).not.toContain('/home/ada');
  });

  it('carries what the history shows: the backup numbers, interruptions and errors, duration times', async () => {
    const { helper, dispatcher } = setup();
    helper.listed = [
      {
        ...helperSession,
        status: 'failed',
        phase: 'done',
        attempt: 2,
        startedAt: '2026-11-25T01:02:04.000Z',
        endedAt: '2026-11-25T01:09:04.000Z',
        failure: { code: 'VERIFY_FAILED', message: 'a tree is missing', check: 'repository' },
        stats: helperStats,
        interruptions: 1,
        errors: 2,
      },
    ];
    const result = await dispatcher.dispatch('sessions.list', { limit: 25 });
    expect(result).toEqual({
      ok: true,
      value: {
        sessions: [
          expect.objectContaining({
            startedAt: '2026-11-25T01:02:04.000Z',
            endedAt: '2026-11-25T01:09:04.000Z',
            stats: helperStats,
            interruptions: 1,
            errors: 2,
          }),
        ],
      },
    });
  });

  it('answers HELPER_UNAVAILABLE when disconnected', async () => {
    expect(await setup({ disconnected: true }).dispatcher.dispatch('sessions.list', {})).toMatchObject({
      ok: false,
      code: 'HELPER_UNAVAILABLE',
    });
    const { helper, dispatcher } = setup();
    helper.listFailure = new HelperRequestError('HELPER_DISCONNECTED', 'gone', 'session/list');
    expect(await dispatcher.dispatch('sessions.list', { limit: 5 })).toMatchObject({
      ok: false,
      code: 'HELPER_UNAVAILABLE',
    });
  });
});

describe('repository passwords', () => {
  it('refuses to remember a password in console mode, and has none to forget', async () => {
    const { dispatcher } = setup({ console: true });
    const result = await dispatcher.dispatch('repository.rememberPassword', { repository, password });
    expect(result).toMatchObject({ ok: false, code: 'SECRETS_UNAVAILABLE' });
    if (!result.ok) expect(result.message).toContain('password file');
    expect(await dispatcher.dispatch('repository.forgetPassword', { repository })).toEqual({
      ok: true,
      value: { forgotten: true },
    });
  });

  it('refuses to remember a password while the keyring is unavailable, saying why', async () => {
    const { dispatcher } = setup();
    cipher.lock('No keyring is available (password store: basic_text).');
    const result = await dispatcher.dispatch('repository.rememberPassword', { repository, password });
    expect(result).toMatchObject({ ok: false, code: 'SECRETS_UNAVAILABLE' });
    if (!result.ok) expect(result.message).toContain('basic_text');
  });

  it('forgets a remembered password, so the next start hands none over', async () => {
    const { helper, dispatcher } = setup();
    await dispatcher.dispatch('repository.rememberPassword', { repository, password });
    expect(await dispatcher.dispatch('repository.forgetPassword', { repository })).toMatchObject({
      ok: true,
    });
    await dispatcher.dispatch('sessions.start', { source: 'system-state' });
    expect(helper.startParams()).toEqual({ source: 'system-state' });
  });
});

describe('session contract', () => {
  it("lists the same sources, statuses, phases and triggers as the helper's session model", () => {
    expect([...sessionSources]).toEqual([...helperSources]);
    expect([...sessionStatuses]).toEqual([...helperStatuses]);
    expect([...sessionPhases]).toEqual([...helperPhases]);
    expect([...SessionSummarySchema.shape.trigger.options]).toEqual([...helperTriggers]);
    // The stats are copied field by field: a field added on one side only fails to compile here.
    const sameStatsFields: SameKeys<HelperSessionStats, SessionStats> = true;
    expect(sameStatsFields).toBe(true);
    expect(Object.keys(SessionStatsSchema.shape).sort()).toEqual(Object.keys(helperStats).sort());
  });
});

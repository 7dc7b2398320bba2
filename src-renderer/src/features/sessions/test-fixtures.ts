/** A fake API and sample sessions for the Sessions tests. */
import type {
  BackupManagerApi,
  EventChannel,
  EventPayload,
  PreflightResult,
  RequestChannel,
  RequestParams,
  RequestResult,
  Result,
  SessionDetail,
  SessionProgress,
  SessionSummary,
} from '@contract';

export function summary(patch: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id: '20250101-100000-abcdef',
    source: 'system-state',
    trigger: 'manual',
    status: 'in-process',
    phase: 'backup',
    attempt: 1,
    maxAttempts: 3,
    createdAt: '2025-01-01T10:00:00.000Z',
    startedAt: '2025-01-01T10:00:01.000Z',
    endedAt: null,
    failure: null,
    stats: null,
    interruptions: 0,
    errors: 0,
    ...patch,
  };
}

export function detail(patch: Partial<SessionDetail> = {}): SessionDetail {
  return {
    ...summary(),
    paths: ['/etc'],
    repository: '/srv/repo',
    nextAttemptAt: null,
    snapshotId: null,
    attempts: [
      { attempt: 1, startedAt: '2025-01-01T10:00:01.000Z', endedAt: null, outcome: null, failure: null },
    ],
    transitions: [
      {
        seq: 1,
        at: '2025-01-01T10:00:00.000Z',
        attempt: 0,
        phase: 'queued',
        status: 'in-process',
        detail: null,
      },
      {
        seq: 2,
        at: '2025-01-01T10:00:01.000Z',
        attempt: 1,
        phase: 'preflight',
        status: 'in-process',
        detail: null,
      },
    ],
    ...patch,
  };
}

export function progress(patch: Partial<SessionProgress> = {}): SessionProgress {
  return {
    sessionId: '20250101-100000-abcdef',
    attempt: 1,
    phase: 'backup',
    filesDone: 10,
    filesTotal: 100,
    bytesDone: 50 * 1024 * 1024,
    bytesTotal: 200 * 1024 * 1024,
    bytesPerSecond: 12_500_000,
    etaSeconds: 190,
    currentItem: '/etc/ssh/sshd_config',
    ...patch,
  };
}

export const passingPreflight: PreflightResult = {
  checks: [
    {
      id: 'free-space',
      status: 'pass',
      code: 'OK',
      title: 'Free space',
      evidence: ['2 GiB free'],
      fix: '',
      blocksBackup: false,
    },
    {
      id: 'services',
      status: 'pass',
      code: 'OK',
      title: 'Services',
      evidence: [],
      fix: '',
      blocksBackup: false,
    },
  ],
  overall: 'pass',
  location: '/',
  locationSource: 'default',
  freeSpace: null,
};

export const failingPreflight: PreflightResult = {
  ...passingPreflight,
  checks: [
    {
      id: 'free-space',
      status: 'fail',
      code: 'INSUFFICIENT_SPACE',
      title: 'Free space',
      evidence: ['1 MiB free on /mnt/tiny, 40 MiB needed'],
      fix: 'Move the snapshot location to a larger drive.',
      blocksBackup: true,
    },
  ],
  overall: 'fail',
};

type Handler = (params: unknown) => Result<unknown> | Promise<Result<unknown>>;

export interface FakeApi extends BackupManagerApi {
  calls: { channel: RequestChannel; params: unknown }[];
  /** The handler may answer later (a promise), to test what happens while a request is under way. */
  handle<C extends RequestChannel>(
    channel: C,
    handler: (params: RequestParams<C>) => Result<RequestResult<C>> | Promise<Result<RequestResult<C>>>,
  ): void;
  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void;
  listeners(event: EventChannel): number;
}

export function fakeApi(): FakeApi {
  const handlers = new Map<RequestChannel, Handler>();
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const calls: FakeApi['calls'] = [];
  return {
    calls,
    handle(channel, handler) {
      handlers.set(channel, handler as Handler);
    },
    async invoke(channel, params) {
      calls.push({ channel, params });
      const handler = handlers.get(channel);
      if (!handler)
        return { ok: false, code: 'HELPER_UNAVAILABLE', message: `no fake for ${channel}` } as never;
      return (await handler(params)) as never;
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listeners(event) {
      return listeners.get(event)?.size ?? 0;
    },
  };
}

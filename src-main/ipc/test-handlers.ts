/**
 * Handlers for transport and dispatcher tests: valid results, and a record of every params object that reached a
 * handler so tests can prove nothing unvalidated ever does.
 */
import type { AppState, RequestChannel, RequestHandlers, SessionSummary, SystemOverview } from './contract';

export const sampleOverview: SystemOverview = {
  hostname: 'test-host',
  os: {
    platform: 'linux',
    distro: 'Debian GNU/Linux',
    release: '12',
    codename: 'bookworm',
    kernel: '6.1.0',
    arch: 'x64',
    serverEdition: null,
  },
  bootMode: 'uefi',
  filesystems: [
    {
      device: '/dev/sda1',
      mount: '/',
      type: 'ext4',
      sizeBytes: 100,
      usedBytes: 40,
      freeBytes: 55,
      readOnly: false,
      isSystem: true,
    },
  ],
  collectedAt: '2026-11-25T00:00:00.000Z',
};

export const sampleState: AppState = {
  app: { version: '0.0.0-test', mode: 'console' },
  overview: { status: 'ready', overview: sampleOverview },
  helper: {
    state: 'not-installed',
    detail: 'Not installed.',
    action: 'Install the helper.',
    helperVersion: null,
  },
};

export const sampleSession: SessionSummary = {
  id: '20261125-010203-abcdef',
  source: 'files',
  trigger: 'manual',
  status: 'in-process',
  phase: 'queued',
  attempt: 1,
  maxAttempts: 3,
  createdAt: '2026-11-25T01:02:03.000Z',
  startedAt: null,
  endedAt: null,
  failure: null,
};

export function recordingHandlers(): {
  handlers: RequestHandlers;
  calls: { channel: RequestChannel; params: unknown }[];
} {
  const calls: { channel: RequestChannel; params: unknown }[] = [];
  const handlers: RequestHandlers = {
    async 'state.get'(params) {
      calls.push({ channel: 'state.get', params });
      return sampleState;
    },
    async 'system.overview'(params) {
      calls.push({ channel: 'system.overview', params });
      return sampleOverview;
    },
    async 'sessions.start'(params) {
      calls.push({ channel: 'sessions.start', params });
      return { session: sampleSession, created: true };
    },
    async 'sessions.list'(params) {
      calls.push({ channel: 'sessions.list', params });
      return { sessions: [sampleSession] };
    },
    async 'repository.rememberPassword'(params) {
      calls.push({ channel: 'repository.rememberPassword', params });
      return { remembered: true };
    },
    async 'repository.forgetPassword'(params) {
      calls.push({ channel: 'repository.forgetPassword', params });
      return { forgotten: true };
    },
  };
  return { handlers, calls };
}

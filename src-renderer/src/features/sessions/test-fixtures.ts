/** Sample sessions for the Sessions tests (their fake API is api/testing/fake-api.ts). */
import type { PreflightResult, SessionDetail, SessionProgress, SessionSummary } from '@contract';

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

/** Sample restore data and a fake helper with a repository (on the shared fake API) for the Restore tests. */
import type {
  CompatibilityReport,
  RestoreJob,
  RestoreMachine,
  RestorePlan,
  RestoreRepositoryInfo,
  RestoreSessionEntry,
} from '@contract';
import { type FakeApi, fakeApi, ok } from '../../api/testing/fake-api';

export const handle = '0123456789abcdef0123456789abcdef';
export const snapshotNew = 'a'.repeat(64);
export const snapshotOld = 'b'.repeat(64);
export const snapshotRollback = 'c'.repeat(64);
export const jobId = 'd'.repeat(32);

export const repositoryInfo: RestoreRepositoryInfo = {
  handle,
  repository: '/media/usb/repo',
  repositoryId: 'e'.repeat(64),
  systemStateSessions: 3,
};

export function machine(patch: Partial<RestoreMachine> = {}): RestoreMachine {
  return {
    hostname: 'web-01',
    isThisMachine: false,
    sessions: 3,
    latestTime: '2026-11-24T02:00:00.000Z',
    os: { family: 'linux', name: 'Debian GNU/Linux', version: '12' },
    arch: 'x64',
    bootMode: 'uefi',
    ...patch,
  };
}

const components = [
  { id: 'configuration', title: 'Configuration', paths: ['/etc'] },
  { id: 'boot', title: 'Boot files', paths: ['/boot'] },
  { id: 'software', title: 'Software inventory', paths: [] },
];

export function session(patch: Partial<RestoreSessionEntry> = {}): RestoreSessionEntry {
  return {
    snapshotId: snapshotNew,
    shortId: snapshotNew.slice(0, 8),
    time: '2026-11-24T02:00:00.000Z',
    hostname: 'web-01',
    sizeBytes: 52_428_800,
    files: 1234,
    components,
    rollback: false,
    ...patch,
  };
}

/** Newest first, the newest being a rollback backup (the wizard then picks the newest real session). */
export const sessions: RestoreSessionEntry[] = [
  session({
    snapshotId: snapshotRollback,
    shortId: 'cccccccc',
    time: '2026-11-25T09:00:00.000Z',
    rollback: true,
  }),
  session(),
  session({ snapshotId: snapshotOld, shortId: 'bbbbbbbb', time: '2026-11-20T02:00:00.000Z' }),
];

export function compatibility(patch: Partial<CompatibilityReport> = {}): CompatibilityReport {
  return {
    backedUpHostname: 'web-01',
    thisHostname: 'web-02',
    items: [
      {
        id: 'arch',
        title: 'Processor architecture',
        status: 'pass',
        explanation: 'Both are x64.',
        action: '',
        evidence: ['backed up: x64', 'here: x64'],
      },
      {
        id: 'filesystem-uuids',
        title: 'Filesystem UUIDs',
        status: 'warn',
        explanation: 'fstab names a filesystem that does not exist here.',
        action: 'The restore rewrites the UUIDs it can match.',
        evidence: ['/etc/fstab:3 UUID=1111-2222 /boot/efi'],
      },
    ],
    overall: 'warn',
    manifestFound: true,
    ...patch,
  };
}

export function plan(patch: Partial<RestorePlan> = {}): RestorePlan {
  return {
    snapshotId: snapshotNew,
    target: { kind: 'folder', path: '/var/tmp/backup-manager-restore/web-01-aaaaaaaa' },
    targetRoot: '/var/tmp/backup-manager-restore/web-01-aaaaaaaa',
    components,
    uuidRemap: {
      entries: [
        {
          from: '1111-2222',
          to: null,
          mountpoint: '/boot/efi',
          reason: 'no vfat filesystem here',
          references: [{ file: '/etc/fstab', line: 3 }],
        },
        {
          from: '3333-4444',
          to: '5555-6666',
          mountpoint: '/',
          reason: 'the filesystem mounted at /',
          references: [{ file: '/etc/fstab', line: 2 }],
        },
      ],
      unresolved: 1,
    },
    bootRepair: {
      bindMounts: ['/dev', '/proc', '/sys'],
      steps: [
        {
          id: 'initramfs',
          title: 'Rebuild the initramfs',
          argv: ['update-initramfs', '-u', '-k', 'all'],
          available: true,
          reason: '',
        },
        {
          id: 'grub-install',
          title: 'Install the bootloader',
          argv: ['grub-install', '/dev/sda'],
          available: false,
          reason: 'grub-install is not installed in the target',
        },
      ],
      notes: [],
    },
    services: [
      { unit: 'ssh.service', action: 'already-enabled', detail: '' },
      { unit: 'nginx.service', action: 'unit-missing', detail: 'nginx is not installed' },
    ],
    missingPackages: {
      packageManager: 'dpkg',
      recorded: 812,
      missing: ['nginx', 'postgresql-15'],
      installCommand: 'apt-get install nginx postgresql-15',
      notes: [],
    },
    diskLayoutScript: {
      script: '#!/bin/sh\nset -eu\nsfdisk /dev/sda < sda.json\n',
      diskMap: { '/dev/sda': '/dev/sda' },
      warnings: ['/dev/sda has no disk of the same size here'],
    },
    windows: null,
    notes: ['Restored into a folder: nothing of this system changes.'],
    ...patch,
  };
}

export function job(patch: Partial<RestoreJob> = {}): RestoreJob {
  return {
    id: jobId,
    kind: 'restore',
    state: 'running',
    phase: 'restore',
    snapshotId: snapshotNew,
    hostname: 'web-01',
    target: { kind: 'folder', path: '/var/tmp/backup-manager-restore/web-01-aaaaaaaa' },
    targetRoot: '/var/tmp/backup-manager-restore/web-01-aaaaaaaa',
    startedAt: '2026-11-25T10:00:00.000Z',
    finishedAt: null,
    progress: {
      filesDone: 100,
      filesTotal: 1234,
      bytesDone: 13_107_200,
      bytesTotal: 52_428_800,
      currentItem: '/etc/ssh/sshd_config',
      bytesPerSecond: 12_500_000,
      etaSeconds: 185,
    },
    rollbackSnapshotId: null,
    failures: [],
    verification: null,
    checklist: [],
    error: null,
    ...patch,
  };
}

export function completedJob(patch: Partial<RestoreJob> = {}): RestoreJob {
  return job({
    state: 'completed',
    phase: 'done',
    finishedAt: '2026-11-25T10:05:00.000Z',
    progress: { ...job().progress, filesDone: 1234, bytesDone: 52_428_800, currentItem: null, etaSeconds: 0 },
    verification: { filesChecked: 1234, bytesChecked: 52_428_800, mismatches: [] },
    checklist: [
      { id: 'files', title: 'Files restored and verified', status: 'done', detail: '1,234 files' },
      {
        id: 'boot-repair',
        title: 'Repair the boot configuration',
        status: 'todo',
        detail: 'Run boot repair',
      },
      { id: 'services', title: 'Enable services', status: 'skipped', detail: 'into a folder' },
    ],
    ...patch,
  });
}

/** A fake helper with a repository of one machine (web-01) and this machine (web-02) without sessions. */
export function wizardApi(): FakeApi {
  const api = fakeApi();
  api.handle('settings.get', () =>
    ok({
      settings: {
        repository: '/srv/backup/repo',
        snapshotLocation: null,
        passwordFile: null,
        retention: null,
        sshKeyFile: null,
        trustedHostKeys: [],
        s3CredentialsFile: null,
      },
    }),
  );
  api.handle('restore.jobs', () => ok({ jobs: [] }));
  api.handle('restore.open', (p) =>
    p.password === 'right'
      ? ok(repositoryInfo)
      : {
          ok: false,
          code: 'WRONG_PASSWORD',
          message: `Cannot open the repository at ${p.repository}: wrong password`,
        },
  );
  api.handle('restore.close', () => ok({ closed: true }));
  api.handle('restore.machines', () => ok({ machines: [machine()] }));
  api.handle('restore.sessions', () => ok({ sessions }));
  api.handle('restore.compatibility', () => ok(compatibility()));
  api.handle('restore.plan', (p) => ok(plan({ target: p.target, snapshotId: p.snapshotId })));
  api.handle('restore.start', (p) => ok({ job: job({ target: p.target }) }));
  api.handle('restore.job', () => ok({ job: job() }));
  return api;
}

/** The helper's restore answers as they cross the wire (helper-protocol/restore-model.ts), for the app's tests. */
import type {
  CompatibilityReport,
  RestoreJob,
  RestoreMachine,
  RestorePlan,
  RestoreRepositoryInfo,
  RestoreSessionEntry,
} from '../../helper-protocol/restore-model';

export const wireHandle = '0123456789abcdef0123456789abcdef';
export const wireSnapshotId = 'f'.repeat(64);
export const wireJobId = 'abcdefabcdefabcdefabcdefabcdef01';

export const wireRepositoryInfo: RestoreRepositoryInfo = {
  handle: wireHandle,
  repository: '/mnt/usb/repo',
  repositoryId: 'e'.repeat(64),
  systemStateSessions: 3,
};

export const wireMachine: RestoreMachine = {
  hostname: 'web-01',
  isThisMachine: false,
  sessions: 2,
  latestTime: '2026-11-24T02:00:00.123456789+01:00',
  os: { family: 'linux', name: 'Debian GNU/Linux', version: '12' },
  arch: 'x64',
  bootMode: 'uefi',
};

export const wireSession: RestoreSessionEntry = {
  snapshotId: wireSnapshotId,
  shortId: 'ffffffff',
  time: '2026-11-24T02:00:00Z',
  hostname: 'web-01',
  sizeBytes: 123_456_789,
  files: 4321,
  components: [
    { id: 'configuration', title: 'Configuration', paths: ['/etc'] },
    { id: 'boot', title: 'Boot files', paths: ['/boot'] },
  ],
  rollback: false,
};

export const wireCompatibility: CompatibilityReport = {
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
      explanation: 'fstab names filesystems that do not exist here.',
      action: 'The restore rewrites them where it can match one.',
      evidence: ['/etc/fstab:3 UUID=1111-2222'],
    },
  ],
  overall: 'warn',
  manifestFound: true,
};

export const wirePlan: RestorePlan = {
  snapshotId: wireSnapshotId,
  target: { kind: 'folder', path: '/mnt/target' },
  targetRoot: '/mnt/target',
  components: wireSession.components,
  uuidRemap: {
    entries: [
      {
        from: '1111-2222',
        to: null,
        mountpoint: '/boot/efi',
        reason: 'no vfat filesystem here',
        references: [{ file: '/etc/fstab', line: 3 }],
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
    ],
    notes: [],
  },
  services: [{ unit: 'ssh.service', action: 'enable', detail: 'enabled on web-01' }],
  missingPackages: {
    packageManager: 'dpkg',
    recorded: 400,
    missing: ['nginx'],
    installCommand: 'apt-get install nginx',
    notes: [],
  },
  diskLayoutScript: { script: '#!/bin/sh\nsfdisk /dev/sda <<EOF\nEOF\n', diskMap: {}, warnings: [] },
  windows: null,
  notes: ['Restored into a folder: nothing of this system changes.'],
};

export function wireJob(patch: Partial<RestoreJob> = {}): RestoreJob {
  return {
    id: wireJobId,
    kind: 'restore',
    state: 'running',
    phase: 'restore',
    snapshotId: wireSnapshotId,
    hostname: 'web-01',
    target: { kind: 'folder', path: '/mnt/target' },
    targetRoot: '/mnt/target',
    startedAt: '2026-11-25T03:00:00.000Z',
    finishedAt: null,
    progress: {
      filesDone: 10,
      filesTotal: 100,
      bytesDone: 1000,
      bytesTotal: 10_000,
      currentItem: '/etc/ssh/sshd_config',
      bytesPerSecond: 500,
      etaSeconds: 18,
    },
    rollbackSnapshotId: null,
    failures: [],
    verification: null,
    checklist: [],
    error: null,
    ...patch,
  };
}

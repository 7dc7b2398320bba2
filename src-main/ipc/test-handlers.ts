/**
 * Handlers for transport and dispatcher tests: valid results, and a record of every params object that reached a
 * handler so tests can prove nothing unvalidated ever does.
 */
import type {
  AppState,
  DiagnosticReport,
  HelperSettings,
  PreflightCheck,
  RequestChannel,
  RequestHandlers,
  RequestResult,
  RestoreJob,
  SessionSummary,
  SnapshotDrive,
  SnapshotLocationState,
  SystemOverview,
} from './contract';

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
  stats: null,
  interruptions: 0,
  errors: 0,
};

const sampleCheck: PreflightCheck = {
  id: 'free-space',
  status: 'warn',
  code: 'LOW_FREE_SPACE',
  title: 'Free space for the snapshot',
  evidence: ['free there: 2.0 GiB; System state estimate: 1.5 GiB; ratio 1.33'],
  fix: 'Move the snapshot location to /data (120 GiB free, ext4)',
  blocksBackup: false,
};

const sampleDrive: SnapshotDrive = {
  mountPoint: '/data',
  device: '/dev/sdb1',
  fsType: 'ext4',
  totalBytes: 200,
  freeBytes: 120,
  isSystemDrive: false,
  snapshotData: { possible: true, reason: 'the temporary copy is written here' },
};

export const sampleLocationState: SnapshotLocationState = {
  current: '/',
  source: 'default',
  default: '/',
  provider: { kind: 'temp-copy', reason: '/ is ext4 on /dev/sda1: no snapshot technology, files are copied' },
  drives: [sampleDrive],
};

export const sampleSettings: HelperSettings = {
  repository: '/mnt/backup/repo',
  snapshotLocation: null,
  passwordFile: '/etc/backup-manager/password',
  retention: { keepDaily: 7 },
  sshKeyFile: null,
  trustedHostKeys: [],
  s3CredentialsFile: null,
};

const sampleReport: DiagnosticReport = {
  generatedAt: '2026-11-25T02:00:00.000Z',
  product: 'Backup Manager',
  machine: { hostname: 'test-host', platform: 'linux', release: '6.1.0', arch: 'x64' },
  snapshot: { provider: 'temp-copy', providerReason: 'ext4', location: '/', locationSource: 'default' },
  overall: 'warn',
  checks: [sampleCheck],
  components: [],
};

const sampleSnapshotId = 'a'.repeat(64);

const sampleRestoreJob: RestoreJob = {
  id: 'b'.repeat(32),
  kind: 'restore',
  state: 'running',
  phase: 'restore',
  snapshotId: sampleSnapshotId,
  hostname: 'test-host',
  target: { kind: 'folder', path: '/mnt/target' },
  targetRoot: '/mnt/target',
  startedAt: '2026-11-25T03:00:00.000Z',
  finishedAt: null,
  progress: {
    filesDone: 1,
    filesTotal: 2,
    bytesDone: 10,
    bytesTotal: 20,
    currentItem: '/etc/fstab',
    bytesPerSecond: null,
    etaSeconds: null,
  },
  rollbackSnapshotId: null,
  failures: [],
  verification: null,
  checklist: [],
  error: null,
};

/** A valid result for every channel: transport and dispatcher tests only care that it passes the contract. */
const sampleResults: { [C in RequestChannel]: RequestResult<C> } = {
  'state.get': sampleState,
  'system.overview': sampleOverview,
  'sessions.start': { session: sampleSession, created: true },
  'sessions.list': { sessions: [sampleSession] },
  'sessions.show': {
    session: {
      ...sampleSession,
      paths: ['/home/ada'],
      repository: '/mnt/backup/repo',
      nextAttemptAt: null,
      snapshotId: null,
      stats: null,
      attempts: [],
      transitions: [],
    },
  },
  'sessions.log': {
    entries: [{ seq: 1, at: '2026-11-25T01:02:04.000Z', attempt: 1, level: 'info', message: 'queued' }],
  },
  'sessions.cancel': { session: { ...sampleSession, status: 'aborted', phase: 'done' } },
  'systemState.components': { components: [], estimate: { bytes: 0, files: 0 } },
  'systemState.preflight': {
    checks: [sampleCheck],
    overall: 'warn',
    location: '/',
    locationSource: 'default',
    freeSpace: null,
  },
  'snapshotLocation.get': sampleLocationState,
  'snapshotLocation.set': sampleLocationState,
  'diagnostics.report': { report: sampleReport, text: 'Backup Manager — diagnostic report' },
  'settings.get': { settings: sampleSettings },
  'settings.set': { settings: sampleSettings },
  'schedule.get': { schedules: [] },
  'schedule.set': { schedules: [] },
  'repository.rememberPassword': { remembered: true },
  'repository.forgetPassword': { forgotten: true },
  'repository.passwordStatus': {
    repository: '/mnt/backup/repo',
    remembered: false,
    source: 'password-file',
    scheduledSource: 'password-file',
    passwordFile: '/etc/backup-manager/password',
    keychain: { available: false, reason: 'console mode' },
    s3CredentialsRemembered: false,
  },
  'repository.rememberS3Credentials': { remembered: true },
  'repository.forgetS3Credentials': { forgotten: true },
  'repository.hostKey': {
    host: 'backup.example.net',
    port: 22,
    algorithm: 'ssh-ed25519',
    fingerprint: `SHA256:${'A'.repeat(43)}`,
    status: 'unknown',
    trustedFingerprint: null,
  },
  'repository.trustHostKey': {
    settings: {
      ...sampleSettings,
      repository: 'sftp:backup@backup.example.net:/srv/repo',
      trustedHostKeys: [{ host: 'backup.example.net', port: 22, fingerprint: `SHA256:${'A'.repeat(43)}` }],
    },
  },
  'restore.open': {
    handle: 'c'.repeat(32),
    repository: '/mnt/backup/repo',
    repositoryId: 'd'.repeat(64),
    systemStateSessions: 1,
  },
  'restore.close': { closed: true },
  'restore.machines': { machines: [] },
  'restore.sessions': { sessions: [] },
  'restore.compatibility': {
    backedUpHostname: 'test-host',
    thisHostname: 'test-host',
    items: [],
    overall: 'pass',
    manifestFound: true,
  },
  'restore.plan': {
    snapshotId: sampleSnapshotId,
    target: { kind: 'folder', path: '/mnt/target' },
    targetRoot: '/mnt/target',
    components: [],
    uuidRemap: { entries: [], unresolved: 0 },
    bootRepair: null,
    services: [],
    missingPackages: null,
    diskLayoutScript: null,
    windows: null,
    notes: [],
  },
  'restore.start': { job: sampleRestoreJob },
  'restore.job': { job: sampleRestoreJob },
  'restore.jobs': { jobs: [sampleRestoreJob] },
  'restore.cancel': { job: sampleRestoreJob },
  'restore.wait': { job: sampleRestoreJob },
  'restore.bootRepair': { steps: [], ok: true },
  'restore.rollback': { job: { ...sampleRestoreJob, kind: 'rollback' } },
  'restore.test': { job: { ...sampleRestoreJob, kind: 'test-restore' } },
  'restore.testSchedule.get': {
    schedule: { spec: { kind: 'off' }, nextRunAt: null, lastRunAt: null, lastJob: null },
  },
  'restore.testSchedule.set': {
    schedule: {
      spec: { kind: 'daily', time: '04:00' },
      nextRunAt: '2026-11-26T04:00:00.000Z',
      lastRunAt: null,
      lastJob: null,
    },
  },
};

export function recordingHandlers(): {
  handlers: RequestHandlers;
  calls: { channel: RequestChannel; params: unknown }[];
} {
  const calls: { channel: RequestChannel; params: unknown }[] = [];
  const handlers = Object.fromEntries(
    (Object.keys(sampleResults) as RequestChannel[]).map((channel) => [
      channel,
      async (params: unknown) => {
        calls.push({ channel, params });
        return sampleResults[channel];
      },
    ]),
  ) as RequestHandlers;
  return { handlers, calls };
}

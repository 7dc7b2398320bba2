/**
 * Test support for the restore jobs: the real registry, repositories, runner, rollback and test-restore deps over a
 * repository in a temporary folder (written by our engine, testing/restore-test-repository.ts), with every
 * restore/changed notification recorded with the time it was sent, and a System state session of a Linux machine
 * `alpha` recorded the way a session records it (files under their live paths, exports and manifest in the staging
 * folder). Tests only.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { RestoreJob } from '../../../helper-protocol/restore-model';
import { emptyHelperSettings, type HelperSettings } from '../../../helper-protocol/session-model';
import { ExecCommandRunner } from '../../../system-state/command-runner/exec-command-runner';
import type { MachineManifest } from '../../../system-state/manifest/machine-manifest';
import { testRepositoryBackends } from '../../repository/testing/test-backends';
import { RestoreJobRunner } from '../restore-job-runner';
import { RestoreJobs } from '../restore-jobs';
import { RestoreRepositories } from '../restore-repositories';
import type { RollbackDeps } from '../restore-rollback';
import type { TestRestoreDeps } from '../restore-test';
import {
  createTestRepository,
  type TestEntry,
  type TestRepository,
  testManifest,
  testRepositoryPassword,
} from './restore-test-repository';

/** The UUIDs of the backed-up machine's filesystems (in its fstab) and of the ones "here". */
export const oldRootUuid = '0a1b2c3d-1111-2222-3333-444455556666';
export const oldBootUuid = '9f8e7d6c-aaaa-bbbb-cccc-ddddeeeeffff';
export const newRootUuid = '11111111-2222-4333-8444-555555555555';

export const alphaFstab = `# /etc/fstab of alpha
UUID=${oldRootUuid} /     ext4 errors=remount-ro 0 1
UUID=${oldBootUuid} /boot ext4 defaults 0 2
tmpfs /tmp tmpfs defaults 0 0
`;

export interface Notification {
  at: number;
  job: RestoreJob;
}

export interface RestoreJobHarness {
  dir: string;
  stateDir: string;
  systemRoot: string;
  repo: TestRepository;
  repositories: RestoreRepositories;
  jobs: RestoreJobs;
  runner: RestoreJobRunner;
  rollbackDeps: RollbackDeps;
  testDeps: TestRestoreDeps;
  notifications: Notification[];
  /**
   * Where this machine's root filesystem (UUID newRootUuid) is mounted, as the default manifest says: the system
   * root, plus what a test adds (a folder target, as if a new disk were mounted there).
   */
  hereRoots: string[];
  /** Opens the test repository; returns its handle. */
  open(): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  hostname?: string;
  /** This machine's manifest (default: a Linux machine `beta`, its root filesystem mounted at `hereRoots`). */
  here?: () => MachineManifest;
  workers?: number;
  settings?: Partial<HelperSettings>;
  password?: () => Promise<string>;
  /** Also called with every restore/changed (e.g. to broadcast it through a server). */
  onNotify?: (job: RestoreJob) => void;
}

export async function createRestoreJobHarness(
  dir: string,
  options: HarnessOptions = {},
): Promise<RestoreJobHarness> {
  const stateDir = path.join(dir, 'state');
  const systemRoot = path.join(dir, 'system');
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await mkdir(systemRoot, { recursive: true });
  const repo = await createTestRepository(dir);
  const hostname = () => options.hostname ?? 'beta';
  const notifications: Notification[] = [];
  const jobs = new RestoreJobs({
    stateDir,
    notify: (job) => {
      notifications.push({ at: performance.now(), job });
      options.onNotify?.(job);
    },
    log: () => undefined,
  });
  const backends = testRepositoryBackends();
  const repositories = new RestoreRepositories({
    openBackend: (location, handedOver) => backends.open(location, handedOver),
  });
  const hereRoots = [systemRoot];
  const manifestHere = options.here ?? (() => hereWithRootAt(hereRoots));
  const runner = new RestoreJobRunner({
    jobs,
    repositories,
    stateDir,
    systemRoot,
    hostname,
    here: async () => manifestHere(),
    runner: new ExecCommandRunner(),
    workers: options.workers ?? 1,
  });
  const settings: HelperSettings = {
    ...emptyHelperSettings(),
    repository: repo.path,
    ...options.settings,
  };
  return {
    dir,
    stateDir,
    systemRoot,
    repo,
    repositories,
    jobs,
    runner,
    rollbackDeps: { jobs, repositories, systemRoot, hostname, workers: options.workers ?? 1 },
    testDeps: {
      jobs,
      repositories,
      stateDir,
      hostname,
      settings: async () => settings,
      password: options.password ?? (async () => testRepositoryPassword),
      workers: options.workers ?? 1,
    },
    notifications,
    hereRoots,
    open: async () => (await repositories.open(repo.path, testRepositoryPassword)).handle,
    async close() {
      await jobs.closeAll();
      repositories.closeAll();
      await repo.repository.backend.close();
    },
  };
}

/** A Linux machine `beta` whose root filesystem (new UUID) is mounted at `roots` (what the remap resolves by). */
export function hereWithRootAt(roots: readonly string[]): MachineManifest {
  return testManifest({
    hostname: 'beta',
    bootMode: 'bios',
    filesystems: [
      { device: '/dev/vdb1', mountpoints: [...roots], type: 'ext4', uuid: newRootUuid, label: null },
    ],
  });
}

/** The files of `alpha`: configuration in /etc (fstab with alpha's UUIDs), a boot file, a symlink. */
export function alphaFiles(extra: Record<string, TestEntry> = {}): Record<string, TestEntry> {
  return {
    'etc/hostname': 'alpha\n',
    'etc/fstab': alphaFstab,
    'etc/ssh/sshd_config': 'PermitRootLogin no\n',
    'etc/motd': { symlink: '/var/run/motd.dynamic' },
    'boot/config-6.1.0-26-amd64': 'CONFIG_EXT4_FS=y\n',
    ...extra,
  };
}

/** The staging folder of alpha's session: manifest, components, exports. */
export function alphaStaging(
  options: { manifest?: MachineManifest; enabledUnits?: string } = {},
): Record<string, TestEntry> {
  return {
    'machine-manifest.json': JSON.stringify(options.manifest ?? testManifest({ hostname: 'alpha' })),
    'components.json': JSON.stringify({
      version: 1,
      components: [
        { id: 'linux.configuration', title: 'System configuration', paths: ['/etc'] },
        { id: 'linux.boot', title: 'Boot files', paths: ['/boot'] },
        { id: 'linux.software-inventory', title: 'Software inventory', paths: [] },
      ],
    }),
    'software/enabled-units.txt': options.enabledUnits ?? '',
    'software/dpkg-selections.txt': 'base-files\t\t\t\t\tinstall\nless\t\t\t\t\t\tinstall\n',
  };
}

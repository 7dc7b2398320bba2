/**
 * Test support for the session runner: everything real — an SQLite journal and a restic repository in a temporary
 * folder, System state of this machine through the real service and OS tools, the real snapshot providers — with
 * the snapshot location in the temporary folder, a restart policy scaled down to milliseconds, and every
 * notification recorded. Tests only.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { LocalBackend } from '../../../engine/backend/local-backend';
import { parseChunkerPolynomial } from '../../../engine/chunker/chunker-polynomial';
import { Repository } from '../../../engine/repository/repository';
import { makeTempDir, removeTempDir, restic } from '../../../engine/testing/restic-cli';
import {
  emptyHelperSettings,
  type HelperSettings,
  type SessionProgress,
  type SessionSummary,
} from '../../../helper-protocol/session-model';
import { ExecCommandRunner } from '../../../system-state/command-runner/exec-command-runner';
import { SettingsStore } from '../../../system-state/location/settings-store';
import { BtrfsProvider } from '../../../system-state/snapshots/btrfs-provider';
import { LvmProvider } from '../../../system-state/snapshots/lvm-provider';
import type {
  SnapshotProvider,
  SnapshotProviderKind,
} from '../../../system-state/snapshots/snapshot-provider';
import { TempCopyProvider } from '../../../system-state/snapshots/temp-copy-provider';
import { VssProvider } from '../../../system-state/snapshots/vss-provider';
import { SystemStateService } from '../../../system-state/system-state-service';
import { testRepositoryBackends } from '../../repository/testing/test-backends';
import { PasswordSource } from '../../settings/password-source';
import { defaultRestartPolicy } from '../restart-policy';
import type { SessionHooks } from '../session-context';
import { SqliteSessionJournal } from '../session-journal';
import { SessionRunner } from '../session-runner';

export const testRepositoryPassword = 'pw';

export interface HarnessOptions {
  hooks?: SessionHooks;
  /** Restart delays are the default ones times this (default 0.0001: 30 s become 3 ms). */
  restartScale?: number;
  maxAttempts?: number;
  watchdogIntervalMs?: number;
  /** Called with every progress notification, after it is recorded. */
  onProgress?: (progress: SessionProgress) => void;
  /** Reuse the folder of an earlier harness (its journal and repository): a helper restart. */
  reuse?: Harness;
  /** The helper's environment has no password (default: BACKUP_MANAGER_PASSWORD is the repository's). */
  noHelperPassword?: boolean;
  /** Settings over the defaults, e.g. a remote repository with its SSH key and trusted host key. */
  settings?: Partial<HelperSettings>;
}

/** A progress notification and when it arrived (performance.now(), ms). */
export interface ReceivedProgress extends SessionProgress {
  receivedAt: number;
}

export interface Harness {
  dir: string;
  repository: string;
  /** The snapshot location of the settings. */
  location: string;
  journalFile: string;
  journal: SqliteSessionJournal;
  runner: SessionRunner;
  settings: HelperSettings;
  providers: Record<SnapshotProviderKind, SnapshotProvider>;
  systemState: SystemStateService;
  changes: SessionSummary[];
  progress: ReceivedProgress[];
  /** Closes the runner and the journal (not the folder: see dispose). */
  stop(): Promise<void>;
  /** stop() and remove the folder. */
  dispose(): Promise<void>;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const reuse = options.reuse;
  const dir = reuse?.dir ?? (await makeTempDir('session-runner'));
  const repository = path.join(dir, 'repo');
  const location = path.join(dir, 'location');
  const configDir = path.join(dir, 'config');
  if (!reuse) {
    await mkdir(location, { recursive: true });
    const created = await Repository.init(new LocalBackend(repository), testRepositoryPassword, {
      chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
      kdf: { N: 1024, r: 8, p: 1 },
    });
    await created.backend.close();
  }
  const settings: HelperSettings = reuse?.settings ?? {
    ...emptyHelperSettings(),
    repository,
    snapshotLocation: location,
    ...options.settings,
  };
  const commandRunner = new ExecCommandRunner();
  const systemState = new SystemStateService({
    runner: commandRunner,
    settings: new SettingsStore(configDir),
    env: { BACKUP_MANAGER_CONFIG_DIR: configDir },
  });
  const providers: Record<SnapshotProviderKind, SnapshotProvider> = {
    'temp-copy': new TempCopyProvider(),
    btrfs: new BtrfsProvider(commandRunner),
    lvm: new LvmProvider(commandRunner),
    vss: new VssProvider(commandRunner),
  };
  const journalFile = path.join(dir, 'journal.sqlite');
  const journal = SqliteSessionJournal.open(journalFile);
  const changes: SessionSummary[] = [];
  const progress: ReceivedProgress[] = [];
  const readSettings = async () => settings;
  const runner = new SessionRunner({
    journal,
    systemState,
    providers,
    runner: commandRunner,
    settings: readSettings,
    passwords: new PasswordSource({
      settings: readSettings,
      env: options.noHelperPassword ? {} : { BACKUP_MANAGER_PASSWORD: testRepositoryPassword },
      testMode: true,
    }),
    backends: testRepositoryBackends(readSettings),
    restartPolicy: defaultRestartPolicy({
      scale: options.restartScale ?? 0.0001,
      maxAttempts: options.maxAttempts,
    }),
    notify: {
      changed: (s) => changes.push(s),
      progress: (p) => {
        progress.push({ ...p, receivedAt: performance.now() });
        options.onProgress?.(p);
      },
    },
    workers: 1,
    watchdogIntervalMs: options.watchdogIntervalMs,
    hooks: options.hooks,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await runner.close();
    journal.close();
  };
  return {
    dir,
    repository,
    location,
    journalFile,
    journal,
    runner,
    settings,
    providers,
    systemState,
    changes,
    progress,
    stop,
    async dispose() {
      await stop();
      await removeTempDir(dir);
    },
  };
}

/** `restic check` (with `--read-data` by default) on the harness's repository; resolves to restic's output. */
export async function resticCheck(
  harness: Harness,
  readData = true,
): Promise<{ code: number; output: string }> {
  const result = await restic(['check', ...(readData ? ['--read-data'] : [])], {
    repo: harness.repository,
    password: testRepositoryPassword,
  });
  return { code: result.code, output: `${result.stdout}${result.stderr}` };
}

/** The distinct phases of a session's journaled transitions, in order (repeats of one phase collapsed). */
export function phasesOf(harness: Harness, id: string): string[] {
  const transitions = harness.journal.getSession(id)?.transitions ?? [];
  return transitions.map((t) => t.phase).filter((phase, i, all) => i === 0 || all[i - 1] !== phase);
}

/** A session's warnings and errors, one per line: the message of an assertion on its status. */
export function problemsOf(harness: Harness, id: string): string {
  return harness.journal
    .getLog(id, { minLevel: 'warning' })
    .map((entry) => `${entry.level}: ${entry.message}`)
    .join('\n');
}

/**
 * Whether a session ended with its snapshot saved. "Completed with errors" counts: the temporary copy reads the
 * live /etc, where other programs (LVM writes /etc/lvm/backup on every metadata change, for one) may remove a
 * file between listing and copying it — a warning on a busy machine, not what these tests are about.
 */
export function succeeded(summary: SessionSummary): boolean {
  return summary.status === 'completed' || summary.status === 'completed-with-errors';
}

/**
 * The helper assembled: its state directory (journal, settings, schedules), the session runner with every snapshot
 * provider, the scheduler, and the JSON-RPC server on its socket. Start-up order matters: the journal's recovery
 * (interrupted sessions, orphaned snapshots and staging folders) runs before the socket accepts a request or a
 * schedule fires, so nothing new starts next to something left over.
 */
import { chmod, mkdir } from 'node:fs/promises';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SessionChangedNotification, SessionProgressNotification } from '../helper-protocol/protocol';
import { RestoreChangedNotification } from '../helper-protocol/restore-protocol';
import type { LogLevel } from '../helper-protocol/session-model';
import { ExecCommandRunner } from '../system-state/command-runner/exec-command-runner';
import { BtrfsProvider } from '../system-state/snapshots/btrfs-provider';
import { LvmProvider } from '../system-state/snapshots/lvm-provider';
import { TempCopyProvider } from '../system-state/snapshots/temp-copy-provider';
import { VssProvider } from '../system-state/snapshots/vss-provider';
import { SystemStateService } from '../system-state/system-state-service';
import { currentBootId } from './boot-id';
import type { HelperArgs } from './helper-args';
import { createProtocolHandlers } from './protocol-handlers';
import { RepositoryBackends } from './repository/repository-backends';
import { RestoreJobRunner } from './restore/restore-job-runner';
import { RestoreJobs, type RestoreJobsDeps } from './restore/restore-jobs';
import { RestoreRepositories } from './restore/restore-repositories';
import { failedTestStart, startTestRestore, type TestRestoreDeps } from './restore/restore-test';
import { RestoreTestScheduler } from './restore/restore-test-scheduler';
import type { RestoreHandlerDeps } from './restore-handlers';
import { ScheduleStore } from './schedules/schedule-store';
import { Scheduler } from './schedules/scheduler';
import { AdminAuthorization } from './server/admin-authorization';
import { createHelperServer, type HelperServer } from './server/helper-server';
import type { HelperServerLog } from './server/helper-server-error';
import { groupIdOf } from './server/peer-authorization';
import { listenOnSocket } from './server/socket-listener';
import { defaultRestartPolicy } from './sessions/restart-policy';
import { SqliteSessionJournal } from './sessions/session-journal';
import { SessionRunner } from './sessions/session-runner';
import { HelperSettingsStore } from './settings/helper-settings-store';
import { PasswordSource } from './settings/password-source';
import { systemStateSettingsView } from './settings/system-state-settings-view';

export interface RunningHelper {
  socketPath: string;
  /** Ends gracefully: no new requests, running sessions cleaned up and journaled as interrupted (restarted later). */
  stop(): Promise<void>;
}

export class HelperStartError extends Error {
  constructor(
    readonly code: 'NOT_ROOT' | 'STATE_DIR_UNUSABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HelperStartError';
  }
}

export async function startHelper(
  args: HelperArgs,
  options: { version: string; env: NodeJS.ProcessEnv; log: HelperServerLog },
): Promise<RunningHelper> {
  const { log, env } = options;
  const uid = process.getuid?.() ?? 0;
  if (!args.testMode && process.platform !== 'win32' && uid !== 0)
    throw new HelperStartError(
      'NOT_ROOT',
      'the helper runs as root (it snapshots and reads the whole system); for development, start it with --test-mode',
    );
  try {
    await mkdir(args.stateDir, { recursive: true, mode: 0o700 });
    await chmod(args.stateDir, 0o700); // it holds the journal (paths, logs): root only
  } catch (error) {
    throw new HelperStartError(
      'STATE_DIR_UNUSABLE',
      `cannot use the state directory ${args.stateDir}: ${(error as Error).message}`,
      { cause: error },
    );
  }

  const journal = SqliteSessionJournal.open(path.join(args.stateDir, 'journal.db'));
  const settings = HelperSettingsStore.inStateDir(args.stateDir, { testMode: args.testMode });
  const commands = new ExecCommandRunner();
  const systemState = new SystemStateService({
    runner: commands,
    // One snapshot location for the whole helper: System state reads and writes the helper settings' one, which
    // the sessions use, instead of keeping a second copy that the UI could change without the sessions seeing it.
    settings: systemStateSettingsView(settings, args.stateDir),
    env,
  });
  let server: HelperServer | null = null;
  const passwords = new PasswordSource({ settings: () => settings.read(), env, testMode: args.testMode });
  const backends = new RepositoryBackends({ settings: () => settings.read(), env, testMode: args.testMode });
  const runner = new SessionRunner({
    journal,
    systemState,
    providers: {
      btrfs: new BtrfsProvider(commands),
      lvm: new LvmProvider(commands),
      vss: new VssProvider(commands),
      'temp-copy': new TempCopyProvider(),
    },
    runner: commands,
    settings: () => settings.read(),
    passwords,
    backends,
    restartPolicy: defaultRestartPolicy({ scale: args.restartDelayScale }),
    notify: {
      changed: (session) => server?.broadcast(SessionChangedNotification.type, { session }),
      progress: (progress) => server?.broadcast(SessionProgressNotification.type, progress),
    },
    workers: args.workers,
  });
  const scheduler = new Scheduler({
    store: ScheduleStore.inStateDir(args.stateDir),
    journal,
    startSession: (source, paths, _dueAt, excludes) =>
      runner.start({
        source,
        paths: source === 'files' ? paths : undefined,
        excludes: source === 'files' ? excludes : undefined,
        trigger: 'schedule',
      }),
    log: (level: LogLevel, message: string) => logAt(log, level, `scheduler: ${message}`),
  });

  const restore = composeRestore(args, {
    notify: (job) => server?.broadcast(RestoreChangedNotification.type, { job }),
    log,
    commands,
    here: () => systemState.manifest(),
    settings: () => settings.read(),
    password: () => passwords.resolve('restore-test'),
    backends,
  });

  const recovery = await runner.recover(await currentBootId());
  log.info(`recovery: ${JSON.stringify(recovery)}`);

  server = createHelperServer({
    handlers: createProtocolHandlers({
      runner,
      journal,
      scheduler,
      settings,
      backends,
      systemState,
      restore: restore.handlers,
    }),
    helperVersion: options.version,
    testMode: args.testMode,
    policy: {
      helperUid: uid,
      groupId: args.testMode ? null : await groupIdOf(args.group),
      testMode: args.testMode,
    },
    log,
  });
  let listener: net.Server;
  try {
    listener = await listenOnSocket({
      path: args.socketPath,
      groupId: args.testMode ? null : await groupIdOf(args.group),
      testMode: args.testMode,
      log,
    });
  } catch (error) {
    await runner.close();
    journal.close();
    throw error;
  }
  server.attach(listener);
  await scheduler.start();
  await restore.testRestores.start();
  log.info(`listening on ${args.socketPath}${args.testMode ? ' (test mode: same-user clients only)' : ''}`);

  let stopping: Promise<void> | null = null;
  return {
    socketPath: args.socketPath,
    stop() {
      stopping ??= (async () => {
        scheduler.stop();
        restore.testRestores.stop();
        // Restore jobs stop (their reports are written) and the opened repositories' keys leave memory.
        await restore.jobs.closeAll();
        restore.handlers.repositories.closeAll();
        // Sessions first (their waiters get SERVICE_STOPPED as an answer), then the connections, then the socket:
        // net.Server.close() waits for every open connection, so it comes last.
        await runner.close();
        await server?.close();
        await new Promise<void>((resolve) => listener.close(() => resolve()));
        journal.close();
      })();
      return stopping;
    },
  };
}

/**
 * The restore wizard's side of the helper: repository handles, restore jobs (announced to every connection as
 * restore/changed), the runners, and the test restore with its schedule.
 */
function composeRestore(
  args: HelperArgs,
  options: {
    notify: RestoreJobsDeps['notify'];
    log: HelperServerLog;
    commands: ExecCommandRunner;
    here: RestoreHandlerDeps['here'];
    settings: TestRestoreDeps['settings'];
    password: TestRestoreDeps['password'];
    backends: RepositoryBackends;
  },
): { handlers: RestoreHandlerDeps; jobs: RestoreJobs; testRestores: RestoreTestScheduler } {
  const { log } = options;
  const hostname = () => os.hostname();
  const administrators = new AdminAuthorization({
    runner: options.commands,
    testMode: args.testMode,
    ownUid: process.getuid?.() ?? 0,
  });
  const repositories = new RestoreRepositories({
    openBackend: (location, handedOver) => options.backends.open(location, handedOver),
  });
  const jobs = new RestoreJobs({
    stateDir: args.stateDir,
    notify: options.notify,
    log: (level, message) => logAt(log, level, message),
  });
  const runner = new RestoreJobRunner({
    jobs,
    repositories,
    stateDir: args.stateDir,
    systemRoot: args.systemRoot,
    hostname,
    here: options.here,
    runner: options.commands,
    workers: args.workers,
  });
  const testDeps: TestRestoreDeps = {
    jobs,
    repositories,
    stateDir: args.stateDir,
    hostname,
    settings: options.settings,
    password: options.password,
    workers: args.workers,
  };
  const testRestores = new RestoreTestScheduler({
    stateDir: args.stateDir,
    jobs,
    startTest: (params) => startTestRestore(testDeps, params),
    recordFailure: async (error) =>
      jobs.recordFailed(failedTestStart(testDeps, (await options.settings()).repository), error),
    log: (level, message) => logAt(log, level, `test restore scheduler: ${message}`),
  });
  return {
    handlers: {
      repositories,
      jobs,
      runner,
      rollback: { jobs, repositories, systemRoot: args.systemRoot, hostname, workers: args.workers },
      testRestores,
      hostname,
      here: options.here,
      commands: options.commands,
      authorizeWrite: (peer, what) => administrators.require(peer, what),
    },
    jobs,
    testRestores,
  };
}

function logAt(log: HelperServerLog, level: LogLevel, message: string): void {
  if (level === 'error') log.error(message);
  else if (level === 'warning') log.warn(message);
  else log.info(message);
}

/**
 * The helper assembled: its state directory (journal, settings, schedules), the session runner with every snapshot
 * provider, the scheduler, and the JSON-RPC server on its socket. Start-up order matters: the journal's recovery
 * (interrupted sessions, orphaned snapshots and staging folders) runs before the socket accepts a request or a
 * schedule fires, so nothing new starts next to something left over.
 */
import { chmod, mkdir } from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import { SessionChangedNotification, SessionProgressNotification } from '../helper-protocol/protocol';
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
import { ScheduleStore } from './schedules/schedule-store';
import { Scheduler } from './schedules/scheduler';
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
    passwords: new PasswordSource({ settings: () => settings.read(), env, testMode: args.testMode }),
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

  const recovery = await runner.recover(await currentBootId());
  log.info(`recovery: ${JSON.stringify(recovery)}`);

  server = createHelperServer({
    handlers: createProtocolHandlers({ runner, journal, scheduler, settings, systemState }),
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
  log.info(`listening on ${args.socketPath}${args.testMode ? ' (test mode: same-user clients only)' : ''}`);

  let stopping: Promise<void> | null = null;
  return {
    socketPath: args.socketPath,
    stop() {
      stopping ??= (async () => {
        scheduler.stop();
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

function logAt(log: HelperServerLog, level: LogLevel, message: string): void {
  if (level === 'error') log.error(message);
  else if (level === 'warning') log.warn(message);
  else log.info(message);
}

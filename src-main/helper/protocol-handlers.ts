/**
 * The helper's request handlers: each protocol method mapped onto the session runner, the journal, the scheduler,
 * the settings, System state (system-state-handlers.ts) and the restore wizard (restore-handlers.ts). Params arrive validated (helper-server.ts checks them against the protocol's zod schemas);
 * what is left here is what the schemas cannot know, such as whether a session exists.
 */
import type { CancellationToken } from 'vscode-jsonrpc';
import type { HelperSettings, SessionSummary } from '../helper-protocol/session-model';
import type { RepositoryBackends } from './repository/repository-backends';
import { repositoryCheck } from './repository/repository-check';
import { createRepositoryHandlers } from './repository/repository-handlers';
import { createRestoreHandlers, type RestoreHandlerDeps } from './restore-handlers';
import type { Scheduler } from './schedules/scheduler';
import type { HelperHandlers } from './server/handler-map';
import type { SessionJournal } from './sessions/session-journal-types';
import type { SessionRunner } from './sessions/session-runner';
import { createSystemStateHandlers, type SystemStateHandlerDeps } from './system-state-handlers';

export interface ProtocolHandlerDeps {
  runner: SessionRunner;
  journal: SessionJournal;
  scheduler: Scheduler;
  settings: {
    read(): Promise<HelperSettings>;
    update(patch: Partial<HelperSettings>): Promise<HelperSettings>;
    updateFrom(change: (current: HelperSettings) => Partial<HelperSettings>): Promise<HelperSettings>;
  };
  /** Opens repositories from their locations; answers host key questions (repository-handlers.ts). */
  backends: RepositoryBackends;
  /** Reads and writes its snapshot location through `settings` (settings/system-state-settings-view.ts). */
  systemState: SystemStateHandlerDeps['systemState'];
  /** Repository handles, restore jobs, rollback and test restores (restore-handlers.ts). */
  restore: RestoreHandlerDeps;
}

/** A request about a session the journal does not know. */
export class SessionNotFoundError extends Error {
  readonly code = 'SESSION_NOT_FOUND';
  constructor(id: string) {
    super(`no session ${id}: list the sessions with \`backup-manager session list\``);
  }
}

export function createProtocolHandlers(deps: ProtocolHandlerDeps): HelperHandlers {
  const { runner, journal, scheduler, settings, systemState, restore } = deps;
  const summaryOf = (id: string): SessionSummary => {
    const session = journal.getSummary(id);
    if (session === null) throw new SessionNotFoundError(id);
    return session;
  };
  return {
    'session/start': (params) =>
      runner.start({
        source: params.source,
        paths: params.paths,
        excludes: params.excludes,
        repository: params.repository,
        password: params.password,
        s3Credentials: params.s3Credentials,
        trigger: 'manual',
      }),
    'session/list': async (params) => ({ sessions: journal.listSessions(params) }),
    'session/show': async ({ id }) => {
      const session = journal.getSession(id);
      if (session === null) throw new SessionNotFoundError(id);
      return { session };
    },
    'session/log': async ({ id, ...filter }) => {
      summaryOf(id);
      return { entries: journal.getLog(id, filter) };
    },
    'session/cancel': async ({ id }) => {
      summaryOf(id);
      return { session: await runner.cancel(id) };
    },
    'session/wait': async ({ id }, { token }) => {
      summaryOf(id);
      return { session: await runner.wait(id, abortSignalOf(token)) };
    },
    'schedule/get': async () => ({ schedules: await scheduler.states() }),
    'schedule/set': async ({ source, spec, paths, excludes }) => ({
      schedules: await scheduler.set(source, spec, paths ?? [], excludes ?? []),
    }),
    'settings/get': async () => ({ settings: await settings.read() }),
    'settings/set': async (patch) => ({ settings: await settings.update(patch) }),
    ...createSystemStateHandlers({
      systemState,
      settings,
      repositoryCheck: async () => repositoryCheck(await settings.read(), deps.backends),
    }),
    ...createRestoreHandlers(restore),
    ...createRepositoryHandlers({ settings, backends: deps.backends }),
  };
}

/** The wait ends (not the session) when the client cancels the request or goes away. */
function abortSignalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

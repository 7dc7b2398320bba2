/**
 * The transport-agnostic application service: the handlers behind every contract request and the source of every
 * event. The Electron window and the console server both sit on one instance of this; neither adds logic of its own.
 */
import type {
  AppInfo,
  AppState,
  HelperStatus,
  OverviewSlice,
  RequestHandlers,
  SystemOverview,
} from '../ipc/contract';
import { EventBus } from '../ipc/event-bus';
import { AppError, errorMessage } from '../ipc/request-dispatcher';
import type { HelperAccess, HelperNotifications, HelperRequests } from './helper-requests';
import { createHostKeyHandlers } from './host-key-requests';
import { createPasswordHandlers } from './password-requests';
import type { RepositorySecrets } from './repository-secrets';
import { forwardRestoreEvents } from './restore-events';
import { createRestoreHandlers } from './restore-requests';
import { forwardSessionEvents } from './session-events';
import { createSessionHandlers } from './session-requests';
import { createSettingsHandlers } from './settings-requests';
import { createSystemStateHandlers } from './system-state-requests';

export interface AppServiceDeps {
  info: AppInfo;
  /** Collects a fresh overview (real probes in the app; recorded ones in tests). */
  collectOverview: () => Promise<SystemOverview>;
  /** The live link to the helper (helper-status.ts); without it the helper is reported as not installed. */
  helper?: HelperStatusSource;
  /** The helper to send requests to now (the connection's current client), or null while none is connected. */
  helperRequests?: () => HelperRequests | null;
  /** The helper's notifications across reconnects (the HelperConnection), pushed on as session and restore events. */
  helperNotifications?: HelperNotifications;
  /** Where main reports what it could not deliver (a helper notification outside the contract). */
  log?: (message: string) => void;
  /** Remembered repository passwords (Electron: encrypted with safeStorage). None in console mode. */
  secrets?: RepositorySecrets;
}

/** Where the helper's status comes from, whatever carries it (the helper client in the app; a fake in tests). */
export interface HelperStatusSource {
  status(): HelperStatus;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  onStatus(listener: (status: HelperStatus) => void): () => void;
}

export interface AppService {
  readonly handlers: RequestHandlers;
  readonly events: EventBus;
  /** Stops listening to the helper's status and notifications (the transports call it when they shut down). */
  dispose(): void;
}

/** Without a helper link (tests, builds without the helper) the honest status is that it is not installed. */
const helperNotInstalled: HelperStatus = {
  state: 'not-installed',
  detail: 'The Backup Manager helper service is not installed on this machine, so backups cannot run yet.',
  action:
    'Install the Backup Manager helper service (it comes with the Backup Manager package), then reopen.',
  helperVersion: null,
};

export function createAppService(deps: AppServiceDeps): AppService {
  const events = new EventBus();
  let overview: OverviewSlice = { status: 'loading' };
  let collecting: Promise<SystemOverview> | null = null;
  let helper = deps.helper?.status() ?? helperNotInstalled;
  // Every change is pushed, so a renderer never has to poll to learn that the helper came up or went away.
  const stopHelperStatus = deps.helper?.onStatus((status) => {
    helper = status;
    events.emit('helper.statusChanged', status);
  });

  const log = deps.log ?? ((message: string) => console.error(`[app] ${message}`));
  const stopSessionEvents = deps.helperNotifications
    ? forwardSessionEvents(deps.helperNotifications, events, log)
    : undefined;
  const stopRestoreEvents = deps.helperNotifications
    ? forwardRestoreEvents(deps.helperNotifications, events, log)
    : undefined;

  const setOverview = (slice: OverviewSlice) => {
    overview = slice;
    events.emit('overview.changed', slice);
  };

  // One collection at a time: concurrent callers share it. Collection is lazy (first state.get), so starting
  // the app does no probing before the first paint.
  const collect = (): Promise<SystemOverview> => {
    collecting ??= deps
      .collectOverview()
      .then((result) => {
        setOverview({ status: 'ready', overview: result });
        return result;
      })
      .catch((error: unknown) => {
        const message = `Could not read the system overview: ${errorMessage(error)}`;
        setOverview({ status: 'error', code: 'OVERVIEW_FAILED', message });
        throw new AppError('OVERVIEW_FAILED', message);
      })
      .finally(() => {
        collecting = null;
      });
    return collecting;
  };

  const access: HelperAccess = {
    helperRequests: deps.helperRequests ?? (() => null),
    helperStatus: () => helper,
  };

  const handlers: RequestHandlers = {
    async 'state.get'() {
      if (overview.status === 'loading' && collecting === null) {
        // Fire and forget: the result arrives as an `overview.changed` event; failures become the error slice.
        collect().catch(() => undefined);
      }
      const state: AppState = { app: deps.info, overview, helper };
      return state;
    },
    async 'system.overview'(params) {
      if (!params.refresh && overview.status === 'ready') return overview.overview;
      return collect();
    },
    ...createSessionHandlers({ ...access, secrets: deps.secrets ?? null }),
    ...createPasswordHandlers(deps.secrets ?? null, access),
    ...createSystemStateHandlers(access),
    ...createSettingsHandlers(access),
    ...createHostKeyHandlers(access),
    ...createRestoreHandlers({ ...access, secrets: deps.secrets ?? null }),
  };

  return {
    handlers,
    events,
    dispose: () => {
      stopHelperStatus?.();
      stopSessionEvents?.();
      stopRestoreEvents?.();
    },
  };
}

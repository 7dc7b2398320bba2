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

export interface AppServiceDeps {
  info: AppInfo;
  /** Collects a fresh overview (real probes in the app; recorded ones in tests). */
  collectOverview: () => Promise<SystemOverview>;
}

export interface AppService {
  readonly handlers: RequestHandlers;
  readonly events: EventBus;
}

/**
 * The helper (the elevated process that runs sessions) is not part of this build yet, so the honest status is
 * that it is not installed. The helper client replaces this with live connection state.
 */
const helperNotInstalled: HelperStatus = {
  state: 'not-installed',
  detail: 'The Backup Manager helper service is not installed on this machine, so backups cannot run yet.',
};

export function createAppService(deps: AppServiceDeps): AppService {
  const events = new EventBus();
  let overview: OverviewSlice = { status: 'loading' };
  let collecting: Promise<SystemOverview> | null = null;
  const helper = helperNotInstalled;

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
  };

  return { handlers, events };
}

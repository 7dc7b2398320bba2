/**
 * The Data sources screen's state and requests: the System state components detected on this machine, and the
 * schedule of each data source (a source is enabled when its schedule is not off; the Files schedule holds the
 * Files selection). Created per screen with the typed API; tests pass a fake one.
 */
import type {
  BackupManagerApi,
  ErrorCode,
  ScheduleSpec,
  ScheduleState,
  SessionSource,
  SystemStateComponent,
} from '@contract';
import { create } from 'zustand';
import { checkNewPath } from './data-sources-format';

export interface RequestError {
  code: ErrorCode;
  message: string;
}

export type Loadable<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | ({ status: 'error' } & RequestError);

export interface DetectedComponents {
  components: SystemStateComponent[];
  estimate: { bytes: number; files: number };
}

/** A change in flight or refused, per data source, shown next to that source's form. */
export interface SourceChange {
  saving: boolean;
  error: RequestError | null;
  /** A path the user typed that was not accepted (checked before asking the helper). */
  pathProblem: string | null;
}

export interface DataSourcesState {
  components: Loadable<DetectedComponents>;
  schedules: Loadable<ScheduleState[]>;
  changes: Record<SessionSource, SourceChange>;
}

export interface DataSourcesActions {
  /** (Re)reads the components and the schedules. */
  load(): Promise<void>;
  /** Sets a source's schedule; for Files the selection is kept. Returns whether the helper accepted it. */
  setSchedule(source: SessionSource, spec: ScheduleSpec): Promise<boolean>;
  /** Adds a path to the Files selection (checked first); returns whether it was added. */
  addPath(input: string): Promise<boolean>;
  removePath(path: string): Promise<boolean>;
  /** Adds an exclude pattern (checked with checkNewExclude first) to the Files schedule; the helper compiles it. */
  addExclude(pattern: string): Promise<boolean>;
  removeExclude(pattern: string): Promise<boolean>;
}

export type DataSourcesStore = DataSourcesState & DataSourcesActions;

const idle: SourceChange = { saving: false, error: null, pathProblem: null };

export function createDataSourcesStore(api: BackupManagerApi) {
  return create<DataSourcesStore>()((set, get) => {
    const patchChange = (source: SessionSource, patch: Partial<SourceChange>) =>
      set((state) => ({ changes: { ...state.changes, [source]: { ...state.changes[source], ...patch } } }));

    const currentSchedule = (source: SessionSource): ScheduleState | undefined => {
      const schedules = get().schedules;
      return schedules.status === 'ready' ? schedules.value.find((s) => s.source === source) : undefined;
    };

    const save = async (
      source: SessionSource,
      spec: ScheduleSpec,
      paths?: string[],
      excludes?: string[],
    ): Promise<boolean> => {
      patchChange(source, { saving: true, error: null, pathProblem: null });
      const result = await api.invoke('schedule.set', {
        source,
        spec,
        ...(paths === undefined ? {} : { paths }),
        ...(excludes === undefined ? {} : { excludes }),
      });
      if (!result.ok) {
        patchChange(source, { saving: false, error: { code: result.code, message: result.message } });
        return false;
      }
      set({ schedules: { status: 'ready', value: result.value.schedules } });
      patchChange(source, { saving: false });
      return true;
    };

    // The helper replaces a schedule's excludes with what is sent (none when absent): send the current ones along.
    const keptExcludes = (): string[] | undefined => {
      const excludes = currentSchedule('files')?.excludes ?? [];
      return excludes.length > 0 ? excludes : undefined;
    };

    return {
      components: { status: 'loading' },
      schedules: { status: 'loading' },
      changes: { 'system-state': idle, files: idle },

      async load() {
        // Keep what is shown while re-reading (no layout jump); only the first read shows "loading".
        const [components, schedules] = await Promise.all([
          api.invoke('systemState.components', {}),
          api.invoke('schedule.get', {}),
        ]);
        set({
          components: components.ok
            ? { status: 'ready', value: components.value }
            : { status: 'error', code: components.code, message: components.message },
          schedules: schedules.ok
            ? { status: 'ready', value: schedules.value.schedules }
            : { status: 'error', code: schedules.code, message: schedules.message },
        });
      },

      setSchedule(source, spec) {
        // System state finds its own paths; Files keeps its selection.
        const paths = source === 'files' ? (currentSchedule('files')?.paths ?? []) : undefined;
        return save(source, spec, paths, source === 'files' ? keptExcludes() : undefined);
      },

      async addPath(input) {
        const files = currentSchedule('files');
        if (files === undefined) return false;
        const checked = checkNewPath(input, files.paths);
        if (!checked.ok) {
          patchChange('files', { pathProblem: checked.reason, error: null });
          return false;
        }
        return save('files', files.spec, [...files.paths, checked.path], keptExcludes());
      },

      async removePath(path) {
        const files = currentSchedule('files');
        if (files === undefined) return false;
        return save(
          'files',
          files.spec,
          files.paths.filter((p) => p !== path),
          keptExcludes(),
        );
      },

      async addExclude(pattern) {
        const files = currentSchedule('files');
        if (files === undefined) return false;
        return save('files', files.spec, files.paths, [...files.excludes, pattern]);
      },

      async removeExclude(pattern) {
        const files = currentSchedule('files');
        if (files === undefined) return false;
        return save(
          'files',
          files.spec,
          files.paths,
          files.excludes.filter((p) => p !== pattern),
        );
      },
    };
  });
}

export type DataSourcesStoreApi = ReturnType<typeof createDataSourcesStore>;

/** Sample contract data and a fake api for the settings tests. */
import type {
  BackupManagerApi,
  HelperSettings,
  RequestChannel,
  RequestParams,
  RequestResult,
  Result,
  ScheduleState,
} from '@contract';

export const sampleSettings: HelperSettings = {
  repository: '/srv/backup/repo',
  snapshotLocation: null,
  passwordFile: '/etc/backup-manager/password',
  retention: { keepDaily: 7, keepWeekly: 4 },
};

export const sampleSchedules: ScheduleState[] = [
  {
    source: 'system-state',
    spec: { kind: 'daily', time: '02:30' },
    paths: [],
    excludes: [],
    nextRunAt: '2030-01-01T02:30:00.000Z',
    lastRunAt: null,
    lastSessionId: null,
  },
  {
    source: 'files',
    spec: { kind: 'off' },
    paths: [],
    excludes: [],
    nextRunAt: null,
    lastRunAt: null,
    lastSessionId: null,
  },
];

type Handler = (params: never) => Result<unknown>;

/** A BackupManagerApi answering from handlers; records every call. */
export function fakeApi(handlers: Partial<Record<RequestChannel, Handler>>) {
  const calls: { channel: RequestChannel; params: unknown }[] = [];
  const api: BackupManagerApi = {
    async invoke<C extends RequestChannel>(channel: C, params: RequestParams<C>) {
      calls.push({ channel, params });
      const handler = handlers[channel] as ((params: unknown) => Result<unknown>) | undefined;
      if (!handler) return { ok: false, code: 'INTERNAL', message: `no fake for ${channel}` } as const;
      return handler(params) as Result<RequestResult<C>>;
    },
    subscribe: () => () => undefined,
  };
  return { api, calls };
}

/** A helper that keeps settings like the real one: refuses a password file it cannot trust. */
export function settingsHelper(initial: HelperSettings = sampleSettings) {
  let settings = { ...initial };
  return fakeApi({
    'settings.get': () => ({ ok: true, value: { settings } }),
    'schedule.get': () => ({ ok: true, value: { schedules: sampleSchedules } }),
    'settings.set': ((patch: Partial<HelperSettings>) => {
      if (patch.passwordFile?.includes('0644'))
        return {
          ok: false,
          code: 'SETTINGS_INVALID',
          message: `passwordFile: ${patch.passwordFile} has mode 0644: other users may read or change it`,
        };
      settings = {
        ...settings,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      };
      return { ok: true, value: { settings } };
    }) as Handler,
    'repository.rememberPassword': () => ({
      ok: false,
      code: 'SECRETS_UNAVAILABLE',
      message: 'This Backup Manager (console mode) does not keep repository passwords.',
    }),
    'repository.forgetPassword': () => ({ ok: true, value: { forgotten: true } }),
  });
}

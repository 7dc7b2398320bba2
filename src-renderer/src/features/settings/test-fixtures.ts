/** Sample contract data and a fake api for the settings tests. */
import type {
  BackupManagerApi,
  HelperSettings,
  PasswordStatus,
  RequestChannel,
  RequestParams,
  RequestResult,
  Result,
  ScheduleState,
  TrustedHostKey,
} from '@contract';
import { hostKeyState } from '../remote-repository/test-fixtures';

export const sampleSettings: HelperSettings = {
  repository: '/srv/backup/repo',
  snapshotLocation: null,
  passwordFile: '/etc/backup-manager/password',
  retention: { keepDaily: 7, keepWeekly: 4 },
  sshKeyFile: null,
  trustedHostKeys: [],
  s3CredentialsFile: null,
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

/**
 * A helper and main that keep settings like the real ones: the helper refuses a password file it cannot trust and
 * a malformed remote location; main remembers passwords and S3 access keys only with a keychain (`keychain: true`,
 * the desktop app) and reports the status from what it remembered. The host key requests answer from
 * `hostKey` (a fake SFTP server), when given.
 */
export function settingsHelper(
  initial: HelperSettings = sampleSettings,
  options: { keychain?: boolean } = {},
) {
  let settings = { ...initial };
  const remembered = new Set<string>();
  const rememberedS3 = new Set<string>();
  const status = (): PasswordStatus => {
    const has = settings.repository !== null && remembered.has(settings.repository);
    const file = settings.passwordFile === null ? 'none' : 'password-file';
    return {
      repository: settings.repository,
      remembered: has,
      source: has ? 'keychain' : file,
      scheduledSource: file,
      passwordFile: settings.passwordFile,
      keychain: options.keychain
        ? { available: true, reason: null }
        : { available: false, reason: 'console mode keeps no passwords' },
      s3CredentialsRemembered: settings.repository !== null && rememberedS3.has(settings.repository),
    };
  };
  return fakeApi({
    'settings.get': () => ({ ok: true, value: { settings } }),
    'schedule.get': () => ({ ok: true, value: { schedules: sampleSchedules } }),
    'settings.set': ((patch: Partial<HelperSettings>) => {
      if (patch.repository?.startsWith('sftp:') && !patch.repository.includes('@'))
        return {
          ok: false,
          code: 'SETTINGS_INVALID',
          message: `repository: ${patch.repository} names no user: write sftp:user@host:/path`,
        };
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
    'repository.rememberPassword': ((params: { repository: string }) => {
      if (!options.keychain)
        return {
          ok: false,
          code: 'SECRETS_UNAVAILABLE',
          message: 'This Backup Manager (console mode) does not keep repository passwords.',
        };
      remembered.add(params.repository);
      return { ok: true, value: { remembered: true } };
    }) as Handler,
    'repository.forgetPassword': ((params: { repository: string }) => {
      remembered.delete(params.repository);
      return { ok: true, value: { forgotten: true } };
    }) as Handler,
    'repository.passwordStatus': () => ({ ok: true, value: status() }),
    'repository.rememberS3Credentials': ((params: { repository: string }) => {
      if (!options.keychain)
        return {
          ok: false,
          code: 'SECRETS_UNAVAILABLE',
          message: 'This Backup Manager (console mode) does not keep S3 access keys.',
        };
      rememberedS3.add(params.repository);
      return { ok: true, value: { remembered: true } };
    }) as Handler,
    'repository.forgetS3Credentials': ((params: { repository: string }) => {
      rememberedS3.delete(params.repository);
      return { ok: true, value: { forgotten: true } };
    }) as Handler,
    'repository.hostKey': () => ({ ok: true, value: hostKeyState() }),
    'repository.trustHostKey': ((key: TrustedHostKey) => {
      settings = { ...settings, trustedHostKeys: [key] };
      return { ok: true, value: { settings } };
    }) as Handler,
  });
}

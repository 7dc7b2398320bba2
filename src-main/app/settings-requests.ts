/**
 * The helper's settings and schedules, for the Settings screen and the Files selection (the Files schedule's
 * paths). The helper validates every change before saving it and refuses with SETTINGS_INVALID or
 * SCHEDULE_INVALID and the reason; no password passes here (the password file is a path the helper reads).
 */
import {
  ScheduleGetRequest,
  ScheduleSetRequest,
  SettingsGetRequest,
  SettingsSetRequest,
} from '../helper-protocol/protocol';
import type {
  ScheduleState as HelperSchedule,
  HelperSettings as HelperSideSettings,
} from '../helper-protocol/session-model';
import type { HelperSettings, RequestHandlers, ScheduleState } from '../ipc/contract';
import { askHelper, type HelperAccess } from './helper-requests';

export type SettingsHandlers = Pick<
  RequestHandlers,
  'settings.get' | 'settings.set' | 'schedule.get' | 'schedule.set'
>;

export function createSettingsHandlers(access: HelperAccess): SettingsHandlers {
  return {
    async 'settings.get'() {
      const { settings } = await askHelper(access, 'read the helper settings', SettingsGetRequest.type, {});
      return { settings: toContractSettings(settings) };
    },
    async 'settings.set'(patch) {
      // Fields left out keep their values on the helper (which validates only the ones given).
      const { settings } = await askHelper(
        access,
        'change the helper settings',
        SettingsSetRequest.type,
        patch,
      );
      return { settings: toContractSettings(settings) };
    },
    async 'schedule.get'() {
      const { schedules } = await askHelper(access, 'read the schedules', ScheduleGetRequest.type, {});
      return { schedules: schedules.map(toContractSchedule) };
    },
    async 'schedule.set'({ source, spec, paths, excludes }) {
      const { schedules } = await askHelper(access, 'change the schedule', ScheduleSetRequest.type, {
        source,
        spec,
        ...(paths === undefined ? {} : { paths }),
        ...(excludes === undefined ? {} : { excludes }),
      });
      return { schedules: schedules.map(toContractSchedule) };
    },
  };
}

export function toContractSettings(settings: HelperSideSettings): HelperSettings {
  const { retention } = settings;
  return {
    repository: settings.repository,
    snapshotLocation: settings.snapshotLocation,
    passwordFile: settings.passwordFile,
    // The helper's retention schema is strict with the same four optional counts as the contract's.
    retention: retention === null ? null : { ...retention },
    sshKeyFile: settings.sshKeyFile,
    trustedHostKeys: settings.trustedHostKeys.map(({ host, port, fingerprint }) => ({
      host,
      port,
      fingerprint,
    })),
    s3CredentialsFile: settings.s3CredentialsFile,
  };
}

function toContractSchedule(schedule: HelperSchedule): ScheduleState {
  return {
    source: schedule.source,
    spec: schedule.spec,
    paths: [...schedule.paths],
    excludes: [...schedule.excludes],
    nextRunAt: schedule.nextRunAt,
    lastRunAt: schedule.lastRunAt,
    lastSessionId: schedule.lastSessionId,
  };
}

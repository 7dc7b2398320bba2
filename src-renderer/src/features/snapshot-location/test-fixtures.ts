/** Sample contract data and a fake api for the snapshot-location tests. */
import type {
  BackupManagerApi,
  PreflightResult,
  RequestChannel,
  RequestParams,
  RequestResult,
  Result,
  SnapshotDrive,
  SnapshotLocationState,
} from '@contract';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const systemDrive: SnapshotDrive = {
  mountPoint: '/',
  device: '/dev/sda2',
  fsType: 'ext4',
  totalBytes: 250 * GiB,
  freeBytes: 70 * GiB,
  isSystemDrive: true,
  snapshotData: { possible: true, reason: 'the temporary copy is written here' },
};

export const smallDrive: SnapshotDrive = {
  mountPoint: '/mnt/small',
  device: '/dev/loop0',
  fsType: 'ext4',
  totalBytes: 14 * MiB,
  freeBytes: 1 * MiB,
  isSystemDrive: false,
  snapshotData: { possible: false, reason: 'not enough room for the copy' },
};

export function locationState(
  current = '/',
  source: 'default' | 'settings' = 'default',
): SnapshotLocationState {
  return {
    current,
    source,
    default: '/',
    provider: { kind: 'temp-copy', reason: 'no snapshot-capable filesystem or volume manager under /' },
    drives: [systemDrive, smallDrive],
  };
}

export function preflightResult(status: 'pass' | 'warn' | 'fail', location = '/'): PreflightResult {
  return {
    checks: [
      {
        id: 'free-space',
        status,
        code: status === 'pass' ? 'OK' : status === 'warn' ? 'LOW_FREE_SPACE' : 'INSUFFICIENT_SPACE',
        title: 'Free space for the snapshot',
        evidence: [`snapshot location: ${location}`],
        fix: status === 'pass' ? '' : 'Move the snapshot location to /',
        blocksBackup: status === 'fail',
      },
    ],
    overall: status,
    location,
    locationSource: location === '/' ? 'default' : 'settings',
    freeSpace: {
      location,
      driveMount: location === '/' ? '/' : '/mnt/small',
      freeBytes: status === 'pass' ? 70 * GiB : MiB,
      estimateBytes: 2 * MiB,
      failBelowBytes: 2.2 * MiB,
      warnBelowBytes: 3 * MiB,
      status,
      suggestedDrive: status === 'pass' ? null : systemDrive,
    },
  };
}

type Handler = (params: unknown) => Result<unknown>;

/** A BackupManagerApi answering from handlers; records every call. */
export function fakeApi(handlers: Partial<Record<RequestChannel, Handler>>) {
  const calls: { channel: RequestChannel; params: unknown }[] = [];
  const api: BackupManagerApi = {
    async invoke<C extends RequestChannel>(channel: C, params: RequestParams<C>) {
      calls.push({ channel, params });
      const handler = handlers[channel];
      if (!handler) return { ok: false, code: 'INTERNAL', message: `no fake for ${channel}` } as const;
      return handler(params) as Result<RequestResult<C>>;
    },
    subscribe: () => () => undefined,
  };
  return { api, calls };
}

/**
 * The helper's System state handlers on a real SystemStateService (this machine's mounts and /etc) whose snapshot
 * location is the helper settings' one, with free space made up by a probe: a location is validated before it is
 * saved (INSUFFICIENT_SPACE keeps the old one), System state and the sessions see the same location, and the
 * free-space numbers of a preflight follow the check, including the drive its fix suggests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecCommandRunner } from '../system-state/command-runner/exec-command-runner';
import type { LocalDrive } from '../system-state/location/local-drives';
import type { CheckResult } from '../system-state/preflight/check';
import { SystemStateService } from '../system-state/system-state-service';
import { HelperSettingsStore } from './settings/helper-settings-store';
import { systemStateSettingsView } from './settings/system-state-settings-view';
import { createSystemStateHandlers } from './system-state-handlers';
import { freeSpaceSummary } from './system-state-wire';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bm-ss-handlers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(freeBytes: number) {
  const settings = HelperSettingsStore.inStateDir(dir, { testMode: true });
  const systemState = new SystemStateService({
    runner: new ExecCommandRunner(),
    settings: systemStateSettingsView(settings, dir),
    env: {},
    freeSpace: async () => ({ totalBytes: 1e12, freeBytes }),
  });
  const handlers = createSystemStateHandlers({ systemState, settings });
  // These handlers never look at the connection or the cancellation token.
  const context = {} as Parameters<(typeof handlers)['snapshot-location/get']>[1];
  return { settings, systemState, handlers, context };
}

describe('snapshot-location/set', () => {
  it('saves a validated location in the helper settings, where System state reads it too', async () => {
    const { settings, systemState, handlers, context } = setup(1e11);
    const state = await handlers['snapshot-location/set']({ location: dir }, context);
    expect(state).toMatchObject({ current: dir, source: 'settings' });
    expect(state.drives.length).toBeGreaterThan(0);
    expect((await settings.read()).snapshotLocation).toBe(dir);
    expect(await systemState.location()).toEqual({ location: dir, source: 'settings' });
    const preflight = await handlers['system-state/preflight']({}, context);
    expect(preflight).toMatchObject({ location: dir, locationSource: 'settings' });

    const back = await handlers['snapshot-location/set']({ location: null }, context);
    expect(back).toMatchObject({ source: 'default', current: back.default });
    expect((await settings.read()).snapshotLocation).toBeNull();
  });

  it('refuses a drive without room for the estimate with INSUFFICIENT_SPACE and keeps the old location', async () => {
    const { settings, handlers, context } = setup(1000);
    const refused = await handlers['snapshot-location/set']({ location: dir }, context).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'INSUFFICIENT_SPACE', message: expect.stringContaining('needed') });
    expect((await settings.read()).snapshotLocation).toBeNull();
  });

  it('refuses a location that does not exist with INVALID_LOCATION', async () => {
    const { handlers, context } = setup(1e11);
    const missing = path.join(dir, 'missing');
    const refused = await handlers['snapshot-location/set']({ location: missing }, context).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'INVALID_LOCATION' });
  });
});

describe('system-state/preflight', () => {
  it('gives the free-space numbers of a failing check', async () => {
    const { handlers, context } = setup(1000);
    const { estimate } = await handlers['system-state/components']({}, context);
    const preflight = await handlers['system-state/preflight']({ location: dir }, context);
    expect(preflight.overall).toBe('fail');
    expect(preflight.checks.find((c) => c.id === 'free-space')).toMatchObject({ code: 'INSUFFICIENT_SPACE' });
    expect(preflight.freeSpace).toMatchObject({
      location: dir,
      freeBytes: 1000,
      estimateBytes: estimate.bytes,
      failBelowBytes: Math.ceil(estimate.bytes * 1.1),
      status: 'fail',
      // Every drive has the same 1000 bytes free: none would pass.
      suggestedDrive: null,
    });
  });
});

describe('freeSpaceSummary', () => {
  const drive = (mountPoint: string, freeBytes: number): LocalDrive => ({
    mountPoint,
    device: `/dev/${mountPoint === '/' ? 'sda1' : 'sdb1'}`,
    fsType: 'ext4',
    totalBytes: 1e12,
    freeBytes,
    readOnly: false,
  });
  const check = (status: CheckResult['status'], code: CheckResult['code']): CheckResult => ({
    id: 'free-space',
    status,
    code,
    title: 'Free space for the snapshot',
    evidence: [],
    fix: '',
  });
  const machine = (drives: LocalDrive[]) => ({
    drives,
    systemDrive: drives[0],
    provider: 'temp-copy' as const,
    windows: false,
    choice: { kind: 'temp-copy' as const, reason: 'test' },
  });
  const components = [
    {
      id: 'linux.configuration',
      os: 'linux' as const,
      title: 'System configuration',
      description: '',
      detected: true,
      evidence: [],
      estimate: { bytes: 1000, files: 10 },
      paths: ['/etc'],
    },
  ];

  it('suggests the other drive with the most free space that would pass, as the check fix does', () => {
    const summary = freeSpaceSummary({
      checks: [check('fail', 'INSUFFICIENT_SPACE')],
      location: '/var/tmp',
      components,
      machine: machine([drive('/', 500), drive('/data', 5000), drive('/small', 1050), drive('/more', 9000)]),
    });
    expect(summary).toMatchObject({
      driveMount: '/',
      freeBytes: 500,
      estimateBytes: 1000,
      failBelowBytes: 1100,
      warnBelowBytes: 1500,
      status: 'fail',
      suggestedDrive: { mountPoint: '/more', freeBytes: 9000 },
    });
  });

  it('suggests nothing when the check passes, and has no numbers for a location off the local drives', () => {
    const drives = [drive('/', 5000), drive('/data', 9000)];
    const passing = freeSpaceSummary({
      checks: [check('pass', 'OK')],
      location: '/',
      components,
      machine: machine(drives),
    });
    expect(passing?.suggestedDrive).toBeNull();
    const invalid = freeSpaceSummary({
      checks: [check('fail', 'INVALID_LOCATION')],
      location: '/mnt/nfs',
      components,
      machine: machine(drives),
    });
    expect(invalid).toBeNull();
  });
});

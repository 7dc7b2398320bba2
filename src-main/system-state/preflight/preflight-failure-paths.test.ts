/**
 * The paths where a preflight check does not pass, one per cause, driven by recorded outputs (names and sources
 * in fixtures/*\/SOURCES.md) or by a tool that is not installed.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedCommand } from '../command-runner/recorded-command-runner';
import { RecordedCommandRunner, readFixture } from '../command-runner/recorded-command-runner';
import type { LocalDrive } from '../location/local-drives';
import { osInfoArgv } from '../platform/windows/windows-os-info';
import { lvsArgv, vgsArgv } from '../snapshots/lvm-provider';
import { probeLinuxDiskLayouts, probeWindowsDisks } from './disk-layout-probe';
import { linuxMbrLimitCheck, windowsMbrLimitCheck } from './mbr-limit-check';
import { providerHealthCheck } from './provider-health-check';
import { helperLinuxUnit, linuxServicesCheck } from './services-check';
import { shadowCopyDrivesCheck } from './shadow-copy-drives-check';
import { currentBootId } from './snapshot-availability-check';
import { vssWritersCheck } from './vss-writers-check';

const linux = (name: string) => readFixture(new URL('../fixtures/linux/', import.meta.url), name);
const windows = (name: string) => readFixture(new URL('../fixtures/windows/', import.meta.url), name);
const MiB = 1024 * 1024;

describe('provider health', () => {
  it('btrfs: non-zero device error counters fail with PROVIDER_UNHEALTHY and name each counter', async () => {
    const runner = new RecordedCommandRunner([
      {
        argv: ['btrfs', 'device', 'stats', '--check', '/'],
        // --check prints the same lines as the recorded `btrfs device stats` and exits with bit 6 (64) set when a
        // counter is not zero (btrfs-device(8)); the recording shows the lines only.
        answer: {
          exitCode: 64,
          stdout: linux('btrfs-device-stats.raid1-sda3-write-flush-errors-ubuntu1604.txt'),
        },
      },
    ]);
    const check = await providerHealthCheck({ runner, provider: 'btrfs', source: '/', estimateBytes: 0 });
    expect(check).toMatchObject({ id: 'provider-health', status: 'fail', code: 'PROVIDER_UNHEALTHY' });
    expect(check.evidence).toEqual(['/dev/sda3 write_io_errs = 1010', '/dev/sda3 flush_io_errs = 3']);
    expect(check.fix).toContain('btrfs scrub start /');
  });

  it('LVM: the volume group free extents (156 MiB recorded) pass, warn or fail against the estimate', async () => {
    const lvm = (): RecordedCommand[] => [
      {
        argv: lvsArgv('bmtestvg/root'),
        answer: { exitCode: 0, stdout: linux('lvs-json-units-b.bmtestvg-root-tagged-debian12.txt') },
      },
      {
        argv: vgsArgv('bmtestvg'),
        answer: { exitCode: 0, stdout: linux('vgs-json-units-b.bmtestvg-39-free-extents-debian12.txt') },
      },
    ];
    const health = (estimateBytes: number) =>
      providerHealthCheck({
        runner: new RecordedCommandRunner(lvm()),
        provider: 'lvm',
        source: 'bmtestvg/root',
        estimateBytes,
      });
    expect(await health(100 * MiB)).toMatchObject({ status: 'pass', code: 'OK' });
    expect(await health(120 * MiB)).toMatchObject({ status: 'warn', code: 'LOW_FREE_SPACE' });
    const fail = await health(150 * MiB);
    expect(fail).toMatchObject({ status: 'fail', code: 'INSUFFICIENT_SPACE' });
    expect(fail.evidence[0]).toBe(
      'volume group bmtestvg: 39 free extents of 4.0 MiB = 156.0 MiB; estimate 150.0 MiB',
    );
    const missing = await providerHealthCheck({
      runner: new RecordedCommandRunner([{ argv: lvsArgv('bmtestvg/root'), answer: { missing: true } }]),
      provider: 'lvm',
      source: 'bmtestvg/root',
      estimateBytes: MiB,
    });
    expect(missing).toMatchObject({ status: 'fail', code: 'TOOL_MISSING' });
  });

  it('VSS has its own writers check; the temporary copy has nothing of its own to check', async () => {
    const runner = new RecordedCommandRunner([]);
    expect(
      await providerHealthCheck({ runner, provider: 'vss', source: 'C:\\', estimateBytes: 1 }),
    ).toMatchObject({ status: 'pass', code: 'NOT_APPLICABLE' });
    expect(
      await providerHealthCheck({ runner, provider: 'temp-copy', source: '/', estimateBytes: 1 }),
    ).toMatchObject({ status: 'pass', code: 'OK' });
  });
});

describe('Windows checks whose tool does not answer', () => {
  const ntfs = (letter: string): LocalDrive => ({
    mountPoint: `${letter}:\\`,
    device: '',
    fsType: 'NTFS',
    totalBytes: 1,
    freeBytes: 1,
    readOnly: false,
  });

  it('Shadow Copy on all drives: not applicable on a client edition; VSS_UNAVAILABLE when vssadmin fails', async () => {
    const none = new RecordedCommandRunner([]);
    expect(await shadowCopyDrivesCheck(none, false, [ntfs('C')])).toMatchObject({
      status: 'pass',
      code: 'NOT_APPLICABLE',
    });
    const missing = new RecordedCommandRunner([
      { argv: ['vssadmin', 'list', 'shadowstorage'], answer: { missing: true } },
    ]);
    expect(await shadowCopyDrivesCheck(missing, true, [ntfs('C')])).toMatchObject({
      status: 'fail',
      code: 'VSS_UNAVAILABLE',
      evidence: ['vssadmin list shadowstorage: vssadmin is not installed'],
    });
  });

  it('VSS writers: runs vssadmin list writers; a failed System Writer fails, a missing vssadmin is VSS_UNAVAILABLE', async () => {
    const failed = new RecordedCommandRunner([
      {
        argv: ['vssadmin', 'list', 'writers'],
        answer: {
          exitCode: 0,
          stdout: windows('vssadmin-list-writers.failed-9-system-writer-ws2003-2008-guest.txt'),
        },
      },
    ]);
    expect(await vssWritersCheck(failed)).toMatchObject({ status: 'fail', code: 'VSS_WRITER_UNSTABLE' });
    const missing = new RecordedCommandRunner([
      { argv: ['vssadmin', 'list', 'writers'], answer: { missing: true } },
    ]);
    expect(await vssWritersCheck(missing)).toMatchObject({ status: 'fail', code: 'VSS_UNAVAILABLE' });
  });

  it('2 TB rule: a diskpart that does not answer is a warning that says so, not a crash', async () => {
    const runner = new RecordedCommandRunner([{ argv: ['diskpart'], answer: { timedOut: true } }]);
    const { disks, unreadable } = await probeWindowsDisks(runner);
    expect(windowsMbrLimitCheck(disks, unreadable)).toMatchObject({
      status: 'warn',
      code: 'COMMAND_FAILED',
      evidence: ['diskpart: diskpart: no answer within 60 s'],
    });
  });

  it('boot id on Windows is the last boot time; without it the check cannot run', async () => {
    const runner = new RecordedCommandRunner([
      {
        argv: osInfoArgv,
        answer: {
          exitCode: 0,
          stdout: windows(
            'powershell-get-ciminstance-win32_operatingsystem-select-star.win11-pro-producttype-1.txt',
          ),
        },
      },
      { argv: osInfoArgv, answer: { missing: true } },
    ]);
    expect(await currentBootId('win32', runner)).toBe('last boot 8/4/2023 11:03:21 PM');
    await expect(currentBootId('win32', runner)).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
  });
});

describe('Linux checks whose tool does not answer or whose service is down', () => {
  it('2 TB rule: lsblk missing is a warning that says so', async () => {
    const runner = new RecordedCommandRunner([
      {
        argv: ['lsblk', '--json', '--bytes', '--output', 'NAME,PATH,TYPE,SIZE,PTTYPE,FSTYPE'],
        answer: { missing: true },
      },
    ]);
    const { layouts, unreadable } = await probeLinuxDiskLayouts(runner);
    const check = linuxMbrLimitCheck(layouts, unreadable);
    expect(check).toMatchObject({ status: 'warn', code: 'COMMAND_FAILED' });
    expect(check.evidence[0]).toContain('lsblk is not installed');
  });

  it('services with systemd running: helper not installed fails, lvm2-monitor enabled but inactive warns', async () => {
    // A system tree whose /run/systemd/system exists: what systemd creates when it runs as PID 1.
    const root = await mkdtemp(path.join(tmpdir(), 'bm-systemd-'));
    try {
      await mkdir(path.join(root, 'run/systemd/system'), { recursive: true });
      const runner = new RecordedCommandRunner([
        {
          argv: ['systemctl', 'is-enabled', helperLinuxUnit],
          answer: {
            exitCode: 1,
            stderr: linux('systemctl-is-enabled.helper-not-installed-exit1-debian12.stderr.txt'),
          },
        },
        {
          argv: ['systemctl', 'is-active', helperLinuxUnit],
          answer: { exitCode: 3, stdout: linux('constructed-systemctl-is-active.inactive-exit3.txt') },
        },
        {
          argv: ['systemctl', 'is-enabled', 'lvm2-monitor.service'],
          answer: { exitCode: 0, stdout: linux('systemctl-is-enabled.lvm2-monitor-enabled-debian12.txt') },
        },
        {
          argv: ['systemctl', 'is-active', 'lvm2-monitor.service'],
          answer: { exitCode: 3, stdout: linux('constructed-systemctl-is-active.inactive-exit3.txt') },
        },
      ]);
      const check = await linuxServicesCheck({ runner, provider: 'lvm', rootDir: root });
      expect(check).toMatchObject({ id: 'services', status: 'fail', code: 'SERVICE_NOT_INSTALLED' });
      expect(check.evidence).toEqual([
        'backup-manager-helper.service: enablement "Failed to get unit file state for backup-manager-helper.service: No such file or directory", state "inactive"',
        'lvm2-monitor.service: enablement "enabled", state "inactive"',
      ]);
      expect(check.fix).toContain('systemctl enable --now lvm2-monitor.service');
      expect(runner.unused()).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedCommand } from './command-runner/recorded-command-runner';
import { RecordedCommandRunner, readFixture } from './command-runner/recorded-command-runner';
import { SettingsStore } from './location/settings-store';
import { bcdeditEnumArgv, osInfoArgv } from './platform/windows/windows-components';
import { SystemStateService } from './system-state-service';

const dir = new URL('./fixtures/windows/', import.meta.url);
const fixture = (name: string) => readFixture(dir, name);
let configDir: string;
beforeEach(async () => {
  configDir = await mkdtemp(path.join(tmpdir(), 'bm-svc-'));
});
afterEach(async () => {
  await rm(configDir, { recursive: true, force: true });
});

const sc = (verb: 'query' | 'qc', name: string, file: string, rename?: string): RecordedCommand => ({
  argv: ['sc', verb, name],
  answer: { exitCode: 0, stdout: rename ? fixture(file).replace(/CryptSvc/g, rename) : fixture(file) },
});

describe('SystemStateService on Windows (recorded outputs of a Windows Server)', () => {
  it('runs the Windows preflight: services, VSS writers, Shadow Copy on all drives, MBR 2 TB rule', async () => {
    const runner = new RecordedCommandRunner([
      {
        argv: ['diskpart'],
        answer: { exitCode: 0, stdout: fixture('diskpart-list-disk-and-volume.mbr-dvd-win81.txt') },
        repeat: true,
      },
      {
        argv: osInfoArgv,
        answer: {
          exitCode: 0,
          stdout: fixture(
            'powershell-get-ciminstance-win32_operatingsystem.ws2012r2-standard-producttype-3-wrapped-log-prefixed.txt',
          ),
        },
        repeat: true,
      },
      {
        argv: bcdeditEnumArgv,
        answer: { exitCode: 0, stdout: fixture('bcdedit-enum-all.uefi-hp-win10-winre-partial.txt') },
      },
      sc(
        'query',
        'BackupServiceController',
        'sc-query.excerpt-cryptsvc-running-type20-trailing-spaces-ws2012r2.txt',
        'BackupServiceController',
      ),
      sc(
        'qc',
        'BackupServiceController',
        'constructed-sc-qc-cryptsvc.auto-start.txt',
        'BackupServiceController',
      ),
      sc('query', 'CryptSvc', 'sc-query.excerpt-cryptsvc-running-type20-trailing-spaces-ws2012r2.txt'),
      sc('qc', 'CryptSvc', 'constructed-sc-qc-cryptsvc.auto-start.txt'),
      sc('query', 'VSS', 'sc-query-vss.stopped-htb-return-dc.txt'),
      sc('qc', 'VSS', 'sc-qc-vss.demand-start-default-htb-return-dc.txt'),
      {
        argv: ['vssadmin', 'list', 'writers'],
        answer: {
          exitCode: 0,
          stdout: fixture('vssadmin-list-writers.failed-9-system-writer-ws2003-2008-guest.txt'),
        },
      },
      {
        argv: ['vssadmin', 'list', 'shadowstorage'],
        answer: {
          exitCode: 0,
          stdout: fixture('vssadmin-list-shadowstorage.after-resize-4gb-10pct-ws2008.txt'),
        },
      },
    ]);
    const service = new SystemStateService({
      runner,
      settings: new SettingsStore(configDir),
      env: { SystemDrive: 'C:' },
      platform: 'win32',
      freeSpace: async (p) => ({
        totalBytes: 500 * 1024 ** 3,
        freeBytes: p.startsWith('C') ? 90 * 1024 ** 3 : 150 * 1024 ** 3,
      }),
    });
    const machine = await service.machine();
    expect(machine.provider).toBe('vss');
    expect(machine.drives.map((d) => [d.mountPoint, d.fsType])).toEqual([
      ['C:\\', 'NTFS'],
      ['D:\\', 'NTFS'],
    ]);
    expect((await service.location(machine)).location).toBe('C:\\');
    const { checks } = await service.preflight();
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(Object.keys(byId)).toEqual([
      'free-space',
      'services',
      'vss-writers',
      'shadow-copy-drives',
      'mbr-2tb-limit',
    ]);
    expect(byId.services).toMatchObject({ status: 'fail', code: 'SERVICE_STOPPED' });
    expect(byId['vss-writers']).toMatchObject({ status: 'fail', code: 'VSS_WRITER_UNSTABLE' });
    expect(byId['vss-writers']?.evidence[0]).toContain("'System Writer' [9] Failed");
    // ProductType 3 (server): D: is NTFS without a shadow storage association.
    expect(byId['shadow-copy-drives']).toMatchObject({ status: 'fail', code: 'SHADOW_COPY_DISABLED' });
    expect(byId['mbr-2tb-limit']).toMatchObject({ status: 'pass' });
  });
});

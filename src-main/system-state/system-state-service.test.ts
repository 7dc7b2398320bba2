import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRunner } from './command-runner/command-runner';
import { ExecCommandRunner } from './command-runner/exec-command-runner';
import type { RecordedCommand } from './command-runner/recorded-command-runner';
import { RecordedCommandRunner, readFixture } from './command-runner/recorded-command-runner';
import { SettingsStore } from './location/settings-store';
import { windowsManifestArgv } from './manifest/collect-windows-manifest';
import { componentsRecordSchema } from './manifest/components-record';
import { machineManifestSchema } from './manifest/machine-manifest';
import { bcdeditEnumArgv } from './platform/windows/windows-components';
import { osInfoArgv } from './platform/windows/windows-os-info';
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

describe('SystemStateService on Windows: machine manifest (recorded outputs)', () => {
  it('collects the manifest through the Windows tools', async () => {
    const runner = new RecordedCommandRunner([
      {
        argv: osInfoArgv,
        answer: {
          exitCode: 0,
          stdout: fixture(
            'powershell-get-ciminstance-win32_operatingsystem-select-star.win11-pro-producttype-1.txt',
          ),
        },
      },
      ...Object.values(windowsManifestArgv).map((argv) => ({ argv, answer: { missing: true as const } })),
    ]);
    const service = new SystemStateService({
      runner,
      settings: new SettingsStore(configDir),
      env: {},
      platform: 'win32',
    });
    const manifest = await service.manifest();
    expect(manifest.os).toMatchObject({ family: 'windows', name: 'Microsoft Windows 11 Pro' });
    expect(manifest.notes).toHaveLength(5);
  });
});

describe('SystemStateService staging on this machine (Linux, real tools)', () => {
  it('writes the exports, the machine manifest and the components record under the snapshot location; a missing tool is evidence on its component', async () => {
    const real = new ExecCommandRunner();
    // This machine has mdadm; the runner answers as on a machine without it (what ExecCommandRunner returns
    // for ENOENT), everything else runs for real.
    const runner: CommandRunner = {
      run: (spec) =>
        spec.argv[0] === 'mdadm'
          ? Promise.resolve({ kind: 'missing', argv: spec.argv, message: 'spawn mdadm ENOENT' })
          : real.run(spec),
    };
    const location = await mkdtemp(path.join(tmpdir(), 'bm-stage-'));
    try {
      const service = new SystemStateService({
        runner,
        settings: new SettingsStore(configDir),
        env: {},
        platform: 'linux',
      });
      const staged = await service.stage('sess-1', location);
      expect(staged.stagingDir).toBe(path.join(location, 'backup-manager', 'staging', 'sess-1'));
      const manifest = machineManifestSchema.parse(JSON.parse(await readFile(staged.manifestFile, 'utf8')));
      expect(manifest.hostname).toBe(os.hostname());
      expect(staged.exports.find((e) => e.id === 'dpkg-selections')?.outcome).toBe('written');
      await access(path.join(staged.stagingDir, 'software', 'dpkg-selections.txt'));
      const byId = Object.fromEntries(staged.components.map((c) => [c.id, c]));
      expect(byId['linux.disk-layout']?.evidence).toContain(
        'mdadm not exported: mdadm --detail --scan: mdadm is not installed',
      );
      expect(byId['linux.software-inventory']?.evidence).toContainEqual(
        expect.stringMatching(
          /^dpkg-selections exported: dpkg --get-selections: exit 0.* → software\/dpkg-selections\.txt \(\d+ bytes\)$/,
        ),
      );
      // The components record beside the manifest: the detected components with their paths, nothing else.
      expect(staged.componentsFile).toBe(path.join(staged.stagingDir, 'components.json'));
      const record = componentsRecordSchema.parse(JSON.parse(await readFile(staged.componentsFile, 'utf8')));
      const detected = staged.components.filter((c) => c.detected);
      expect(record.version).toBe(1);
      expect(record.components).toEqual(detected.map((c) => ({ id: c.id, title: c.title, paths: c.paths })));
      expect(record.components.find((c) => c.id === 'linux.configuration')?.paths).toContain('/etc');
      expect(record.components.map((c) => c.id)).not.toContain(
        staged.components.find((c) => !c.detected)?.id ?? 'every component was detected',
      );
      await expect(access(`${staged.componentsFile}.partial`)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(service.stage('../escape', location)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      const otherTree = new SystemStateService({
        runner,
        settings: new SettingsStore(configDir),
        env: {},
        platform: 'linux',
        rootDir: location,
      });
      await expect(otherTree.stage('sess-2', location)).rejects.toMatchObject({ code: 'NOT_APPLICABLE' });
    } finally {
      await rm(location, { recursive: true, force: true });
    }
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordedCommandRunner, readFixture } from '../../command-runner/recorded-command-runner';
import { bcdeditEnumArgv, detectWindowsComponents, diskpartListInput } from './windows-components';
import { isServerEdition, osInfoArgv, readWindowsOsInfo } from './windows-os-info';

const dir = new URL('../../fixtures/windows/', import.meta.url);
const fixture = (name: string) => readFixture(dir, name);
let drive: string;

// A folder laid out like C:\ (files written by the test); the tool outputs are recorded ones.
beforeEach(async () => {
  drive = await mkdtemp(path.join(tmpdir(), 'bm-windrive-'));
  for (const hive of ['SYSTEM', 'SOFTWARE', 'SAM', 'SECURITY', 'DEFAULT']) {
    await mkdir(path.join(drive, 'Windows/System32/config'), { recursive: true });
    await writeFile(path.join(drive, 'Windows/System32/config', hive), Buffer.alloc(4096));
  }
  await mkdir(path.join(drive, 'Windows/Registration'), { recursive: true });
  await writeFile(path.join(drive, 'Windows/Registration/R000000000001.clb'), Buffer.alloc(1024));
  await mkdir(path.join(drive, 'Windows/System32/inetsrv/config'), { recursive: true });
  await writeFile(
    path.join(drive, 'Windows/System32/inetsrv/config/applicationHost.config'),
    '<configuration/>',
  );
  await mkdir(path.join(drive, 'Windows/NTDS'), { recursive: true });
  await writeFile(path.join(drive, 'Windows/NTDS/ntds.dit'), Buffer.alloc(8192));
});
afterEach(async () => {
  await rm(drive, { recursive: true, force: true });
});

describe('Windows OS information (recorded Win32_OperatingSystem outputs)', () => {
  it('tells a client (ProductType 1) from a server (ProductType 3), even with wrapped, log-prefixed output', async () => {
    const client = await readWindowsOsInfo(
      new RecordedCommandRunner([
        {
          argv: osInfoArgv,
          answer: {
            exitCode: 0,
            stdout: fixture(
              'powershell-get-ciminstance-win32_operatingsystem-select-star.win11-pro-producttype-1.txt',
            ),
          },
        },
      ]),
    );
    expect(client.info).toMatchObject({ caption: 'Microsoft Windows 11 Pro', productType: 1 });
    expect(isServerEdition(client.info)).toBe(false);
    const server = await readWindowsOsInfo(
      new RecordedCommandRunner([
        {
          argv: osInfoArgv,
          answer: {
            exitCode: 0,
            stdout: fixture(
              'powershell-get-ciminstance-win32_operatingsystem.ws2012r2-standard-producttype-3-wrapped-log-prefixed.txt',
            ),
          },
        },
      ]),
    );
    expect(server.info).toMatchObject({
      caption: 'Microsoft Windows Server 2012 R2 Standard',
      productType: 3,
    });
    expect(isServerEdition(server.info)).toBe(true);
  });
});

describe('Windows component detection', () => {
  it('detects registry, boot, COM+, disk layout and IIS; NTDS files alone do not make a member server a DC', async () => {
    const runner = new RecordedCommandRunner([
      {
        argv: osInfoArgv,
        answer: {
          exitCode: 0,
          stdout: fixture(
            'powershell-get-ciminstance-win32_operatingsystem.ws2012r2-standard-producttype-3-wrapped-log-prefixed.txt',
          ),
        },
      },
      {
        argv: bcdeditEnumArgv,
        answer: { exitCode: 0, stdout: fixture('bcdedit-enum-all.uefi-hp-win10-winre-partial.txt') },
      },
      {
        argv: ['diskpart'],
        answer: {
          exitCode: 0,
          stdout: fixture('diskpart-list-disk-and-volume.dynamic-mbr-mirror-missing-m0-failed-rd-ovh.txt'),
        },
      },
    ]);
    const components = await detectWindowsComponents({ runner, systemDrive: drive });
    const byId = Object.fromEntries(components.map((c) => [c.id, c]));
    expect(byId['windows.registry']).toMatchObject({
      detected: true,
      estimate: { bytes: 5 * 4096, files: 5 },
    });
    expect(byId['windows.boot']?.detected).toBe(true);
    expect(byId['windows.boot']?.evidence[0]).toMatch(/^bcdedit: [1-9]\d* boot entries$/);
    expect(byId['windows.boot']?.evidence[1]).toBe(
      'UEFI: boot manager on the EFI System Partition (partition=\\Device\\HarddiskVolume3, \\EFI\\Microsoft\\Boot\\bootmgfw.efi)',
    );
    expect(byId['windows.com-plus']?.detected).toBe(true);
    expect(byId['windows.iis']?.detected).toBe(true);
    expect(byId['windows.disk-layout']?.evidence).toEqual([
      'Disk 0: Online, 447.0 GiB, dynamic, MBR',
      'Disk 1: Online, 447.0 GiB, basic, MBR',
      'Disk M0: Missing, 0 B, dynamic, MBR',
    ]);
    expect(byId['windows.active-directory']).toMatchObject({
      detected: false,
      evidence: expect.arrayContaining(['not a domain controller']),
    });
    expect(byId['windows.cluster']?.detected).toBe(false);
    expect(runner.calls.find((c) => c.argv[0] === 'diskpart')?.input).toBe(diskpartListInput);
  });

  it('reports missing tools as evidence, not as a crash', async () => {
    const runner = new RecordedCommandRunner([
      { argv: osInfoArgv, answer: { missing: true } },
      { argv: bcdeditEnumArgv, answer: { missing: true } },
      { argv: ['diskpart'], answer: { missing: true } },
    ]);
    const components = await detectWindowsComponents({ runner, systemDrive: drive });
    expect(components.find((c) => c.id === 'windows.boot')?.evidence[0]).toBe(
      'bcdedit: bcdedit /enum all: bcdedit is not installed',
    );
    expect(components.find((c) => c.id === 'windows.disk-layout')).toMatchObject({ detected: false });
  });
});

import { describe, expect, it } from 'vitest';
import type { RecordedCommand } from '../command-runner/recorded-command-runner';
import { RecordedCommandRunner, readFixture } from '../command-runner/recorded-command-runner';
import {
  bootManagerOf,
  bootModeFromBcdedit,
  normaliseMac,
  parseNetAdapters,
} from '../platform/windows/windows-inventory';
import { osInfoArgv } from '../platform/windows/windows-os-info';
import { collectWindowsManifest, windowsManifestArgv } from './collect-windows-manifest';
import { machineManifestSchema } from './machine-manifest';

const dir = new URL('../fixtures/windows/', import.meta.url);
const fixture = (name: string) => readFixture(dir, name);
const answer = (argv: RecordedCommand['argv'], file: string): RecordedCommand => ({
  argv,
  answer: { exitCode: 0, stdout: fixture(file) },
});
const now = new Date('2026-01-02T03:04:05.000Z');

// No public capture holds all six outputs of one machine: OS and CPU are one HP laptop (HPFIREFLY16P), the other
// outputs come from other machines. Each parser sees a real output; the assembly is what this test checks.
describe('Windows machine manifest (recorded outputs)', () => {
  it('collects OS, CPU, disks with partition style, file systems with serials, MACs and UEFI boot mode', async () => {
    const runner = new RecordedCommandRunner([
      answer(
        osInfoArgv,
        'powershell-get-ciminstance-win32_operatingsystem-select-star.win11-pro-producttype-1.txt',
      ),
      answer(
        windowsManifestArgv.processors,
        'powershell-get-wmiobject-win32_processor-select-star.win11-pro-hpfirefly16p.txt',
      ),
      answer(
        windowsManifestArgv.disks,
        'powershell-get-disk-select-star.gpt-samsung-860-evo-raid-bus-hulk.txt',
      ),
      answer(
        windowsManifestArgv.logicalDisks,
        'powershell-get-ciminstance-win32_logicaldisk-select-star.fixed-c-network-z-dell7390.txt',
      ),
      answer(
        windowsManifestArgv.netAdapters,
        'powershell-get-netadapter.table-npcap-wifi-ethernet-laptop.txt',
      ),
      answer(windowsManifestArgv.bootEntries, 'bcdedit.uefi-win11-spearow-ids-elided-by-author.txt'),
    ]);
    const manifest = await collectWindowsManifest(runner, now);
    expect(machineManifestSchema.parse(manifest)).toEqual(manifest);
    expect(manifest).toEqual({
      version: 1,
      collectedAt: '2026-01-02T03:04:05.000Z',
      hostname: 'HPFIREFLY16P',
      os: {
        family: 'windows',
        name: 'Microsoft Windows 11 Pro',
        version: '10.0.22621',
        id: 'windows',
        serverEdition: false,
      },
      kernel: '10.0.22621 build 22621',
      arch: 'x64',
      bootMode: 'uefi',
      disks: [
        {
          name: 'Disk 0',
          path: '\\\\.\\PHYSICALDRIVE0',
          sizeBytes: 1000204886016,
          partitionStyle: 'gpt',
          model: 'Samsung SSD 860 EVO M.2 1TB',
          removable: false,
        },
      ],
      // Z: is a network drive (DriveType 4): not part of the machine.
      filesystems: [{ device: 'C:', mountpoints: ['C:\\'], type: 'NTFS', uuid: 'DAD43A43', label: 'OS' }],
      networkInterfaces: [
        { name: 'Npcap Loopback Adapter', mac: '02:00:4c:4f:4f:50' },
        { name: 'Wi-Fi', mac: 'c2:23:d0:6c:7a:92' },
        { name: 'Ethernet', mac: '48:2a:e3:13:e8:34' },
      ],
      cpu: { model: '13th Gen Intel(R) Core(TM) i7-1370P', logicalCores: 20 },
      notes: [],
    });
    expect(runner.unused()).toEqual([]);
  });

  it('a server with BIOS boot and an MBR disk; missing tools leave notes, not a failure', async () => {
    const runner = new RecordedCommandRunner([
      answer(
        osInfoArgv,
        'powershell-get-ciminstance-win32_operatingsystem.ws2012r2-standard-producttype-3-wrapped-log-prefixed.txt',
      ),
      { argv: windowsManifestArgv.processors, answer: { missing: true } },
      answer(
        windowsManifestArgv.disks,
        'powershell-get-disk-select-star.mbr-msft-virtual-disk-azure-win1709.txt',
      ),
      { argv: windowsManifestArgv.logicalDisks, answer: { timedOut: true } },
      { argv: windowsManifestArgv.netAdapters, answer: { missing: true } },
      answer(windowsManifestArgv.bootEntries, 'bcdedit.bios-win7-realmode-bootsector.txt'),
    ]);
    const manifest = await collectWindowsManifest(runner, now);
    expect(machineManifestSchema.parse(manifest)).toEqual(manifest);
    expect(manifest).toMatchObject({
      os: { name: 'Microsoft Windows Server 2012 R2 Standard', version: '6.3.9600', serverEdition: true },
      kernel: '6.3.9600 build 9600',
      arch: 'x64', // from OSArchitecture "64-bit": Win32_Processor did not answer
      bootMode: 'bios',
      disks: [{ name: 'Disk 5', sizeBytes: 5368709120, partitionStyle: 'mbr', model: 'Msft Virtual Disk' }],
      filesystems: [],
      networkInterfaces: [],
      cpu: { model: 'unknown', logicalCores: 0 },
    });
    expect(manifest.notes).toEqual([
      expect.stringMatching(/^CPU unknown: .*Win32_Processor.*: powershell\.exe is not installed$/),
      expect.stringMatching(/^file systems unknown: .*Win32_LogicalDisk.*: no answer within 60 s$/),
      expect.stringMatching(
        /^network interfaces unknown: .*Get-NetAdapter.*: powershell\.exe is not installed$/,
      ),
    ]);
  });

  it('without Win32_OperatingSystem the manifest is still valid and says why the OS is unknown', async () => {
    const runner = new RecordedCommandRunner([
      { argv: osInfoArgv, answer: { timedOut: true } },
      { argv: windowsManifestArgv.processors, answer: { missing: true } },
      { argv: windowsManifestArgv.disks, answer: { missing: true } },
      { argv: windowsManifestArgv.logicalDisks, answer: { missing: true } },
      { argv: windowsManifestArgv.netAdapters, answer: { missing: true } },
      { argv: windowsManifestArgv.bootEntries, answer: { missing: true } },
    ]);
    const manifest = await collectWindowsManifest(runner, now);
    expect(manifest).toMatchObject({ hostname: 'unknown', arch: 'unknown', bootMode: 'unknown' });
    expect(manifest.os.serverEdition).toBeNull();
    expect(manifest.notes[0]).toMatch(
      /^operating system unknown: .*Win32_OperatingSystem.*: no answer within 60 s$/,
    );
    expect(manifest.notes).toHaveLength(6);
  });
});

describe('Windows inventory parsers (recorded outputs)', () => {
  it('tells UEFI from BIOS by the boot applications, whatever the UI language', () => {
    expect(bootModeFromBcdedit(fixture('bcdedit.uefi-win11-spearow-ids-elided-by-author.txt'))).toBe('uefi');
    expect(bootModeFromBcdedit(fixture('bcdedit-store-enum-all-v.zh-CN-uefi-winsetup-partial.txt'))).toBe(
      'uefi',
    );
    expect(bootModeFromBcdedit(fixture('bcdedit-enum-all.uefi-hp-win10-winre-partial.txt'))).toBe('uefi');
    expect(bootModeFromBcdedit(fixture('bcdedit.bios-win7-realmode-bootsector.txt'))).toBe('bios');
    expect(bootModeFromBcdedit('')).toBe('unknown');
  });

  it('finds the boot manager by its own identifier, not by the firmware display order that names it', () => {
    expect(bootManagerOf(fixture('bcdedit-enum-all.uefi-firmware-apps-ubuntu-shim-partial.txt'))).toEqual({
      device: 'partition=\\Device\\HarddiskVolume4',
      path: '\\EFI\\Microsoft\\Boot\\bootmgfw.efi',
    });
    expect(bootManagerOf(fixture('bcdedit.bios-win7-realmode-bootsector.txt'))).toEqual({
      device: 'partition=\\Device\\HarddiskVolume1',
      path: null,
    });
    expect(bootManagerOf('')).toBeNull();
  });

  it('reads Get-NetAdapter table cells at their columns and normalises MACs', () => {
    const adapters = parseNetAdapters(
      fixture('powershell-get-netadapter.table-npcap-wifi-ethernet-laptop.txt'),
    );
    expect(adapters.map((a) => [a.name, a.description, a.status])).toEqual([
      ['Npcap Loopback Adapter', 'Npcap Loopback Adapter', 'Not Present'],
      ['Wi-Fi', 'Intel(R) Dual Band Wireless-AC 8265', 'Disconnected'],
      ['Ethernet', 'Intel(R) Ethernet Connection (4) I219-V', 'Up'],
    ]);
    expect(normaliseMac('EC-F4-BB-F0-45-FD')).toBe('ec:f4:bb:f0:45:fd');
    expect(normaliseMac('00-00-00-00-00-00')).toBeNull();
    expect(normaliseMac('')).toBeNull();
  });
});

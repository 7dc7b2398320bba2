/**
 * Collects the machine manifest of a Windows machine through the CommandRunner: Win32_OperatingSystem (host name,
 * edition, version and build, OS architecture), Win32_Processor, Get-Disk (sizes and partition styles),
 * Win32_LogicalDisk (file systems with volume serial numbers), Get-NetAdapter (MACs) and bcdedit (boot mode).
 * A tool that fails leaves its part empty with a note, so the wizard knows it is missing rather than absent;
 * the result is validated by the same schema as the Linux manifest.
 */
import type { Argv, CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { powershellArgv } from '../platform/windows/powershell-command';
import type { WindowsProcessor } from '../platform/windows/windows-inventory';
import {
  bootModeFromBcdedit,
  parseGetDisk,
  parseLogicalDisks,
  parseNetAdapters,
  parseProcessors,
} from '../platform/windows/windows-inventory';
import type { WindowsOsInfo } from '../platform/windows/windows-os-info';
import { isServerEdition, readWindowsOsInfo } from '../platform/windows/windows-os-info';
import type { MachineManifest } from './machine-manifest';
import { machineManifestSchema } from './machine-manifest';

/** The commands, as recorded in the fixtures that test them (list views never truncate values). */
export const windowsManifestArgv = {
  processors: powershellArgv('Get-WmiObject -Class Win32_Processor | Select-Object -Property *'),
  disks: powershellArgv('Get-Disk | Select-Object -Property *'),
  logicalDisks: powershellArgv('Get-CimInstance -ClassName Win32_LogicalDisk | Select-Object -Property *'),
  netAdapters: powershellArgv('Get-NetAdapter'),
  // Without arguments bcdedit lists the active entries: the boot manager and the current loader.
  bootEntries: ['bcdedit'],
} as const;

/** Win32_LogicalDisk.DriveType of local file systems (removable, fixed): network, optical, RAM disks are not. */
const localDriveTypes = new Set([2, 3]);
/** Get-Disk BusType values of disks that leave with the user. */
const removableBusTypes = new Set(['USB', 'SD', 'MMC']);

export async function collectWindowsManifest(
  runner: CommandRunner,
  now = new Date(),
): Promise<MachineManifest> {
  const notes: string[] = [];
  const run = async (what: string, argv: Argv) => {
    const result = await runner.run({ argv, timeoutMs: 60_000 });
    if (succeeded(result)) return result.stdout;
    notes.push(`${what} unknown: ${describeResult(result)}`);
    return '';
  };
  const os = await readWindowsOsInfo(runner);
  if (os.info === null) notes.push(`operating system unknown: ${os.evidence}`);
  const processors = parseProcessors(await run('CPU', windowsManifestArgv.processors));
  const disks = parseGetDisk(await run('disks', windowsManifestArgv.disks));
  const logicalDisks = parseLogicalDisks(await run('file systems', windowsManifestArgv.logicalDisks));
  const adapters = parseNetAdapters(await run('network interfaces', windowsManifestArgv.netAdapters));
  const bootText = await run('boot mode', windowsManifestArgv.bootEntries);
  const bootMode = bootModeFromBcdedit(bootText);
  if (bootText !== '' && bootMode === 'unknown')
    notes.push('boot mode unknown: bcdedit listed no winload/bootmgfw boot application');
  for (const adapter of adapters.filter((a) => a.nameTruncated))
    notes.push(`network interface name cut by the table view: "${adapter.name}" (match it by MAC)`);

  const manifest: MachineManifest = {
    version: 1,
    collectedAt: now.toISOString(),
    hostname: os.info?.hostname ?? 'unknown',
    os: {
      family: 'windows',
      name: os.info?.caption || 'Windows',
      version: os.info?.version ?? '',
      id: 'windows',
      serverEdition: isServerEdition(os.info),
    },
    kernel: kernelOf(os.info),
    arch: archOf(os.info, processors),
    bootMode,
    disks: disks.map((d) => ({
      name: `Disk ${d.number}`,
      path: `\\\\.\\PHYSICALDRIVE${d.number}`,
      sizeBytes: d.sizeBytes,
      partitionStyle: partitionStyleOf(d.partitionStyle),
      model: d.friendlyName,
      removable: d.busType !== null && removableBusTypes.has(d.busType.toUpperCase()),
    })),
    filesystems: logicalDisks
      .filter((l) => l.driveType !== null && localDriveTypes.has(l.driveType) && l.fileSystem !== null)
      .map((l) => ({
        device: l.deviceId,
        mountpoints: [`${l.deviceId}\\`],
        type: l.fileSystem ?? '',
        uuid: l.volumeSerialNumber,
        label: l.volumeName,
      })),
    networkInterfaces: adapters.map((a) => ({ name: a.name, mac: a.mac })),
    cpu: {
      model: processors[0]?.name ?? 'unknown',
      logicalCores: processors.reduce((sum, p) => sum + (p.logicalProcessors ?? 0), 0),
    },
    notes,
  };
  return machineManifestSchema.parse(manifest);
}

/** "10.0.22621 build 22621", as systeminfo words it ("OS Version: 10.0.17763 N/A Build 17763"). */
function kernelOf(info: WindowsOsInfo | null): string {
  if (info === null) return '';
  return info.buildNumber ? `${info.version} build ${info.buildNumber}` : info.version;
}

/** Node's names (x64, arm64, ia32, arm), as the Linux manifest has them from os.arch(). */
function archOf(info: WindowsOsInfo | null, processors: readonly WindowsProcessor[]): string {
  const os64 = info?.osArchitecture ? /64/.test(info.osArchitecture) : null;
  switch (processors[0]?.architecture) {
    case 12:
      return 'arm64';
    case 9:
      return os64 === false ? 'ia32' : 'x64';
    case 5:
      return 'arm';
    case 0:
      return 'ia32';
  }
  if (os64 === null) return 'unknown';
  return os64 ? 'x64' : 'ia32';
}

function partitionStyleOf(style: string): MachineManifest['disks'][number]['partitionStyle'] {
  switch (style.toUpperCase()) {
    case 'GPT':
      return 'gpt';
    case 'MBR':
      return 'mbr';
    case 'RAW':
      return 'none';
    default:
      return 'unknown';
  }
}

/**
 * Reads the hardware inventory Windows prints for the machine manifest: processors (Win32_Processor), disks with
 * their partition style (Get-Disk), logical disks with file system and volume serial (Win32_LogicalDisk),
 * network adapters with their MAC (Get-NetAdapter) and the boot mode (bcdedit). Property names and numbers are
 * the same in every UI language; only the table headers of Get-NetAdapter are read by name, as PowerShell prints
 * them (property names, never translated).
 */
import { parsePowerShellList, parsePowerShellTable } from './powershell-objects';

export interface WindowsProcessor {
  name: string;
  logicalProcessors: number | null;
  /** Win32_Processor.Architecture: 0 x86, 5 ARM, 9 x64, 12 ARM64. */
  architecture: number | null;
}

export interface WindowsDisk {
  number: number;
  friendlyName: string | null;
  sizeBytes: number;
  /** Get-Disk PartitionStyle: GPT, MBR or RAW (not initialized). */
  partitionStyle: string;
  busType: string | null;
}

export interface WindowsLogicalDisk {
  deviceId: string;
  /** Win32_LogicalDisk.DriveType: 2 removable, 3 local fixed, 4 network, 5 optical, 6 RAM disk. */
  driveType: number | null;
  fileSystem: string | null;
  sizeBytes: number | null;
  freeBytes: number | null;
  volumeName: string | null;
  /** Eight hex digits, as `vol` prints them without the dash. */
  volumeSerialNumber: string | null;
}

export interface WindowsNetAdapter {
  name: string;
  description: string;
  status: string;
  /** Normalised to lower-case, colon-separated (the Linux form), or null when the adapter has none. */
  mac: string | null;
  /** The table view cut the name ("…" or "..." at its end): the MAC is the reliable key then. */
  nameTruncated: boolean;
}

export function parseProcessors(text: string): WindowsProcessor[] {
  return parsePowerShellList(text)
    .filter((r) => r.Name !== undefined && r.NumberOfLogicalProcessors !== undefined)
    .map((r) => ({
      name: r.Name ?? '',
      logicalProcessors: integer(r.NumberOfLogicalProcessors),
      architecture: integer(r.Architecture),
    }));
}

export function parseGetDisk(text: string): WindowsDisk[] {
  return parsePowerShellList(text).flatMap((r) => {
    const number = integer(r.Number ?? r.DiskNumber);
    const sizeBytes = integer(r.Size);
    if (number === null || sizeBytes === null) return [];
    return [
      {
        number,
        friendlyName: r.FriendlyName || r.Model || null,
        sizeBytes,
        partitionStyle: r.PartitionStyle ?? '',
        busType: r.BusType || null,
      },
    ];
  });
}

export function parseLogicalDisks(text: string): WindowsLogicalDisk[] {
  return parsePowerShellList(text)
    .filter((r) => r.DeviceID !== undefined && r.DriveType !== undefined)
    .map((r) => ({
      deviceId: r.DeviceID ?? '',
      driveType: integer(r.DriveType),
      fileSystem: r.FileSystem || null,
      sizeBytes: integer(r.Size),
      freeBytes: integer(r.FreeSpace),
      volumeName: r.VolumeName || null,
      volumeSerialNumber: r.VolumeSerialNumber || null,
    }));
}

export function parseNetAdapters(text: string): WindowsNetAdapter[] {
  return parsePowerShellTable(text)
    .filter((row) => (row.Name ?? '') !== '')
    .map((row) => {
      const name = row.Name ?? '';
      return {
        name,
        description: row.InterfaceDescription ?? '',
        status: row.Status ?? '',
        mac: normaliseMac(row.MacAddress ?? ''),
        nameTruncated: /(\.\.\.|…)$/.test(name),
      };
    });
}

/** "48-2A-E3-13-E8-34" → "48:2a:e3:13:e8:34"; anything else (empty, all zeros) → null. */
export function normaliseMac(text: string): string | null {
  const mac = text.trim().toLowerCase().replace(/-/g, ':');
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac) && mac !== '00:00:00:00:00:00' ? mac : null;
}

/**
 * The firmware Windows was started by, from the boot applications bcdedit lists: on UEFI the boot manager and
 * loaders are `.efi` files (bootmgfw.efi, winload.efi), on BIOS the loader is winload.exe. File names are not
 * translated, so this works whatever the UI language of the headings and field names.
 */
export function bootModeFromBcdedit(text: string): 'uefi' | 'bios' | 'unknown' {
  if (/\\(?:bootmgfw|winload)\.efi\b/i.test(text)) return 'uefi';
  if (/\\winload\.exe\b/i.test(text)) return 'bios';
  return 'unknown';
}

/**
 * Where the Windows Boot Manager lives, from its `{bootmgr}` entry: on UEFI its `.efi` file on the EFI System
 * Partition. Entries are blocks separated by blank lines, a heading, a dashed underline, then the identifier
 * (the firmware boot manager's display order also names `{bootmgr}`, so only the identifier line counts). The
 * field names `device` and `path` are not translated.
 */
export function bootManagerOf(text: string): { device: string | null; path: string | null } | null {
  const block = text.split(/\r?\n\s*\r?\n/).find((b) => {
    const lines = b.split(/\r?\n/);
    const underline = lines.findIndex((l) => /^-{3,}\s*$/.test(l));
    return underline >= 0 && /\s\{bootmgr\}\s*$/.test(lines[underline + 1] ?? '');
  });
  if (block === undefined) return null;
  const field = (name: string) => new RegExp(`^${name}\\s+(.+?)\\s*$`, 'm').exec(block)?.[1] ?? null;
  return { device: field('device'), path: field('path') };
}

function integer(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text.trim())) return null;
  return Number(text.trim());
}

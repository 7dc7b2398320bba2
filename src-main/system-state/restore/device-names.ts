/**
 * Device names of the backed-up machine → this machine's, for the disk layout script. Only whole disks are
 * mapped by the user (`/dev/sda` → `/dev/nvme0n1`); partitions follow the kernel's naming rule — a disk whose
 * name ends in a digit gets a `p` before the partition number (`nvme0n1p2`, `mmcblk0p1`, `loop0p1`), others
 * do not (`sda2`, `vdb1`) — so `/dev/sda2` becomes `/dev/nvme0n1p2`. A recorded disk the map does not name keeps
 * its name and is reported, since on this machine that name may be another disk.
 */
import { SystemStateError } from '../errors';

const devicePathPattern = /^\/dev\/[A-Za-z0-9._:+-]+(?:\/[A-Za-z0-9._:+-]+)*$/;

export function isDevicePath(text: string): boolean {
  return devicePathPattern.test(text) && !text.split('/').includes('..');
}

export function partitionPath(disk: string, number: number): string {
  return `${disk}${/\d$/.test(disk) ? 'p' : ''}${number}`;
}

/** The partition number of `node` on `disk` (`/dev/nvme0n1p3` on `/dev/nvme0n1` → 3), or null. */
export function partitionNumber(disk: string, node: string): number | null {
  if (!node.startsWith(disk)) return null;
  const rest = node.slice(disk.length);
  const match = (/\d$/.test(disk) ? /^p(\d+)$/ : /^p?(\d+)$/).exec(rest);
  return match ? Number(match[1]) : null;
}

export interface DeviceMapper {
  /** Every recorded disk → the disk the script writes to (itself when unmapped). */
  disks: Record<string, string>;
  unmapped: string[];
  /** A recorded disk or partition path → this machine's path; other devices (md, dm) are returned unchanged. */
  map(recordedPath: string): string;
  /** True for a recorded disk or one of its partitions. */
  isOnRecordedDisk(recordedPath: string): boolean;
}

export function createDeviceMapper(
  recordedDisks: readonly string[],
  diskMap: Readonly<Record<string, string>>,
): { mapper: DeviceMapper; warnings: string[] } {
  const warnings: string[] = [];
  for (const [from, to] of Object.entries(diskMap))
    for (const p of [from, to])
      if (!isDevicePath(p))
        throw new SystemStateError('INVALID_ARGUMENT', `disk map: ${JSON.stringify(p)} is not a /dev path`);
  for (const from of Object.keys(diskMap))
    if (!recordedDisks.includes(from))
      warnings.push(`The disk map names ${from}, which is not in the recorded layout: ignored.`);

  const disks: Record<string, string> = {};
  const unmapped: string[] = [];
  for (const disk of recordedDisks) {
    const to = diskMap[disk];
    disks[disk] = to ?? disk;
    if (to === undefined) {
      unmapped.push(disk);
      warnings.push(
        `${disk} is not mapped to a disk of this machine: the script uses its recorded name ${disk}. Make sure that is the disk to erase here, or map it.`,
      );
    }
  }
  const targets = Object.values(disks);
  const duplicate = targets.find((t, i) => targets.indexOf(t) !== i);
  if (duplicate !== undefined)
    throw new SystemStateError(
      'INVALID_ARGUMENT',
      `disk map: two recorded disks would be written to ${duplicate} (unmapped disks keep their own name)`,
    );

  // Longest first, so that /dev/sda is not taken for the disk of /dev/sdaa1.
  const byLength = [...recordedDisks].sort((a, b) => b.length - a.length);
  const locate = (recordedPath: string): { disk: string; number: number | null } | null => {
    for (const disk of byLength) {
      if (recordedPath === disk) return { disk, number: null };
      const number = partitionNumber(disk, recordedPath);
      if (number !== null) return { disk, number };
    }
    return null;
  };
  const mapper: DeviceMapper = {
    disks,
    unmapped,
    map(recordedPath) {
      const found = locate(recordedPath);
      if (found === null) return recordedPath;
      const disk = disks[found.disk] ?? found.disk;
      return found.number === null ? disk : partitionPath(disk, found.number);
    },
    isOnRecordedDisk: (recordedPath) => locate(recordedPath) !== null,
  };
  return { mapper, warnings };
}

/**
 * Recorded text placed in a comment of the script: control characters (a newline above all, which would end the
 * comment and make the rest a command) become `?`.
 */
export function oneLine(text: string): string {
  return text.replace(/\p{Cc}/gu, '?');
}

/**
 * A word for bash: as is when plainly safe, else single-quoted; with control characters, ANSI-C quoted
 * (`$'a\nb'`), so that every command stays on one line of the script for the person reviewing it.
 */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  if (!/\p{Cc}/u.test(text)) return `'${text.replace(/'/g, `'\\''`)}'`;
  const escaped = text.replace(/[\\']|\p{Cc}/gu, (c) =>
    c === '\\' || c === "'" ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return `$'${escaped}'`;
}

export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}

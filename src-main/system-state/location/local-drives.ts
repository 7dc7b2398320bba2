/**
 * The local drives a snapshot location can be on. Linux: the mounted filesystems from /proc/self/mountinfo,
 * minus pseudo, memory-backed and network filesystems, with free space from statfs. Windows: drive letters from
 * diskpart's `list volume` (fixed volumes; DVDs and removable media excluded), free space from statfs as well:
 * Node's statfs works on Windows (libuv answers it with GetDiskFreeSpaceW on the drive), so both systems share
 * one probe. It reports the volume's free clusters without per-user quotas, which the elevated helper does not
 * have anyway.
 */
import { readFile, statfs } from 'node:fs/promises';
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { fromNodeError, SystemStateError } from '../errors';
import { parseDiskpartVolumes } from '../platform/windows/diskpart';

export interface LocalDrive {
  mountPoint: string;
  device: string;
  fsType: string;
  totalBytes: number;
  freeBytes: number;
  readOnly: boolean;
}

export type FreeSpaceProbe = (path: string) => Promise<{ totalBytes: number; freeBytes: number }>;

export const statfsProbe: FreeSpaceProbe = async (p) => {
  const s = await statfs(p);
  // bavail: what an unprivileged writer may use; root's reserve is not space we should plan on.
  return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
};

const networkTypes = new Set([
  'nfs',
  'nfs4',
  'cifs',
  'smb3',
  'smbfs',
  'sshfs',
  'fuse.sshfs',
  'ceph',
  'glusterfs',
  'fuse.glusterfs',
  '9p',
  'afs',
  'davfs',
  'fuse.rclone',
]);
const pseudoTypes = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'tmpfs',
  'ramfs',
  'cgroup',
  'cgroup2',
  'securityfs',
  'debugfs',
  'tracefs',
  'pstore',
  'bpf',
  'mqueue',
  'hugetlbfs',
  'configfs',
  'fusectl',
  'autofs',
  'binfmt_misc',
  'efivarfs',
  'overlay',
  'squashfs',
  'nsfs',
  'rpc_pipefs',
  'selinuxfs',
  'zram',
  'iso9660',
]);

export function isNetworkFs(type: string): boolean {
  return networkTypes.has(type);
}

/** Parses /proc/self/mountinfo lines into mounts (mount point, fs type, source, read-only). */
export function parseMountInfo(
  text: string,
): { mountPoint: string; fsType: string; device: string; readOnly: boolean }[] {
  const decodeOctal = (s: string) =>
    s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      const [left, right] = line.split(' - ');
      const fields = left?.split(' ') ?? [];
      const rightFields = right?.split(' ') ?? [];
      const mountPoint = fields[4];
      const options = fields[5] ?? '';
      const fsType = rightFields[0];
      if (mountPoint === undefined || fsType === undefined) return [];
      return [
        {
          mountPoint: decodeOctal(mountPoint),
          fsType,
          device: decodeOctal(rightFields[1] ?? ''),
          readOnly: options.split(',').includes('ro'),
        },
      ];
    });
}

export async function listLinuxDrives(probe: FreeSpaceProbe = statfsProbe): Promise<LocalDrive[]> {
  let text: string;
  try {
    text = await readFile('/proc/self/mountinfo', 'utf8');
  } catch (error) {
    throw fromNodeError(error, 'reading /proc/self/mountinfo');
  }
  const drives: LocalDrive[] = [];
  const seen = new Set<string>();
  for (const mount of parseMountInfo(text)) {
    if (pseudoTypes.has(mount.fsType) || isNetworkFs(mount.fsType) || mount.fsType.startsWith('fuse'))
      continue;
    if (seen.has(mount.mountPoint)) continue;
    seen.add(mount.mountPoint);
    let space: Awaited<ReturnType<FreeSpaceProbe>>;
    try {
      space = await probe(mount.mountPoint);
    } catch (error) {
      if (['EACCES', 'EPERM', 'ENOENT'].includes((error as NodeJS.ErrnoException).code ?? '')) continue; // not ours to use
      throw fromNodeError(error, `free space of ${mount.mountPoint}`);
    }
    if (space.totalBytes === 0) continue;
    drives.push({ ...mount, ...space });
  }
  return drives;
}

export async function listWindowsDrives(
  runner: CommandRunner,
  probe: FreeSpaceProbe = statfsProbe,
): Promise<LocalDrive[]> {
  const listed = await runner.run({ argv: ['diskpart'], input: 'list volume\nexit\n', timeoutMs: 60_000 });
  if (!succeeded(listed)) throw new SystemStateError('COMMAND_FAILED', describeResult(listed));
  const drives: LocalDrive[] = [];
  for (const volume of parseDiskpartVolumes(listed.stdout)) {
    if (
      volume.letter === null ||
      volume.type === 'DVD-ROM' ||
      volume.type === 'Removable' ||
      volume.fs === ''
    )
      continue;
    const mountPoint = `${volume.letter}:\\`;
    const space = await probe(mountPoint);
    drives.push({
      mountPoint,
      device: `Volume ${volume.number}`,
      fsType: volume.fs,
      readOnly: false,
      ...space,
    });
  }
  return drives;
}

/** The drive holding `target`: the longest mount point that contains it. */
export function driveOf(drives: readonly LocalDrive[], target: string, win = false): LocalDrive | undefined {
  const norm = (p: string) => (win ? p.toUpperCase().replace(/\\+$/, '') : p.replace(/\/+$/, '') || '/');
  const t = norm(target);
  return [...drives]
    .filter((d) => {
      const m = norm(d.mountPoint);
      return t === m || t.startsWith(win ? `${m}\\` : m === '/' ? '/' : `${m}/`);
    })
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
}

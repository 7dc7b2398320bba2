/**
 * The system overview shown on the dashboard: OS, hostname, boot mode and every mounted filesystem, read through
 * `systeminformation`. The mapping is a pure function so that it can be tested with recorded probe outputs from
 * other machines (Windows Server, UEFI hosts) as well as this one.
 */
import type si from 'systeminformation';
import type { BootMode, Filesystem, SystemOverview } from '../ipc/contract';

export type OsProbe = Pick<
  si.Systeminformation.OsData,
  'platform' | 'distro' | 'release' | 'codename' | 'kernel' | 'arch' | 'hostname' | 'uefi'
>;
export type FsProbe = Pick<
  si.Systeminformation.FsSizeData,
  'fs' | 'type' | 'size' | 'used' | 'available' | 'mount' | 'rw'
>;

export interface OverviewProbes {
  osInfo(): Promise<OsProbe>;
  fsSize(): Promise<FsProbe[]>;
}

export interface OverviewContext {
  /** The mount point of the operating system: `/`, or the Windows system drive such as `C:`. */
  systemMount: string;
  now: Date;
}

export function mapSystemOverview(
  os: OsProbe,
  filesystems: FsProbe[],
  context: OverviewContext,
): SystemOverview {
  return {
    hostname: os.hostname,
    os: {
      platform: os.platform,
      distro: os.distro,
      release: os.release,
      codename: os.codename,
      kernel: os.kernel,
      arch: os.arch,
      serverEdition: serverEdition(os),
    },
    bootMode: bootMode(os.uefi),
    filesystems: filesystems.map((fs) => mapFilesystem(fs, context.systemMount)),
    collectedAt: context.now.toISOString(),
  };
}

/**
 * Windows names its server editions in the product name ("Microsoft Windows Server 2019 Datacenter"). Linux
 * distributions have no such edition split, so the question does not apply there.
 */
function serverEdition(os: OsProbe): boolean | null {
  if (os.platform !== 'win32') return null;
  return /\bserver\b/i.test(os.distro);
}

function bootMode(uefi: boolean | null): BootMode {
  if (uefi === true) return 'uefi';
  if (uefi === false) return 'bios';
  return 'unknown';
}

function mapFilesystem(fs: FsProbe, systemMount: string): Filesystem {
  return {
    device: fs.fs,
    mount: fs.mount,
    type: fs.type,
    sizeBytes: byteCount(fs.size),
    usedBytes: byteCount(fs.used),
    freeBytes: byteCount(fs.available),
    readOnly: fs.rw === false,
    isSystem: sameMount(fs.mount, systemMount),
  };
}

/** systeminformation reports NaN or negative numbers when a probe half-fails; never pass those on. */
function byteCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

function sameMount(a: string, b: string): boolean {
  // Windows drive letters compare case-insensitively and may come with or without a trailing backslash.
  const normalize = (m: string) => m.replace(/[\\/]+$/, '').toUpperCase() || '/';
  return normalize(a) === normalize(b);
}

export function systemMountFor(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  return platform === 'win32' ? (env.SystemDrive ?? 'C:') : '/';
}

export async function collectSystemOverview(
  probes: OverviewProbes,
  context: OverviewContext,
): Promise<SystemOverview> {
  const [os, filesystems] = await Promise.all([probes.osInfo(), probes.fsSize()]);
  return mapSystemOverview(os, filesystems, context);
}

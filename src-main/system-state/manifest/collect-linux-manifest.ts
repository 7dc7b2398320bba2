/** Collects the machine manifest of the running Linux machine (lsblk through the runner; the rest from files). */
import { readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { type BlockDevice, flattenDevices, parseLsblk } from '../platform/linux/lsblk-json';
import type { MachineManifest } from './machine-manifest';
import { machineManifestSchema } from './machine-manifest';

export const manifestLsblkArgv = [
  'lsblk',
  '--json',
  '--bytes',
  '--output',
  'NAME,PATH,TYPE,SIZE,PTTYPE,FSTYPE,UUID,LABEL,MOUNTPOINTS,MODEL,RM',
] as const;

export async function collectLinuxManifest(
  runner: CommandRunner,
  now = new Date(),
): Promise<MachineManifest> {
  const notes: string[] = [];
  const osRelease = parseOsRelease(
    await readFile('/etc/os-release', 'utf8').catch((error: NodeJS.ErrnoException) => {
      notes.push(`OS name unknown: /etc/os-release unreadable (${error.code})`);
      return '';
    }),
  );
  const lsblk = await runner.run({ argv: manifestLsblkArgv });
  const devices = succeeded(lsblk) ? parseLsblk(lsblk.stdout) : [];
  if (!succeeded(lsblk)) notes.push(`disks and filesystems unknown: ${describeResult(lsblk)}`);
  const all = await withMountedFilesystemIds(flattenDevices(devices), runner, notes);
  const manifest: MachineManifest = {
    version: 1,
    collectedAt: now.toISOString(),
    hostname: os.hostname(),
    os: {
      family: 'linux',
      name: osRelease.PRETTY_NAME ?? osRelease.NAME ?? 'Linux',
      version: osRelease.VERSION_ID ?? '',
      id: osRelease.ID ?? null,
      serverEdition: null,
    },
    kernel: os.release(),
    arch: os.arch(),
    bootMode: (await isDir('/sys/firmware/efi')) ? 'uefi' : 'bios',
    disks: devices
      .filter((d) => d.type === 'disk' && d.sizeBytes > 0)
      .map((d) => ({
        name: d.name,
        path: d.path,
        sizeBytes: d.sizeBytes,
        partitionStyle:
          d.partitionTableType === 'gpt'
            ? 'gpt'
            : d.partitionTableType === 'dos'
              ? 'mbr'
              : d.partitionTableType === null
                ? 'none'
                : 'unknown',
        model: d.model,
        removable: d.removable,
      })),
    filesystems: all
      .filter((d) => d.fsType !== null)
      .map((d) => ({
        device: d.path ?? d.name,
        mountpoints: d.mountpoints,
        type: d.fsType ?? '',
        uuid: d.uuid,
        label: d.label,
      })),
    networkInterfaces: await networkInterfaces(notes),
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', logicalCores: os.cpus().length },
    notes,
  };
  return machineManifestSchema.parse(manifest);
}

export const manifestFindmntArgv = [
  'findmnt',
  '--json',
  '--list',
  '--output',
  'SOURCE,TARGET,FSTYPE,UUID,LABEL',
] as const;

/**
 * lsblk takes filesystem types and UUIDs from the udev database; without udev (containers, minimal systems, some
 * rescue environments) they are all null, and the restore could not map a recorded UUID to the filesystem mounted
 * where the restored system goes. findmnt probes mounted filesystems itself (libblkid), so for a mounted device
 * that lsblk left without them, its answer fills them in.
 */
async function withMountedFilesystemIds(
  devices: BlockDevice[],
  runner: CommandRunner,
  notes: string[],
): Promise<BlockDevice[]> {
  if (!devices.some((d) => d.uuid === null && d.mountpoints.length > 0)) return devices;
  const findmnt = await runner.run({ argv: manifestFindmntArgv });
  if (!succeeded(findmnt)) {
    notes.push(`filesystem UUIDs of mounted devices unknown (no udev data): ${describeResult(findmnt)}`);
    return devices;
  }
  let mounts: { source?: unknown; fstype?: unknown; uuid?: unknown; label?: unknown }[];
  try {
    mounts = (JSON.parse(findmnt.stdout) as { filesystems?: typeof mounts }).filesystems ?? [];
  } catch {
    notes.push('filesystem UUIDs of mounted devices unknown: findmnt printed no JSON');
    return devices;
  }
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return devices.map((device) => {
    if (device.uuid !== null || device.path === null) return device;
    const mount = mounts.find((m) => m.source === device.path && text(m.uuid) !== null);
    if (mount === undefined) return device;
    return {
      ...device,
      uuid: text(mount.uuid),
      fsType: device.fsType ?? text(mount.fstype),
      label: device.label ?? text(mount.label),
    };
  });
}

export function parseOsRelease(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(?:"(.*)"|(.*))$/.exec(line.trim());
    if (m) values[m[1] as string] = m[2] ?? m[3] ?? '';
  }
  return values;
}

/**
 * Every interface in /sys/class/net (down ones too: the restore maps configuration by name and MAC). Without
 * sysfs (some containers) Node's view is used, which only knows interfaces that have an address; the notes say so.
 */
async function networkInterfaces(notes: string[]): Promise<MachineManifest['networkInterfaces']> {
  let names: string[];
  try {
    names = await readdir('/sys/class/net');
  } catch (error) {
    notes.push(
      `/sys/class/net unreadable (${(error as NodeJS.ErrnoException).code}): interfaces without an address are missing`,
    );
    return Object.entries(os.networkInterfaces())
      .map(([name, addresses]) => ({ name, mac: nonZeroMac(addresses?.[0]?.mac ?? '') }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  const result: MachineManifest['networkInterfaces'] = [];
  for (const name of names.sort()) {
    const address = await readFile(`/sys/class/net/${name}/address`, 'utf8').catch(
      (error: NodeJS.ErrnoException) => {
        notes.push(`${name}: MAC unreadable (${error.code})`);
        return '';
      },
    );
    result.push({ name, mac: nonZeroMac(address) });
  }
  return result;
}

function nonZeroMac(text: string): string | null {
  const mac = text.trim().toLowerCase();
  return mac && mac !== '00:00:00:00:00:00' ? mac : null;
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SystemOverviewSchema } from '../ipc/contract';
import {
  collectSystemOverview,
  type FsProbe,
  mapSystemOverview,
  type OsProbe,
  systemMountFor,
} from './system-overview';

const fixtures = path.join(__dirname, 'fixtures');
const now = new Date('2026-11-25T12:00:00.000Z');

/** systeminformation's osInfo() on Windows takes distro from the OS caption, the same text systeminfo prints. */
function windowsProbeFromSysteminfo(file: string): OsProbe {
  const text = readFileSync(path.join(fixtures, 'windows', file), 'utf8');
  const field = (label: string) => text.match(new RegExp(`^${label}:\\s+(.*?)\\s*$`, 'm'))?.[1] ?? '';
  return {
    platform: 'win32',
    distro: field('OS Name'),
    release: field('OS Version').split(' ')[0] ?? '',
    codename: '',
    kernel: field('OS Version').split(' ')[0] ?? '',
    arch: 'x64',
    hostname: field('Host Name'),
    uefi: true,
  };
}

/** A Windows drive list in systeminformation's shape (constructed for the test, not recorded). */
const windowsDrives: FsProbe[] = [
  {
    fs: 'C:',
    type: 'NTFS',
    size: 536_870_912_000,
    used: 214_748_364_800,
    available: 322_122_547_200,
    mount: 'C:',
    rw: true,
  },
  {
    fs: 'D:',
    type: 'NTFS',
    size: 1_000_000_000_000,
    used: 1_000_000,
    available: 999_000_000_000,
    mount: 'D:',
    rw: true,
  },
];

describe('system overview mapping', () => {
  it('maps this Debian machine (recorded systeminformation output)', () => {
    const recorded = JSON.parse(readFileSync(path.join(fixtures, 'si-debian12-vm.json'), 'utf8'));
    const overview = mapSystemOverview(recorded.osInfo, recorded.fsSize, { systemMount: '/', now });
    expect(SystemOverviewSchema.parse(overview)).toEqual(overview);
    expect(overview).toMatchObject({
      hostname: 'vm',
      os: {
        platform: 'linux',
        distro: 'Debian GNU/Linux',
        release: '12',
        codename: 'bookworm',
        serverEdition: null,
      },
      bootMode: 'bios',
      collectedAt: '2026-11-25T12:00:00.000Z',
    });
    expect(overview.filesystems).toEqual([
      {
        device: '/dev/vda',
        mount: '/',
        type: 'ext4',
        sizeBytes: 270553174016,
        usedBytes: 24362860544,
        freeBytes: 84581433344,
        readOnly: false,
        isSystem: true,
      },
    ]);
  });

  it('recognises a Windows Server edition and the system drive', () => {
    const probe = windowsProbeFromSysteminfo('systeminfo.ws2019-datacenter.txt');
    const overview = mapSystemOverview(probe, windowsDrives, { systemMount: 'c:\\', now });
    expect(overview.hostname).toBe('EC2AMAZ-CSGDEOG');
    expect(overview.os.distro).toBe('Microsoft Windows Server 2019 Datacenter');
    expect(overview.os.serverEdition).toBe(true);
    expect(overview.bootMode).toBe('uefi');
    expect(overview.filesystems.map((fs) => [fs.mount, fs.isSystem])).toEqual([
      ['C:', true],
      ['D:', false],
    ]);
  });

  it('recognises a Windows client edition', () => {
    const probe = windowsProbeFromSysteminfo('systeminfo.win11-enterprise-eval-23h2.txt');
    const overview = mapSystemOverview(probe, windowsDrives, { systemMount: 'C:', now });
    expect(overview.os.distro).toBe('Microsoft Windows 11 Enterprise Evaluation');
    expect(overview.os.serverEdition).toBe(false);
  });

  it('reports an unknown boot mode and never passes on NaN or negative sizes', () => {
    const overview = mapSystemOverview(
      {
        platform: 'linux',
        distro: 'X',
        release: '1',
        codename: '',
        kernel: 'k',
        arch: 'arm64',
        hostname: 'h',
        uefi: null,
      },
      [{ fs: 'tmpfs', type: 'tmpfs', size: Number.NaN, used: -5, available: 12.4, mount: '/run', rw: false }],
      { systemMount: '/', now },
    );
    expect(overview.bootMode).toBe('unknown');
    expect(overview.filesystems[0]).toMatchObject({
      sizeBytes: 0,
      usedBytes: 0,
      freeBytes: 12,
      readOnly: true,
      isSystem: false,
    });
    expect(SystemOverviewSchema.safeParse(overview).success).toBe(true);
  });

  it('names the system mount per platform', () => {
    expect(systemMountFor('linux', {})).toBe('/');
    expect(systemMountFor('win32', { SystemDrive: 'E:' })).toBe('E:');
    expect(systemMountFor('win32', {})).toBe('C:');
  });

  it('collects from the real probes of this machine', async () => {
    const si = (await import('systeminformation')).default;
    const overview = await collectSystemOverview(
      { osInfo: () => si.osInfo(), fsSize: () => si.fsSize() },
      { systemMount: '/', now },
    );
    expect(SystemOverviewSchema.safeParse(overview).success).toBe(true);
    expect(overview.hostname).toBe((await import('node:os')).hostname());
    expect(overview.filesystems.some((fs) => fs.isSystem)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { readFixture } from '../../command-runner/recorded-command-runner';
import { parseDiskpartDisks, parseDiskpartVolumes } from './diskpart';
import { parsePowerShellList, parsePowerShellTable } from './powershell-objects';
import { parseScConfig, parseScQuery } from './sc-service';
import { parseShadowStorage, shadowStoragePlan } from './vssadmin-shadowstorage';
import { isWriterHealthy, parseVssWriters } from './vssadmin-writers';

const dir = new URL('../../fixtures/windows/', import.meta.url);
const fixture = (name: string) => readFixture(dir, name);

describe('vssadmin list writers (recorded outputs)', () => {
  it('reads an all-Stable listing after the "Waiting for responses" preamble', () => {
    const { writers, errors } = parseVssWriters(
      fixture('vssadmin-list-writers.all-stable-waiting-for-responses-preamble-exchange.txt'),
    );
    expect(errors).toEqual([]);
    expect(writers.map((w) => w.name)).toContain('System Writer');
    expect(writers).toHaveLength(9);
    expect(writers.every(isWriterHealthy)).toBe(true);
    expect(writers.find((w) => w.name === 'System Writer')).toEqual({
      name: 'System Writer',
      writerId: '{e8132975-6f93-4464-a53e-1050253ae220}',
      instanceId: '{a29aadde-0639-4400-923a-5fd982e53c7e}',
      stateNumber: 1,
      stateText: 'Stable',
      lastError: 'No error',
    });
  });
  it('reads the French UI (Nom du rédacteur, État, Dernière erreur : Aucune erreur) as Stable', () => {
    const { writers } = parseVssWriters(fixture('vssadmin-list-writers.fr-FR-stable-partial.txt'));
    expect(writers.map((w) => [w.name, w.stateNumber, w.lastError])).toEqual([
      ['Task Scheduler Writer', 1, 'Aucune erreur'],
      ['VSS Metadata Store Writer', 1, 'Aucune erreur'],
      ['Performance Counters Writer', 1, 'Aucune erreur'],
      ['System Writer', 1, 'Aucune erreur'],
    ]);
    expect(writers[3]?.instanceId).toBe('{3a440350-edf0-4b35-bbc0-2af9898666f7}');
    expect(writers.every(isWriterHealthy)).toBe(true);
  });
  it('flags Waiting for completion, Failed and last errors', () => {
    const waiting = parseVssWriters(
      fixture('vssadmin-list-writers.failed-8-hyperv-and-waiting-5-system-writer-ws2008.txt'),
    );
    expect(waiting.writers.map((w) => [w.name, w.stateNumber, w.stateText, isWriterHealthy(w)])).toEqual([
      ['Microsoft Hyper-V VSS Writer', 8, 'Failed', false],
      ['System Writer', 5, 'Waiting for completion', false],
      ['Registry Writer', null, null, false], // the listing was cut: its state is unknown
    ]);
    const retryable = parseVssWriters(fixture('vssadmin-list-writers.failed-7-retryable-exchange.txt'));
    expect(retryable.writers.filter((w) => !isWriterHealthy(w)).map((w) => [w.name, w.lastError])).toEqual([
      ['Microsoft Exchange Writer', 'Retryable error'],
    ]);
    const ntds = parseVssWriters(
      fixture('vssadmin-list-writers.failed-11-ntds-non-retryable-excerpt-msdocs.txt'),
    );
    expect(ntds.writers).toMatchObject([{ name: 'NTDS', stateNumber: 11, lastError: 'Non-retryable error' }]);
  });
  it('reads flattened and irregularly indented listings', () => {
    const flat = parseVssWriters(
      fixture('vssadmin-list-writers.failed-8-system-asr-sql-ws2008-html-flattened-truncated.txt'),
    );
    expect(flat.writers.map((w) => [w.name, w.stateNumber])).toEqual([
      ['ASR Writer', 8],
      ['System Writer', 8],
      ['SqlServerWriter', 8],
      ['Microsoft Hyper-V VSS Writer', null],
    ]);
    const guest = parseVssWriters(
      fixture('vssadmin-list-writers.failed-9-system-writer-ws2003-2008-guest.txt'),
    );
    expect(guest.writers.filter((w) => w.stateNumber === 9).map((w) => w.name)).toEqual([
      'System Writer',
      'COM+ REGDB Writer',
      'Registry Writer',
      'WMI Writer',
      'Event Log Writer',
    ]);
  });
  it('returns the tool error of a time-stamp-prefixed failure instead of writers', () => {
    const failed = parseVssWriters(
      fixture('vssadmin-list-writers.error-unexpected-component-error-timestamp-prefixed.txt'),
    );
    expect(failed).toEqual({
      writers: [],
      errors: ['A Volume Shadow Copy Service component encountered an unexpected error.'],
    });
  });
});

describe('vssadmin list shadowstorage (recorded outputs)', () => {
  it('reads used/allocated/maximum, UNBOUNDED, wrapped GUIDs and the Vista format', () => {
    expect(
      parseShadowStorage(fixture('vssadmin-list-shadowstorage.after-resize-4gb-10pct-ws2008.txt')),
    ).toEqual([
      {
        forVolume: 'C:',
        forVolumeGuid: '\\\\?\\Volume{278ce142-19d8-11e1-9176-806e6f6e6963}\\',
        storageVolume: 'C:',
        usedBytes: Math.round(2.81 * 1024 ** 3),
        allocatedBytes: Math.round(3.279 * 1024 ** 3),
        maximumBytes: 4 * 1024 ** 3,
        maximumText: '4 GB (10%)',
      },
    ]);
    const unbounded = parseShadowStorage(
      fixture('vssadmin-list-shadowstorage.unbounded-wrapped-line-ws2008.txt'),
    );
    expect(unbounded).toMatchObject([
      { forVolume: 'C:', storageVolume: 'C:', maximumBytes: null, maximumText: 'UNBOUNDED (100%)' },
    ]);
    const vista = parseShadowStorage(
      fixture('vssadmin-list-shadowstorage.vista-no-percent-html-flattened.txt'),
    );
    expect(vista.map((a) => [a.forVolume, a.storageVolume, a.maximumBytes])).toEqual([
      ['C:', 'C:', Math.round(4.395 * 1024 ** 3)],
      ['V:', 'V:', Math.round(14.649 * 1024 ** 3)],
    ]);
  });
  it('plans add, resize or move of a shadow storage association as argv arrays', () => {
    const existing = parseShadowStorage(
      fixture('vssadmin-list-shadowstorage.after-resize-4gb-10pct-ws2008.txt'),
    );
    expect(shadowStoragePlan('C:', 'C:', '20%', existing)).toEqual([
      ['vssadmin', 'resize', 'shadowstorage', '/for=C:', '/on=C:', '/maxsize=20%'],
    ]);
    expect(shadowStoragePlan('c:\\', 'D:', 'UNBOUNDED', existing)).toEqual([
      ['vssadmin', 'delete', 'shadowstorage', '/for=C:', '/on=C:', '/quiet'],
      ['vssadmin', 'add', 'shadowstorage', '/for=C:', '/on=D:', '/maxsize=UNBOUNDED'],
    ]);
    expect(shadowStoragePlan('E:', 'D:', '50GB', existing)).toEqual([
      ['vssadmin', 'add', 'shadowstorage', '/for=E:', '/on=D:', '/maxsize=50GB'],
    ]);
    expect(() => shadowStoragePlan('C:', 'D: & calc', '10%', existing)).toThrow('not a drive letter');
  });
});

describe('PowerShell object output (recorded outputs)', () => {
  it('reads list records, including values wrapped at the console width behind a log prefix', () => {
    const [os] = parsePowerShellList(
      fixture(
        'powershell-get-ciminstance-win32_operatingsystem.ws2012r2-standard-producttype-3-wrapped-log-prefixed.txt',
      ),
    );
    expect(os?.Caption).toBe('Microsoft Windows Server 2012 R2 Standard');
    expect(os?.ProductType).toBe('3');
    const [shadow] = parsePowerShellList(
      fixture('powershell-get-wmiobject-win32_shadowcopy.full-object-fileserver.txt'),
    );
    expect(shadow).toMatchObject({
      ID: '{8D75F263-A3D7-4AC3-AB51-1A0178D42552}',
      DeviceObject: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy49',
      VolumeName: '\\\\?\\Volume{220a4c15-1da3-4c12-8992-e7ff6b68a1e3}\\',
      State: '12',
    });
  });
  it('reads Get-CimInstance Win32_ShadowCopy objects and tables (CIM property order, prompt echoes)', () => {
    const [cim] = parsePowerShellList(
      fixture('powershell-get-ciminstance-win32_shadowcopy.partial-object-win11.txt'),
    );
    expect(cim).toMatchObject({
      InstallDate: '2024-11-15 14:46:16',
      ClientAccessible: 'True',
      DeviceObject: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy4',
    });
    expect(
      parsePowerShellTable(fixture('powershell-get-ciminstance-win32_shadowcopy.table-select-partial.txt')),
    ).toEqual([
      {
        ID: '{9663A8D7-9D12-4D44-BB55-FF0DEFEC2E50}',
        InstallDate: '4/12/2025 5:44:46 PM',
        DeviceObject: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1',
      },
    ]);
  });

  it('reads tables with right-aligned and two-line headers', () => {
    const rows = parsePowerShellTable(
      fixture('powershell-get-wmiobject-win32_shadowcopy.table-id-deviceobject-installdate-state.txt'),
    );
    expect(rows).toEqual([
      {
        ID: '{4B26569A-3C94-4DB3-A161-445AFDB0A719}',
        DeviceObject: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy4',
        InstallDate: '20240531130959.884752+120',
        State: '12',
      },
    ]);
    const disks = parsePowerShellTable(fixture('powershell-get-disk.table-mbr-gpt-vmware.txt'));
    expect(disks.map((d) => [d.Number, d['Total Size'], d['Partition Style']])).toEqual([
      ['2', '30 GB', 'MBR'],
      ['0', '50 GB', 'MBR'],
      ['1', '1.95 TB', 'GPT'],
    ]);
  });
});

describe('sc query / sc qc (recorded outputs)', () => {
  it('reads state and start type', () => {
    expect(parseScQuery(fixture('sc-query-vss.stopped-htb-return-dc.txt'))).toEqual({
      serviceName: 'vss',
      stateNumber: 1,
      stateText: 'STOPPED',
      win32ExitCode: 0,
    });
    expect(
      parseScQuery(fixture('sc-query.excerpt-cryptsvc-running-type20-trailing-spaces-ws2012r2.txt')),
    ).toMatchObject({
      serviceName: 'CryptSvc',
      stateNumber: 4,
      stateText: 'RUNNING',
    });
    expect(
      parseScQuery(fixture('sc-query-state-all.excerpt-swprv-stopped-1077-win10-19045.txt')),
    ).toMatchObject({
      stateNumber: 1,
      win32ExitCode: 1077,
    });
    expect(parseScConfig(fixture('sc-qc-vss.demand-start-default-htb-return-dc.txt'))).toEqual({
      serviceName: 'vss',
      startTypeNumber: 3,
      startTypeText: 'DEMAND_START',
      displayName: 'Volume Shadow Copy',
      binaryPath: 'C:\\Windows\\system32\\vssvc.exe',
    });
    expect(parseScQuery('')).toBeNull();
  });
});

describe('diskpart (recorded outputs)', () => {
  it('reads dynamic and GPT flags, sizes and volumes', () => {
    const mbr = parseDiskpartDisks(
      fixture('diskpart-list-disk-and-volume.dynamic-mbr-mirror-missing-m0-failed-rd-ovh.txt'),
    );
    expect(mbr.map((d) => [d.number, d.status, d.sizeBytes / 1024 ** 3, d.dynamic, d.gpt])).toEqual([
      ['0', 'Online', 447, true, false],
      ['1', 'Online', 447, false, false],
      ['M0', 'Missing', 0, true, false],
    ]);
    const gpt = parseDiskpartDisks(
      fixture('diskpart-list-disk-and-volume.dynamic-gpt-mirror-missing-m0-failed-rd-ovh.txt'),
    );
    expect(gpt.map((d) => [d.number, d.dynamic, d.gpt])).toEqual([
      ['0', true, true],
      ['1', false, false],
      ['M0', true, false],
    ]);
    const indented = parseDiskpartDisks(
      fixture('diskpart-list-volume-disk-detail.dynamic-gpt-simple-7tb-raid-md-indented.txt'),
    );
    expect(indented.map((d) => [d.number, d.sizeBytes / 1024 ** 3, d.dynamic, d.gpt])).toEqual([
      ['0', 223, false, false],
      ['1', 7151, true, true],
    ]);
    const volumes = parseDiskpartVolumes(fixture('diskpart-list-disk-and-volume.mbr-dvd-win81.txt'));
    expect(volumes.map((v) => [v.number, v.letter, v.fs, v.type, v.sizeBytes / 1024 ** 3, v.info])).toEqual([
      [0, 'E', '', 'DVD-ROM', 0, ''],
      [1, 'C', 'NTFS', 'Partition', 100, 'System'],
      [2, 'D', 'NTFS', 'Partition', 198, ''],
    ]);
  });
});

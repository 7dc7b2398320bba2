import { describe, expect, it } from 'vitest';
import { readFixture } from '../command-runner/recorded-command-runner';
import { type MachineManifest, machineManifestSchema } from '../manifest/machine-manifest';
import { domainRoleOf, parseSysteminfo } from './windows-recorded-facts';
import { windowsRestorePlan } from './windows-restore-plan';

const fixture = (name: string) => readFixture(new URL('./fixtures/windows/', import.meta.url), name);
const dcSysteminfo = fixture('systeminfo.ws2022-datacenter-primary-dc-hyperv-uefi-htb-darkzero.txt');
const memberSysteminfo = fixture('systeminfo.ws2022-standard-member-server-medtech.txt');
const uefiBcdedit = fixture('bcdedit-enum-all.uefi-hp-win10-winre-partial.txt');
const biosBcdedit = fixture('bcdedit.bios-win7-realmode-bootsector.txt');

function manifest(overrides: Partial<MachineManifest> = {}): MachineManifest {
  return machineManifestSchema.parse({
    version: 1,
    collectedAt: '2025-10-06T19:15:57.000Z',
    hostname: 'DC02',
    os: {
      family: 'windows',
      name: 'Microsoft Windows Server 2022 Datacenter',
      version: '10.0.20348',
      id: null,
      serverEdition: true,
    },
    kernel: '10.0.20348',
    arch: 'x64',
    bootMode: 'uefi',
    disks: [
      {
        name: 'Disk 0',
        path: null,
        sizeBytes: 136365211648,
        partitionStyle: 'gpt',
        model: 'Msft Virtual Disk',
        removable: false,
      },
    ],
    filesystems: [{ device: 'C:', mountpoints: ['C:\\'], type: 'NTFS', uuid: '5A2B7C1D', label: null }],
    networkInterfaces: [{ name: 'Ethernet', mac: '00:15:5d:01:02:03' }],
    cpu: { model: 'AMD EPYC 7763', logicalCores: 2 },
    notes: [],
    ...overrides,
  });
}

const everything = [
  'windows.registry',
  'windows.boot',
  'windows.com-plus',
  'windows.sysvol',
  'windows.active-directory',
];
const ids = (plan: ReturnType<typeof windowsRestorePlan>) => plan.steps.map((s) => s.id);
const step = (plan: ReturnType<typeof windowsRestorePlan>, id: string) => {
  const found = plan.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step ${id} in ${ids(plan).join(', ')}`);
  return found;
};

describe('recorded systeminfo', () => {
  it('tells a domain controller, a member, standalone machines and log-prefixed output apart', () => {
    const dc = parseSysteminfo(dcSysteminfo);
    expect(dc).toEqual({
      hostName: 'DC02',
      osName: 'Microsoft Windows Server 2022 Datacenter',
      osConfiguration: 'Primary Domain Controller',
      domain: 'darkzero.ext',
    });
    expect(domainRoleOf(dc)).toBe('domain-controller');
    expect(domainRoleOf(parseSysteminfo(memberSysteminfo))).toBe('member');
    expect(domainRoleOf(parseSysteminfo(fixture('systeminfo.ws2019-datacenter.txt')))).toBe('standalone');
    expect(domainRoleOf(parseSysteminfo(fixture('systeminfo.win11-enterprise-eval-23h2.txt')))).toBe(
      'standalone',
    );
    const ci = parseSysteminfo(fixture('systeminfo.ws2019-datacenter-github-actions-log-prefixed.txt'));
    expect(ci).toMatchObject({ hostName: 'fv-az50', osConfiguration: 'Standalone Server' });
    expect(domainRoleOf(null)).toBe('unknown');
  });
});

describe('windowsRestorePlan: a domain controller (recorded DC02 systeminfo, UEFI bcdedit)', () => {
  const plan = windowsRestorePlan({
    manifest: manifest(),
    componentIds: everything,
    sysvolMode: 'authoritative',
    recorded: { bcdeditEnum: uefiBcdedit, systeminfo: dcSysteminfo },
  });

  it('orders the work: stage, boot files, DSRM next, WinRE replacement, DSRM checks, SYSVOL marking', () => {
    expect(plan.domainController).toBe(true);
    expect(plan.sysvolMode).toBe('authoritative');
    expect(ids(plan)).toEqual([
      'stage-files',
      'bitlocker',
      'bcd-backup',
      'bcd-import',
      'boot-files',
      'winre-reregister',
      'dsrm-password',
      'dsrm-next-boot',
      'reboot-winre',
      'registry-replace-offline',
      'com-plus-replace-offline',
      'ad-replace-offline',
      'sysvol-replace-offline',
      'leave-winre',
      'dsrm-checks',
      'sysvol-authoritative-disable',
      'sysvol-authoritative-enable',
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('imports the recorded BCD after keeping the current one, and writes UEFI boot files to the ESP', () => {
    expect(step(plan, 'bcd-backup').commands).toEqual([
      ['bcdedit', '/export', 'C:\\ProgramData\\BackupManager\\restore\\boot\\BCD-before-restore'],
    ]);
    expect(step(plan, 'bcd-import').commands).toEqual([
      ['bcdedit', '/import', 'C:\\ProgramData\\BackupManager\\restore\\boot\\BCD'],
    ]);
    expect(step(plan, 'boot-files').commands).toEqual([
      ['mountvol', 'S:', '/s'],
      ['bcdboot', 'C:\\Windows', '/s', 'S:', '/f', 'UEFI'],
      ['mountvol', 'S:', '/d'],
    ]);
  });

  it('goes through DSRM: safeboot dsrepair before WinRE, "restored from backup", and the safeboot value removed after', () => {
    expect(step(plan, 'dsrm-next-boot').commands).toEqual([
      ['bcdedit', '/set', '{default}', 'safeboot', 'dsrepair'],
    ]);
    expect(step(plan, 'reboot-winre').commands[0]).toEqual(['reagentc', '/boottore']);
    const checks = step(plan, 'dsrm-checks');
    expect(checks.requires).toMatch(/^Directory Services Restore Mode/);
    expect(checks.commands).toEqual([]); // the helper does not start in safe boot: typed by the admin
    expect(checks.detail).toContain('"Database restored from backup" /t REG_DWORD /d 1');
    expect(checks.detail).toContain('ntdsutil "activate instance ntds" files integrity quit quit');
    expect(checks.detail).toContain('sc config DFSR start= disabled');
    expect(checks.detail).toContain('bcdedit /deletevalue {default} safeboot');
  });

  it('replaces the loaded hives offline in WinRE (with their transaction logs), never while Windows runs', () => {
    const hives = step(plan, 'registry-replace-offline');
    expect(hives.requires).toBe('Windows Recovery Environment (Windows offline)');
    expect(hives.commands).toEqual([]);
    expect(hives.detail).toContain(
      'for %h in (SYSTEM SOFTWARE SAM SECURITY DEFAULT) do (move /y W:\\Windows\\System32\\config\\%h ',
    );
    expect(hives.detail).toContain('%h.LOG1');
    expect(hives.detail).toContain(
      'copy /y W:\\ProgramData\\BackupManager\\restore\\registry\\%h W:\\Windows\\System32\\config\\%h',
    );
    expect(step(plan, 'ad-replace-offline').detail).toContain(
      'W:\\ProgramData\\BackupManager\\restore\\active-directory\\*.*',
    );
    expect(step(plan, 'sysvol-replace-offline').detail).toMatch(/robocopy .*\/XJ.*master copy/);
  });

  it('marks SYSVOL authoritative through msDFSR-Options/msDFSR-Enabled once AD runs, DFSR started only then', () => {
    const disable = step(plan, 'sysvol-authoritative-disable');
    expect(disable.requires).toMatch(/AD DS running, DFSR still stopped/);
    const scripts = disable.commands.map((c) => c.join(' '));
    expect(scripts[0]).toMatch(
      /^powershell\.exe -NoProfile -NonInteractive -Command .*CN=SYSVOL Subscription,CN=Domain System Volume,CN=DFSR-LocalSettings,.*Set-ADObject -Identity \$sub -Replace @\{'msDFSR-Enabled'=\$false; 'msDFSR-Options'=1\}/,
    );
    expect(scripts[1]).toMatch(
      /Where-Object \{ \$_\.Name -ne \$env:COMPUTERNAME \}.*'msDFSR-Enabled'=\$false/,
    );
    expect(disable.commands.slice(2)).toEqual([
      ['repadmin', '/syncall', '/AdeP'],
      ['sc', 'config', 'DFSR', 'start=', 'auto'],
      ['net', 'start', 'DFSR'],
    ]);
    const enable = step(plan, 'sysvol-authoritative-enable').commands.map((c) => c.join(' '));
    expect(enable[0]).toMatch(/'msDFSR-Enabled'=\$true/);
    expect(enable).toContain('dfsrdiag pollad');
    expect(enable.at(-1)).toMatch(/Get-WinEvent -LogName 'DFS Replication'.*4114,4602/);
  });

  it('says plainly what the restore takes: WinRE, DSRM and its password, the BitLocker key, the restarts', () => {
    expect(plan.requirements).toEqual([
      expect.stringMatching(/^A restart into the Windows Recovery Environment/),
      expect.stringMatching(/^Directory Services Restore Mode and its password/),
      expect.stringMatching(/BitLocker recovery key/),
      '3 restarts; plan for the downtime.',
    ]);
    expect(step(plan, 'bitlocker').commands).toEqual([['manage-bde', '-status', 'C:']]);
  });
});

describe('windowsRestorePlan: SYSVOL choices', () => {
  const base = {
    manifest: manifest(),
    componentIds: everything,
    recorded: { bcdeditEnum: uefiBcdedit, systeminfo: dcSysteminfo },
  };

  it('non-authoritative: this DC is refreshed from a partner (events 4614 then 4604)', () => {
    const plan = windowsRestorePlan({ ...base, sysvolMode: 'non-authoritative' });
    expect(ids(plan).slice(-2)).toEqual([
      'sysvol-nonauthoritative-disable',
      'sysvol-nonauthoritative-enable',
    ]);
    const disable = step(plan, 'sysvol-nonauthoritative-disable').commands.map((c) => c.join(' '));
    expect(disable[0]).toMatch(/'msDFSR-Enabled'=\$false\}$/);
    expect(disable.join('\n')).not.toMatch(/msDFSR-Options/);
    expect(step(plan, 'sysvol-nonauthoritative-enable').detail).toMatch(
      /A lone DC never gets 4604: use authoritative/,
    );
    expect(step(plan, 'sysvol-replace-offline').detail).toMatch(/refreshes it from a partner/);
  });

  it('no choice made: a warning, no SYSVOL step at all, and the plan says SYSVOL is not ready', () => {
    const plan = windowsRestorePlan({ ...base, sysvolMode: null });
    expect(plan.domainController).toBe(true);
    expect(plan.sysvolMode).toBeNull();
    expect(ids(plan).filter((id) => id.startsWith('sysvol'))).toEqual([]);
    expect(ids(plan)).toContain('ad-replace-offline');
    expect(plan.warnings).toEqual([
      expect.stringMatching(/Choose how SYSVOL is restored .*not ready to restore until then/),
    ]);
    expect(plan.requirements).toContain('A choice: authoritative or non-authoritative SYSVOL restore.');
    // The DSRM checks still keep DFSR stopped, so nothing replicates before the choice.
    expect(step(plan, 'dsrm-checks').detail).toContain('sc config DFSR start= disabled');
  });

  it('AD without SYSVOL, or SYSVOL on a machine that is not a DC: warned', () => {
    const adOnly = windowsRestorePlan({
      ...base,
      componentIds: ['windows.active-directory'],
      sysvolMode: null,
    });
    expect(adOnly.warnings).toEqual([expect.stringMatching(/Active Directory and SYSVOL belong together/)]);
    const standalone = windowsRestorePlan({
      ...base,
      componentIds: ['windows.registry', 'windows.sysvol'],
      sysvolMode: 'authoritative',
      recorded: { systeminfo: fixture('systeminfo.ws2019-datacenter.txt') },
    });
    // The session holds SYSVOL, which is only backed up on DCs: the recorded "Standalone Server" is contradicted.
    expect(standalone.domainController).toBe(true);
    expect(standalone.warnings[0]).toMatch(
      /systeminfo says "Standalone Server", but the session holds Active Directory or SYSVOL/,
    );
  });
});

describe('windowsRestorePlan: servers and workstations', () => {
  it('a member server: registry offline, then the computer account check; BIOS boot files without /s', () => {
    const plan = windowsRestorePlan({
      manifest: manifest({ hostname: 'WEB02', bootMode: 'bios' }),
      componentIds: ['windows.registry', 'windows.boot'],
      sysvolMode: null,
      recorded: { bcdeditEnum: biosBcdedit, systeminfo: memberSysteminfo },
    });
    expect(plan.domainController).toBe(false);
    expect(ids(plan)).toEqual([
      'stage-files',
      'bitlocker',
      'bcd-backup',
      'bcd-import',
      'boot-files',
      'winre-reregister',
      'reboot-winre',
      'registry-replace-offline',
      'leave-winre',
      'secure-channel',
    ]);
    expect(step(plan, 'boot-files').commands).toEqual([['bcdboot', 'C:\\Windows']]);
    expect(step(plan, 'secure-channel').detail).toMatch(
      /trust with medtech\.com fails.*Test-ComputerSecureChannel -Repair/,
    );
    expect(plan.requirements).toEqual([
      expect.stringMatching(/Windows Recovery Environment/),
      expect.stringMatching(/BitLocker/),
      '2 restarts; plan for the downtime.',
    ]);
  });

  it('boot mode from the recorded bcdedit when the manifest does not know it; a warning when nothing does', () => {
    const fromBcdedit = windowsRestorePlan({
      manifest: manifest({ bootMode: 'unknown' }),
      componentIds: ['windows.boot'],
      sysvolMode: null,
      recorded: { bcdeditEnum: fixture('bcdedit-enum.bios-win7-da-DK-detecthal.txt') },
    });
    expect(step(fromBcdedit, 'boot-files').commands).toEqual([['bcdboot', 'C:\\Windows']]);
    expect(fromBcdedit.requirements).toEqual([expect.stringMatching(/BitLocker/)]);
    const unknown = windowsRestorePlan({
      manifest: manifest({ bootMode: 'unknown' }),
      componentIds: ['windows.boot'],
      sysvolMode: null,
      recorded: {},
    });
    expect(ids(unknown)).toEqual(['stage-files', 'bitlocker', 'bcd-backup', 'bcd-import']);
    expect(unknown.warnings[0]).toMatch(/boot mode of the backed-up machine is unknown.*\/f ALL/);
  });

  it('role data with the service stopped (CA, IIS); clusters, disk layout and unknown ids as warnings', () => {
    const plan = windowsRestorePlan({
      manifest: manifest({ hostname: 'APP01' }),
      componentIds: [
        'windows.certificate-services',
        'windows.iis',
        'windows.cluster',
        'windows.disk-layout',
        'linux.configuration',
      ],
      sysvolMode: null,
      recorded: { systeminfo: memberSysteminfo },
    });
    expect(ids(plan)).toEqual(['stage-files', 'certificate-services', 'iis-configuration']);
    expect(step(plan, 'certificate-services').commands[0]).toEqual(['net', 'stop', 'certsvc']);
    expect(step(plan, 'certificate-services').commands[1]?.slice(0, 3)).toEqual([
      'robocopy',
      'C:\\ProgramData\\BackupManager\\restore\\files\\Windows\\System32\\CertLog',
      'C:\\Windows\\System32\\CertLog',
    ]);
    expect(step(plan, 'iis-configuration').commands.at(-1)).toEqual(['iisreset', '/start']);
    expect(plan.warnings).toEqual([
      'linux.configuration is not a Windows System state component: ignored.',
      expect.stringMatching(/cluster database is not restored automatically/),
      expect.stringMatching(/Disk layout .* not recreated on Windows/),
    ]);
    expect(plan.requirements).toEqual([]);
  });

  it('refuses a Linux manifest and a staging folder that is not a Windows path', () => {
    expect(() =>
      windowsRestorePlan({
        manifest: manifest({
          os: { family: 'linux', name: 'Debian', version: '12', id: 'debian', serverEdition: null },
        }),
        componentIds: [],
        sysvolMode: null,
        recorded: {},
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() =>
      windowsRestorePlan({
        manifest: manifest(),
        componentIds: [],
        sysvolMode: null,
        recorded: {},
        stagingDir: '/tmp/x',
      }),
    ).toThrow(/must be a Windows path/);
  });
});

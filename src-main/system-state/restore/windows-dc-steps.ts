/**
 * The domain controller part of a Windows restore: Active Directory (NTDS) and SYSVOL. AD DS must be offline while
 * its database is replaced, and its first start must be in Directory Services Restore Mode with the database
 * marked "restored from backup" (AD then takes a new invocation ID, so its replication partners do not mistake
 * it for the old DC: no USN rollback). SYSVOL is replicated by DFSR; whether this DC's copy wins
 * (authoritative) or is refreshed from a partner (non-authoritative) is set on the DC's SYSVOL subscription
 * object in AD (`msDFSR-Enabled`, `msDFSR-Options`, Microsoft's KB 2218556), once AD runs again — with DFSR kept
 * stopped until then, so that it cannot replicate the restored folder before the choice is made.
 */
import { powershellArgv } from '../platform/windows/powershell-command';
import type { SysvolRestoreMode, WindowsRestoreStep } from './restore-analysis-model';

/** A PowerShell command line as a step's (mutable) argv. */
const ps = (script: string): string[] => [...powershellArgv(script)];

const dsrm = 'Directory Services Restore Mode (sign in as .\\Administrator with the DSRM password)';
const adRunning = 'Normal start after DSRM (AD DS running, DFSR still stopped)';

/** This DC's SYSVOL subscription object, found from its computer object (PowerShell, AD module of every DC). */
const subscriptionOfThisDc =
  "$dc = Get-ADDomainController -Identity $env:COMPUTERNAME; $sub = 'CN=SYSVOL Subscription,CN=Domain System Volume,CN=DFSR-LocalSettings,' + $dc.ComputerObjectDN";
const otherDcSubscriptions =
  "$others = Get-ADDomainController -Filter * | Where-Object { $_.Name -ne $env:COMPUTERNAME } | ForEach-Object { 'CN=SYSVOL Subscription,CN=Domain System Volume,CN=DFSR-LocalSettings,' + $_.ComputerObjectDN }";

export function dsrmPreparationSteps(): WindowsRestoreStep[] {
  return [
    {
      id: 'dsrm-password',
      title: 'Know the Directory Services Restore Mode password',
      detail:
        'DSRM signs in with the local Administrator account of the DC and the DSRM password set at promotion. If nobody knows it, reset it now, while AD runs: ntdsutil "set dsrm password" "reset password on server null" quit quit.',
      requires: null,
      commands: [],
    },
    {
      id: 'dsrm-next-boot',
      title: 'Make the start after the recovery environment a Directory Services Restore Mode start',
      detail:
        'With safeboot dsrepair in the BCD, Windows starts with AD DS offline after the files are replaced, so the restored database is checked and marked before AD DS runs.',
      requires: null,
      commands: [['bcdedit', '/set', '{default}', 'safeboot', 'dsrepair']],
    },
  ];
}

/** `staging` as WinRE sees it (the Windows drive is W: in these instructions). */
export function adOfflineStep(staging: string): WindowsRestoreStep {
  return {
    id: 'ad-replace-offline',
    title: 'Replace the Active Directory database (in WinRE)',
    detail: [
      `In the same WinRE command prompt (W: is the Windows drive there): move the current database aside, then copy the session's: mkdir ${staging}\\replaced\\NTDS & move /y W:\\Windows\\NTDS\\*.* ${staging}\\replaced\\NTDS\\ & copy /y ${staging}\\active-directory\\*.* W:\\Windows\\NTDS\\.`,
      'W:\\Windows\\NTDS is the default; if the database was moved, use the folder named by "DSA Database file" under HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters.',
      'The database was copied from a shadow copy while AD DS ran; the DSRM check below tells whether it is consistent.',
    ].join(' '),
    requires: 'Windows Recovery Environment (Windows offline)',
    commands: [],
  };
}

export function sysvolOfflineStep(staging: string, mode: SysvolRestoreMode): WindowsRestoreStep {
  return {
    id: 'sysvol-replace-offline',
    title: 'Replace the SYSVOL folder (in WinRE)',
    detail: [
      `robocopy ${staging}\\files\\Windows\\SYSVOL W:\\Windows\\SYSVOL /MIR /B /COPYALL /XJ /R:1 /W:1 (/XJ: SYSVOL contains junctions that must not be followed).`,
      mode === 'authoritative'
        ? 'This copy becomes the master copy of SYSVOL for the whole domain.'
        : 'DFSR refreshes it from a partner DC afterwards; the copy only matters until then.',
    ].join(' '),
    requires: 'Windows Recovery Environment (Windows offline)',
    commands: [],
  };
}

export function dsrmChecksStep(restoresAd: boolean): WindowsRestoreStep {
  const lines = [
    ...(restoresAd
      ? [
          'reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters /v "Database restored from backup" /t REG_DWORD /d 1 /f (AD DS takes a new invocation ID at its next start: no USN rollback on its partners)',
          'ntdsutil "activate instance ntds" files integrity quit quit (if it reports a dirty shutdown: esentutl /r edb /l C:\\Windows\\NTDS /s C:\\Windows\\NTDS, then again)',
          'ntdsutil "activate instance ntds" "semantic database analysis" go quit quit',
        ]
      : []),
    'sc config DFSR start= disabled (DFSR stays stopped until SYSVOL is marked)',
    'bcdedit /deletevalue {default} safeboot',
    'shutdown /r /t 0',
  ];
  return {
    id: 'dsrm-checks',
    title: 'Check the database and leave Directory Services Restore Mode',
    detail: `The helper service does not start in safe boot, so these run in an elevated command prompt: ${lines.join('; ')}.`,
    requires: dsrm,
    commands: [],
  };
}

/** The DFSR marking of KB 2218556 (D2 non-authoritative, D4 authoritative), then DFSR started again. */
export function sysvolMarkingSteps(mode: SysvolRestoreMode): WindowsRestoreStep[] {
  const setThisDc = (values: string) =>
    ps(`${subscriptionOfThisDc}; Set-ADObject -Identity $sub -Replace @{${values}}`);
  const setOthers = (enabled: boolean) =>
    ps(
      `${otherDcSubscriptions}; $others | ForEach-Object { Set-ADObject -Identity $_ -Replace @{'msDFSR-Enabled'=$${enabled}} }`,
    );
  const replicate = ['repadmin', '/syncall', '/AdeP'];
  const startDfsr = [
    ['sc', 'config', 'DFSR', 'start=', 'auto'],
    ['net', 'start', 'DFSR'],
  ];
  const events = (ids: number[]) =>
    ps(
      `Get-WinEvent -LogName 'DFS Replication' -MaxEvents 50 | Where-Object { $_.Id -in ${ids.join(',')} } | Format-List TimeCreated, Id, Message`,
    );
  if (mode === 'authoritative')
    return [
      {
        id: 'sysvol-authoritative-disable',
        title: 'SYSVOL authoritative: mark this DC as the source and stop SYSVOL replication on every DC',
        detail:
          "Sets msDFSR-Enabled=FALSE and msDFSR-Options=1 on this DC's SYSVOL subscription and msDFSR-Enabled=FALSE on every other DC's, replicates AD, and starts DFSR here (event 4114: SYSVOL replication disabled).",
        requires: adRunning,
        commands: [
          setThisDc("'msDFSR-Enabled'=$false; 'msDFSR-Options'=1"),
          setOthers(false),
          replicate,
          ...startDfsr,
        ],
      },
      {
        id: 'sysvol-authoritative-enable',
        title: 'SYSVOL authoritative: enable replication from this DC, then on the others',
        detail:
          'Sets msDFSR-Enabled=TRUE here, replicates, polls AD (event 4602: SYSVOL initialized as primary member), then enables the other DCs, which rebuild their SYSVOL from this one (events 4614 and 4604 on them; run dfsrdiag pollad on each if they are slow).',
        requires: adRunning,
        commands: [
          setThisDc("'msDFSR-Enabled'=$true"),
          replicate,
          ['dfsrdiag', 'pollad'],
          setOthers(true),
          replicate,
          events([4114, 4602]),
        ],
      },
    ];
  return [
    {
      id: 'sysvol-nonauthoritative-disable',
      title: 'SYSVOL non-authoritative: stop SYSVOL replication on this DC',
      detail:
        "Sets msDFSR-Enabled=FALSE on this DC's SYSVOL subscription, replicates AD and starts DFSR (event 4114: SYSVOL replication disabled).",
      requires: adRunning,
      commands: [setThisDc("'msDFSR-Enabled'=$false"), replicate, ...startDfsr, ['dfsrdiag', 'pollad']],
    },
    {
      id: 'sysvol-nonauthoritative-enable',
      title: 'SYSVOL non-authoritative: enable it again so that a partner DC refreshes it',
      detail:
        'Sets msDFSR-Enabled=TRUE and polls AD; event 4614 (waiting for initial replication) then 4604 (SYSVOL initialized from a partner). A lone DC never gets 4604: use authoritative when no other DC exists.',
      requires: adRunning,
      commands: [
        setThisDc("'msDFSR-Enabled'=$true"),
        replicate,
        ['dfsrdiag', 'pollad'],
        events([4114, 4614, 4604]),
      ],
    },
  ];
}

/**
 * The Windows restore plan: what restoring the session's components onto Windows takes, in order, and where each
 * step runs. The helper runs only in normal Windows: it stages the session's files, changes boot files and BCD,
 * and schedules restarts. The five system hives (SYSTEM, SOFTWARE, SAM, SECURITY, DEFAULT) are loaded — and
 * therefore locked — for as long as Windows runs, so they are replaced offline, from the Windows Recovery
 * Environment (a hive that is not loaded, such as that of another Windows installation, can be replaced with
 * `reg load` + `reg restore` instead; the session holds only the five system hives). Domain controllers also go
 * through Directory Services Restore Mode (windows-dc-steps.ts). Steps the helper cannot run (in WinRE, in DSRM)
 * carry no commands and spell out what to type.
 */
import { SystemStateError } from '../errors';
import type { MachineManifest } from '../manifest/machine-manifest';
import { powershellArgv } from '../platform/windows/powershell-command';
import { windowsComponentDefinitions } from '../platform/windows/windows-component-definitions';
import type { SysvolRestoreMode, WindowsRestorePlan, WindowsRestoreStep } from './restore-analysis-model';
import {
  adOfflineStep,
  dsrmChecksStep,
  dsrmPreparationSteps,
  sysvolMarkingSteps,
  sysvolOfflineStep,
} from './windows-dc-steps';
import {
  domainRoleOf,
  parseSysteminfo,
  type SysteminfoFacts,
  windowsBootMode,
} from './windows-recorded-facts';

/** Where the helper stages the session's files (the export's layout: registry\SYSTEM, boot\BCD, active-directory\…). */
export const defaultWindowsStagingDir = 'C:\\ProgramData\\BackupManager\\restore';

const systemHives = ['SYSTEM', 'SOFTWARE', 'SAM', 'SECURITY', 'DEFAULT'] as const;
const winre = 'Windows Recovery Environment (Windows offline)';
const robocopyExit = 'robocopy exits 0-7 when it copied what it should (8 and above is a failure).';

export function windowsRestorePlan(input: {
  manifest: MachineManifest;
  componentIds: string[];
  sysvolMode: SysvolRestoreMode | null;
  recorded: { bcdeditEnum?: string; systeminfo?: string };
  /** Defaults to defaultWindowsStagingDir. */
  stagingDir?: string;
}): WindowsRestorePlan {
  const { manifest, sysvolMode, recorded } = input;
  if (manifest.os.family !== 'windows')
    throw new SystemStateError(
      'INVALID_ARGUMENT',
      `the session's machine runs ${manifest.os.family}, not Windows`,
    );
  const staging = (input.stagingDir ?? defaultWindowsStagingDir).replace(/\\+$/, '');
  if (!/^[A-Za-z]:\\[^"*?<>|]*$/.test(staging))
    throw new SystemStateError('INVALID_ARGUMENT', `staging folder must be a Windows path: ${staging}`);
  const winreStaging = staging.replace(/^[A-Za-z]:/, 'W:');

  const warnings: string[] = [];
  const known = new Set<string>(windowsComponentDefinitions.map((d) => d.id));
  for (const id of input.componentIds)
    if (!known.has(id)) warnings.push(`${id} is not a Windows System state component: ignored.`);
  const has = (id: (typeof windowsComponentDefinitions)[number]['id']) => input.componentIds.includes(id);

  const facts: SysteminfoFacts | null = recorded.systeminfo ? parseSysteminfo(recorded.systeminfo) : null;
  const role = domainRoleOf(facts);
  const domainController =
    role === 'domain-controller' || has('windows.active-directory') || has('windows.sysvol');
  if (domainController && role !== 'domain-controller' && role !== 'unknown')
    warnings.push(
      `systeminfo says "${facts?.osConfiguration}", but the session holds Active Directory or SYSVOL, which are only backed up on domain controllers: planned as a domain controller.`,
    );
  const restoresAd = domainController && has('windows.active-directory');
  const restoresSysvol = domainController && has('windows.sysvol');
  if (has('windows.sysvol') && !domainController)
    warnings.push('SYSVOL is only restored on a domain controller.');
  if (domainController && has('windows.active-directory') !== has('windows.sysvol'))
    warnings.push(
      'Active Directory and SYSVOL belong together (group policies live in both): restore both from the same session, or the policies disagree until the next edit.',
    );
  const sysvolReady = restoresSysvol && sysvolMode !== null;
  if (restoresSysvol && sysvolMode === null)
    warnings.push(
      "Choose how SYSVOL is restored — authoritative (this DC's copy wins: the only DC, or all DCs lost) or non-authoritative (refreshed from a partner DC) — SYSVOL is not ready to restore until then.",
    );

  const bootMode = windowsBootMode(manifest, recorded.bcdeditEnum);
  const offline = has('windows.registry') || has('windows.com-plus') || restoresAd || sysvolReady;
  const changesBoot = has('windows.boot') || offline;
  const steps: WindowsRestoreStep[] = [
    {
      id: 'stage-files',
      title: "Stage the session's files",
      detail: `The helper restores the session's files into ${staging} (registry\\, boot\\, active-directory\\, files\\…) and verifies them; nothing of the running system changes yet.`,
      requires: null,
      commands: [],
    },
  ];
  if (changesBoot)
    steps.push({
      id: 'bitlocker',
      title: 'BitLocker: have the recovery key, or suspend protection',
      detail:
        'Changing boot files or the BCD, and starting WinRE or DSRM, makes a BitLocker-protected C: ask for its 48-digit recovery key. If the status shows protection on, find the key (Microsoft account, AD, or printout) or suspend it for the restarts: manage-bde -protectors -disable C: -RebootCount 3.',
      requires: null,
      commands: [['manage-bde', '-status', 'C:']],
    });
  if (has('windows.boot')) steps.push(...bootSteps(staging, bootMode, warnings));
  if (domainController && (restoresAd || sysvolReady)) steps.push(...dsrmPreparationSteps());
  if (offline) {
    steps.push({
      id: 'reboot-winre',
      title: 'Restart into the Windows Recovery Environment',
      detail:
        'reagentc /boottore makes the next start (only that one) open WinRE; then Troubleshoot > Advanced options > Command Prompt.',
      requires: null,
      commands: [
        ['reagentc', '/boottore'],
        [
          'shutdown',
          '/r',
          '/t',
          '60',
          '/c',
          'Backup Manager: restarting into the Windows Recovery Environment to replace files Windows keeps open',
        ],
      ],
    });
    if (has('windows.registry')) steps.push(registryOfflineStep(winreStaging));
    if (has('windows.com-plus'))
      steps.push({
        id: 'com-plus-replace-offline',
        title: 'Replace the COM+ registration database (in WinRE)',
        detail: `robocopy ${winreStaging}\\files\\Windows\\Registration W:\\Windows\\Registration /MIR /B /COPYALL /R:1 /W:1`,
        requires: winre,
        commands: [],
      });
    if (restoresAd) steps.push(adOfflineStep(winreStaging));
    if (sysvolReady && sysvolMode !== null) steps.push(sysvolOfflineStep(winreStaging, sysvolMode));
    steps.push({
      id: 'leave-winre',
      title: domainController ? 'Restart into Directory Services Restore Mode' : 'Restart Windows',
      detail: domainController
        ? 'Close the command prompt and choose Continue: the BCD sends this start to DSRM.'
        : 'Close the command prompt and choose Continue: Windows starts with the restored files.',
      requires: winre,
      commands: [],
    });
  }
  if (domainController && (restoresAd || sysvolReady)) steps.push(dsrmChecksStep(restoresAd));
  if (sysvolReady && sysvolMode !== null) steps.push(...sysvolMarkingSteps(sysvolMode));
  if (has('windows.registry') && role === 'member')
    steps.push({
      id: 'secure-channel',
      title: 'Check the computer account of this domain member',
      detail: `The restored SECURITY hive holds the machine password of the backup; if it changed since (every 30 days by default), the trust with ${facts?.domain ?? 'the domain'} fails: repair it with Test-ComputerSecureChannel -Repair -Credential (a domain admin).`,
      requires: null,
      commands: [[...powershellArgv('Test-ComputerSecureChannel -Verbose')]],
    });
  steps.push(...serviceComponentSteps(input.componentIds, staging, warnings));

  return {
    domainController,
    sysvolMode: restoresSysvol ? sysvolMode : null,
    requirements: requirementsOf({
      offline,
      changesBoot,
      domainController,
      restoresSysvol,
      sysvolMode,
      steps,
    }),
    steps,
    warnings,
  };
}

function bootSteps(
  staging: string,
  bootMode: 'uefi' | 'bios' | 'unknown',
  warnings: string[],
): WindowsRestoreStep[] {
  const steps: WindowsRestoreStep[] = [
    {
      id: 'bcd-backup',
      title: 'Keep the current boot configuration',
      detail: `Exports the BCD store of this machine to ${staging}\\boot\\BCD-before-restore (bcdedit /import it to go back).`,
      requires: null,
      commands: [['bcdedit', '/export', `${staging}\\boot\\BCD-before-restore`]],
    },
    {
      id: 'bcd-import',
      title: 'Import the recorded boot configuration (BCD)',
      detail:
        "Replaces the system BCD store with the session's. Its entries name partitions by disk signature or GPT GUID: on the same disks they boot as before; on new disks the next step points Windows' entry at this machine's partitions.",
      requires: null,
      commands: [['bcdedit', '/import', `${staging}\\boot\\BCD`]],
    },
  ];
  if (bootMode === 'unknown') {
    warnings.push(
      'The boot mode of the backed-up machine is unknown (no manifest value, no recorded bcdedit): run bcdboot C:\\Windows /s <system partition> /f ALL by hand after the import.',
    );
    return steps;
  }
  steps.push(
    bootMode === 'uefi'
      ? {
          id: 'boot-files',
          title: 'Write the UEFI boot files to the EFI System Partition',
          detail:
            "mountvol S: /s gives the EFI System Partition a letter; bcdboot copies the boot manager from C:\\Windows and creates this Windows' boot entry (and the firmware entry); the letter is removed again.",
          requires: null,
          commands: [
            ['mountvol', 'S:', '/s'],
            ['bcdboot', 'C:\\Windows', '/s', 'S:', '/f', 'UEFI'],
            ['mountvol', 'S:', '/d'],
          ],
        }
      : {
          id: 'boot-files',
          title: 'Write the BIOS boot files to the system partition',
          detail:
            'bcdboot copies the boot manager from C:\\Windows to the active system partition the firmware starts from ("System Reserved" or C:) and creates this Windows\' boot entry. (/f BIOS needs /s and a letter, which the BIOS system partition normally lacks; without /s bcdboot uses the firmware\'s system partition and its boot mode.)',
          requires: null,
          commands: [['bcdboot', 'C:\\Windows']],
        },
    {
      id: 'winre-reregister',
      title: 'Register the recovery environment again',
      detail: 'The imported WinRE entry may name the old disks; reagentc re-creates it for this machine.',
      requires: null,
      commands: [
        ['reagentc', '/disable'],
        ['reagentc', '/enable'],
      ],
    },
  );
  return steps;
}

function registryOfflineStep(winreStaging: string): WindowsRestoreStep {
  const config = 'W:\\Windows\\System32\\config';
  const replaced = `${winreStaging}\\replaced\\config`;
  return {
    id: 'registry-replace-offline',
    title: 'Replace the registry hives (in WinRE)',
    detail: [
      `The Windows drive usually has another letter in WinRE (find it with dir C:\\Windows, dir D:\\Windows…); W: stands for it here.`,
      `mkdir ${replaced}`,
      `for %h in (${systemHives.join(' ')}) do (move /y ${config}\\%h ${replaced}\\ & move /y ${config}\\%h.LOG1 ${replaced}\\ & move /y ${config}\\%h.LOG2 ${replaced}\\ & copy /y ${winreStaging}\\registry\\%h ${config}\\%h)`,
      'The .LOG1/.LOG2 transaction logs belong to the replaced hives and go with them; the hives in replaced\\config are the way back.',
    ].join(' — '),
    requires: winre,
    commands: [],
  };
}

/** Role data restored with the role's service stopped (Certificate Services, IIS); clusters by hand. */
function serviceComponentSteps(
  componentIds: readonly string[],
  staging: string,
  warnings: string[],
): WindowsRestoreStep[] {
  const steps: WindowsRestoreStep[] = [];
  const copy = (from: string, to: string) => [
    'robocopy',
    `${staging}\\files\\${from}`,
    to,
    '/MIR',
    '/B',
    '/COPYALL',
    '/R:1',
    '/W:1',
  ];
  if (componentIds.includes('windows.certificate-services'))
    steps.push({
      id: 'certificate-services',
      title: 'Restore the certification authority database',
      detail: `Stops Active Directory Certificate Services, replaces CertLog with the session's copy and starts it again. ${robocopyExit}`,
      requires: null,
      commands: [
        ['net', 'stop', 'certsvc'],
        copy('Windows\\System32\\CertLog', 'C:\\Windows\\System32\\CertLog'),
        ['net', 'start', 'certsvc'],
      ],
    });
  if (componentIds.includes('windows.iis'))
    steps.push({
      id: 'iis-configuration',
      title: 'Restore the IIS configuration',
      detail: `Stops IIS, replaces inetsrv\\config (applicationHost.config…) with the session's copy and starts IIS again. ${robocopyExit}`,
      requires: null,
      commands: [
        ['iisreset', '/stop'],
        copy('Windows\\System32\\inetsrv\\config', 'C:\\Windows\\System32\\inetsrv\\config'),
        ['iisreset', '/start'],
      ],
    });
  if (componentIds.includes('windows.cluster'))
    warnings.push(
      'The cluster database is not restored automatically: restore CLUSDB with the cluster service stopped on this node (authoritatively only with every node stopped), as Failover Clustering documents.',
    );
  if (componentIds.includes('windows.disk-layout'))
    warnings.push(
      'Disk layout (basic/dynamic disks, volumes) is shown for reference and not recreated on Windows: create the volumes with Disk Management or diskpart before restoring.',
    );
  return steps;
}

function requirementsOf(plan: {
  offline: boolean;
  changesBoot: boolean;
  domainController: boolean;
  restoresSysvol: boolean;
  sysvolMode: SysvolRestoreMode | null;
  steps: readonly WindowsRestoreStep[];
}): string[] {
  const requirements: string[] = [];
  if (plan.offline)
    requirements.push(
      'A restart into the Windows Recovery Environment, where you type the commands shown: Windows keeps the registry hives (and on a DC the AD database and SYSVOL) open while it runs.',
    );
  if (plan.domainController)
    requirements.push(
      "Directory Services Restore Mode and its password (the DC's local Administrator in DSRM); AD DS is offline there.",
    );
  if (plan.restoresSysvol && plan.sysvolMode === null)
    requirements.push('A choice: authoritative or non-authoritative SYSVOL restore.');
  if (plan.changesBoot) requirements.push('The BitLocker recovery key of C:, if BitLocker protects it.');
  const restarts = plan.steps.filter((s) =>
    ['reboot-winre', 'leave-winre', 'dsrm-checks'].includes(s.id),
  ).length;
  if (restarts > 0)
    requirements.push(`${restarts} restart${restarts === 1 ? '' : 's'}; plan for the downtime.`);
  return requirements;
}

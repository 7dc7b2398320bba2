/**
 * Required services running and set to start automatically.
 * Windows (sc query / sc qc): Backup Service Controller (our helper), Cryptographic Services (the System Writer
 * lives in it), Volume Shadow Copy.
 * Linux: our helper's systemd unit, and what the snapshot provider needs (LVM: lvm2-monitor, which watches
 * snapshot fill). When systemd is not PID 1 (containers, some VMs), nothing can say whether a unit runs: the
 * check says so (SERVICE_MANAGER_UNAVAILABLE) and still reads the enablement from the unit files.
 */
import { readFile, stat } from 'node:fs/promises';
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import type { CheckCode } from '../errors';
import { parseScConfig, parseScQuery, serviceRunning, startAutomatic } from '../platform/windows/sc-service';
import type { SnapshotProviderKind } from '../snapshots/snapshot-provider';
import type { CheckResult, CheckStatus } from './check';
import { worstStatus } from './check';

/** The Windows service name of our helper ("Backup Service Controller" is its display name). */
export const helperWindowsService = 'BackupServiceController';
export const helperLinuxUnit = 'backup-manager-helper.service';

export const requiredWindowsServices = [
  { name: helperWindowsService, display: 'Backup Service Controller' },
  { name: 'CryptSvc', display: 'Cryptographic Services' },
  { name: 'VSS', display: 'Volume Shadow Copy' },
] as const;

interface ServiceFinding {
  status: CheckStatus;
  code: CheckCode;
  evidence: string;
  fix: string;
}

export async function windowsServicesCheck(runner: CommandRunner): Promise<CheckResult> {
  const findings: ServiceFinding[] = [];
  for (const service of requiredWindowsServices) {
    const query = await runner.run({ argv: ['sc', 'query', service.name] });
    const state = query.kind === 'exited' ? parseScQuery(query.stdout) : null;
    if (state === null) {
      findings.push({
        status: 'fail',
        code: 'SERVICE_NOT_INSTALLED',
        evidence: `${service.display} (${service.name}): ${describeResult(query)}`,
        fix:
          service.name === helperWindowsService
            ? 'Reinstall Backup Manager to register its service.'
            : `Repair Windows: the ${service.display} service is missing.`,
      });
      continue;
    }
    const config = await runner.run({ argv: ['sc', 'qc', service.name] });
    const start = config.kind === 'exited' ? parseScConfig(config.stdout) : null;
    const running = state.stateNumber === serviceRunning;
    const automatic = start?.startTypeNumber === startAutomatic;
    const evidence = `${service.display} (${service.name}): ${state.stateText}${start ? `, start type ${start.startTypeText}` : `, start type unknown (${describeResult(config)})`}${state.win32ExitCode ? `, last exit code ${state.win32ExitCode}` : ''}`;
    const fixSteps = [
      automatic ? '' : `sc config ${service.name} start= auto`,
      running ? '' : `sc start ${service.name}`,
    ].filter(Boolean);
    findings.push({
      status: running && automatic ? 'pass' : 'fail',
      code: !running ? 'SERVICE_STOPPED' : !automatic ? 'SERVICE_NOT_AUTOMATIC' : 'OK',
      evidence,
      fix: fixSteps.length
        ? `As an administrator: ${fixSteps.join(' then ')} (or Services → ${service.display} → Startup type Automatic, Start).`
        : '',
    });
  }
  return summarize(findings);
}

export interface LinuxServicesContext {
  runner: CommandRunner;
  provider: SnapshotProviderKind;
  /** Root of the system whose unit files are read (`/` for this machine). */
  rootDir?: string;
}

export async function linuxServicesCheck(context: LinuxServicesContext): Promise<CheckResult> {
  const { runner } = context;
  const rootDir = context.rootDir ?? '/';
  const units = [helperLinuxUnit, ...(context.provider === 'lvm' ? ['lvm2-monitor.service'] : [])];
  const systemdRunning = await isDirectory(`${rootDir.replace(/\/$/, '')}/run/systemd/system`);
  const findings: ServiceFinding[] = [];
  if (!systemdRunning) {
    const init = (await readFile('/proc/1/comm', 'utf8').catch(() => 'unknown')).trim();
    findings.push({
      status: 'warn',
      code: 'SERVICE_MANAGER_UNAVAILABLE',
      evidence: `systemd is not running as PID 1 (PID 1 is "${init}"): whether a service runs cannot be asked, and units do not start at boot here`,
      fix: 'On a machine booted with systemd this is checked; here, start the helper by hand (backup-manager-helper) before a session.',
    });
  }
  for (const unit of units) {
    const enabled = await runner.run({ argv: ['systemctl', 'is-enabled', unit] });
    const enablement =
      enabled.kind === 'exited' ? enabled.stdout.trim() || enabled.stderr.trim() : describeResult(enabled);
    const isEnabled =
      enabled.kind === 'exited' &&
      enabled.exitCode === 0 &&
      /^(enabled|static|alias|indirect|generated)/.test(enabled.stdout.trim());
    let active = 'unknown';
    let isActive = false;
    if (systemdRunning) {
      const state = await runner.run({ argv: ['systemctl', 'is-active', unit] });
      active = state.kind === 'exited' ? state.stdout.trim() || state.stderr.trim() : describeResult(state);
      isActive = succeeded(state) && state.stdout.trim() === 'active';
    }
    const notInstalled = /No such file|not-found|does not exist/i.test(enablement);
    const optional = unit !== helperLinuxUnit;
    const missingStatus: CheckStatus = optional ? 'warn' : 'fail';
    findings.push({
      status: notInstalled || !isEnabled || (systemdRunning && !isActive) ? missingStatus : 'pass',
      code: notInstalled
        ? 'SERVICE_NOT_INSTALLED'
        : !isEnabled
          ? 'SERVICE_NOT_AUTOMATIC'
          : systemdRunning && !isActive
            ? 'SERVICE_STOPPED'
            : 'OK',
      evidence: `${unit}: enablement "${enablement}", state "${active}"`,
      fix: notInstalled
        ? unit === helperLinuxUnit
          ? 'Install the Backup Manager package (it installs and enables the helper unit).'
          : `Install the package that provides ${unit} (lvm2).`
        : `systemctl enable --now ${unit}`,
    });
  }
  return summarize(findings);
}

function summarize(findings: ServiceFinding[]): CheckResult {
  const status = worstStatus(findings.map((f) => f.status));
  const worst = findings.find((f) => f.status === status && f.code !== 'OK');
  return {
    id: 'services',
    status,
    code: status === 'pass' ? 'OK' : (worst?.code ?? 'OK'),
    title: 'Required services running and starting automatically',
    evidence: findings.map((f) => f.evidence),
    fix: findings
      .map((f) => f.fix)
      .filter(Boolean)
      .join(' '),
  };
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Windows Server editions: Shadow Copy must be enabled for all drives — every fixed NTFS volume with a letter
 * needs a shadow copy storage association (`vssadmin list shadowstorage`). Client editions and Linux: not
 * applicable.
 */
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import type { LocalDrive } from '../location/local-drives';
import { parseShadowStorage } from '../platform/windows/vssadmin-shadowstorage';
import type { CheckResult } from './check';

const title = 'Shadow Copy enabled for all drives (Windows Server)';

export function notApplicable(id: string, checkTitle: string, why: string): CheckResult {
  return { id, status: 'pass', code: 'NOT_APPLICABLE', title: checkTitle, evidence: [why], fix: '' };
}

export async function shadowCopyDrivesCheck(
  runner: CommandRunner,
  serverEdition: boolean,
  drives: readonly LocalDrive[],
): Promise<CheckResult> {
  if (!serverEdition) return notApplicable('shadow-copy-drives', title, 'not a Windows Server edition');
  const listed = await runner.run({ argv: ['vssadmin', 'list', 'shadowstorage'], timeoutMs: 60_000 });
  if (!succeeded(listed) && !(listed.kind === 'exited' && /No items found/i.test(listed.stdout)))
    return {
      id: 'shadow-copy-drives',
      status: 'fail',
      code: 'VSS_UNAVAILABLE',
      title,
      evidence: [describeResult(listed)],
      fix: 'Start the "Volume Shadow Copy" service and run the check again.',
    };
  return evaluateShadowCopyDrives(listed.kind === 'exited' ? listed.stdout : '', drives);
}

export function evaluateShadowCopyDrives(output: string, drives: readonly LocalDrive[]): CheckResult {
  const associations = parseShadowStorage(output);
  const ntfs = drives
    .filter((d) => d.fsType.toUpperCase() === 'NTFS')
    .map((d) => d.mountPoint.slice(0, 2).toUpperCase());
  const covered = new Set(associations.map((a) => a.forVolume.toUpperCase()));
  const missing = ntfs.filter((letter) => !covered.has(letter));
  const evidence = [
    ...associations.map(
      (a) => `${a.forVolume}: shadow storage on ${a.storageVolume}, maximum ${a.maximumText || 'unknown'}`,
    ),
    ...missing.map((letter) => `${letter}: no shadow copy storage association (Shadow Copies disabled)`),
  ];
  if (missing.length === 0)
    return { id: 'shadow-copy-drives', status: 'pass', code: 'OK', title, evidence, fix: '' };
  return {
    id: 'shadow-copy-drives',
    status: 'fail',
    code: 'SHADOW_COPY_DISABLED',
    title,
    evidence,
    fix: `Enable Shadow Copies for ${missing.join(', ')}: in Explorer, right-click the drive → Configure Shadow Copies → Enable, or as an administrator: ${missing
      .map((l) => `vssadmin add shadowstorage /for=${l} /on=${l} /maxsize=10%`)
      .join(' ; ')}`,
  };
}

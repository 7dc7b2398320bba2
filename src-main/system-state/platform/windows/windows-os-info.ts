/**
 * What Windows says about itself in Win32_OperatingSystem: edition and version (component detection, the Windows
 * Server rules of the preflight), the host name, build and OS architecture (the machine manifest) and the last
 * boot time (the snapshot availability check's boot id). One PowerShell call in list view (`Format-List *`),
 * which never truncates values.
 */
import type { CommandRunner } from '../../command-runner/command-runner';
import { describeResult, succeeded } from '../../command-runner/command-runner';
import { powershellArgv } from './powershell-command';
import { parsePowerShellList } from './powershell-objects';

export interface WindowsOsInfo {
  caption: string;
  version: string;
  /** Win32_OperatingSystem.ProductType: 1 workstation, 2 domain controller, 3 server. */
  productType: number | null;
  /** CSName: the computer name. */
  hostname: string | null;
  buildNumber: string | null;
  /** OSArchitecture as printed ("64-bit", or localized such as "64 bits"). */
  osArchitecture: string | null;
  /** LastBootUpTime as printed (culture-dependent text): changes exactly when Windows restarts. */
  lastBootUpTime: string | null;
}

export const osInfoArgv = powershellArgv('Get-CimInstance -ClassName Win32_OperatingSystem | Format-List *');

export async function readWindowsOsInfo(
  runner: CommandRunner,
): Promise<{ info: WindowsOsInfo | null; evidence: string }> {
  const result = await runner.run({ argv: osInfoArgv, timeoutMs: 60_000 });
  if (!succeeded(result)) return { info: null, evidence: describeResult(result) };
  const record = parsePowerShellList(result.stdout).find((r) => 'ProductType' in r || 'Caption' in r);
  if (record === undefined)
    return { info: null, evidence: 'Win32_OperatingSystem: no Caption/ProductType in the output' };
  const productType = Number.parseInt(record.ProductType ?? '', 10);
  const info: WindowsOsInfo = {
    caption: record.Caption ?? '',
    version: record.Version ?? '',
    productType: Number.isFinite(productType) ? productType : null,
    hostname: record.CSName || null,
    buildNumber: record.BuildNumber || null,
    osArchitecture: record.OSArchitecture || null,
    lastBootUpTime: record.LastBootUpTime || null,
  };
  return { info, evidence: `${info.caption} ${info.version}, ProductType ${info.productType ?? 'unknown'}` };
}

export function isServerEdition(info: WindowsOsInfo | null): boolean | null {
  if (info === null) return null;
  if (info.productType !== null) return info.productType !== 1;
  return /\bserver\b/i.test(info.caption);
}

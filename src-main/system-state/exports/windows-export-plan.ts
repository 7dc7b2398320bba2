/**
 * The Windows export plan: registry hives with `reg save` (a consistent copy while Windows runs), the BCD store
 * with `bcdedit /export`, and — on domain controllers — the Active Directory database, which is not exported by
 * a tool but copied from the shadow copy (NTDS.dit and its logs are consistent there thanks to the NTDS writer).
 */
import { SystemStateError } from '../errors';
import type { ExportStep } from './export-plan';

export const registryHives = [
  { key: 'HKLM\\SYSTEM', file: 'SYSTEM' },
  { key: 'HKLM\\SOFTWARE', file: 'SOFTWARE' },
  { key: 'HKLM\\SAM', file: 'SAM' },
  { key: 'HKLM\\SECURITY', file: 'SECURITY' },
  { key: 'HKU\\.DEFAULT', file: 'DEFAULT' },
] as const;

export function windowsExportPlan(stagingDir: string): ExportStep[] {
  if (!/^[A-Za-z]:\\/.test(stagingDir))
    throw new SystemStateError('INVALID_ARGUMENT', `staging folder must be a Windows path: ${stagingDir}`);
  const dir = stagingDir.replace(/\\+$/, '');
  return [
    ...registryHives.map(
      (hive): ExportStep => ({
        id: `reg-save-${hive.file.toLowerCase()}`,
        componentId: 'windows.registry',
        argv: ['reg', 'save', hive.key, `${dir}\\registry\\${hive.file}`, '/y'],
        stdoutFile: null,
        writes: [`registry\\${hive.file}`],
        timeoutMs: 300_000,
      }),
    ),
    {
      id: 'bcdedit-export',
      componentId: 'windows.boot',
      argv: ['bcdedit', '/export', `${dir}\\boot\\BCD`],
      stdoutFile: null,
      writes: ['boot\\BCD'],
    },
    {
      id: 'bcdedit-enum',
      componentId: 'windows.boot',
      argv: ['bcdedit', '/enum', 'all', '/v'],
      stdoutFile: 'boot\\bcdedit-enum-all.txt',
    },
  ];
}

/** Files of the Active Directory database to copy from the shadow copy (paths relative to the volume root). */
export function ntdsFilesFromShadow(
  shadowRoot: string,
  ntdsFolder = 'Windows\\NTDS',
): { from: string; to: string }[] {
  const root = shadowRoot.replace(/\\+$/, '');
  return ['ntds.dit', 'edb.chk', 'edb.log'].map((file) => ({
    from: `${root}\\${ntdsFolder}\\${file}`,
    to: `active-directory\\${file}`,
  }));
}
